from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lingtouyang.core.uploads import WorkbookField
from lingtouyang.training.enrolment import RULE_KINDS
from lingtouyang.training.models import Audience, BaseKind, Form, TalentTag, Topic

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class BaseForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    host = forms.CharField(label=_("host institution"), max_length=100)
    kind = forms.ChoiceField(label=_("kind"), choices=BaseKind.choices)
    region = forms.CharField(label=_("location (region code)"), max_length=12)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("capacity (trainees)"), min_value=1)
    specialties = forms.MultipleChoiceField(label=_("specialties"), required=False, choices=Topic.choices,
                                            widget=forms.CheckboxSelectMultiple)
    active = forms.BooleanField(label=_("in use"), required=False, initial=True)


class ProgrammeForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=100)
    topic = forms.ChoiceField(label=_("topic"), choices=Topic.choices)
    form = forms.ChoiceField(label=_("form"), choices=Form.choices)
    hours = forms.DecimalField(label=_("hours"), max_digits=5, decimal_places=1, min_value=0)
    audience = forms.ChoiceField(label=_("audience"), choices=Audience.choices)
    threshold = forms.IntegerField(label=_("attendance needed to complete (%)"), min_value=1, max_value=100,
                                   initial=80)
    talent_tag = forms.ChoiceField(label=_("talent tag earned"), required=False,
                                   choices=[("", "—"), *TalentTag.choices])
    description = forms.CharField(label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    active = forms.BooleanField(label=_("in use"), required=False, initial=True)


class SessionForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=100)
    programme = forms.TypedChoiceField(label=_("programme"), coerce=int)
    base = forms.TypedChoiceField(label=_("base"), coerce=int)
    start_date = forms.DateField(label=_("first day"), widget=DATE)
    end_date = forms.DateField(label=_("last day"), widget=DATE)
    capacity = forms.IntegerField(label=_("places"), min_value=1)

    def __init__(self, *args: Any, programmes: Any = (), bases: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [(p.pk, p.title) for p in programmes]
        self.fields["base"].choices = [(b.pk, f"{b.name} ({b.capacity})") for b in bases]


class SittingForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("starts at"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    ends_at = forms.DateTimeField(label=_("ends at"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    hours = forms.DecimalField(label=_("hours"), max_digits=4, decimal_places=1, min_value=0)
    subject = forms.CharField(label=_("subject"), max_length=100, required=False)
    teacher = forms.CharField(label=_("teacher"), max_length=50, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("reason for cancelling"), max_length=200)


class EnrolOneForm(forms.Form):
    person = forms.IntegerField(label=_("person"), widget=forms.HiddenInput)


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("who"), choices=RULE_KINDS, widget=forms.RadioSelect)
    region = forms.CharField(label=_("in the region (code)"), max_length=12)


class ListForm(forms.Form):
    file = WorkbookField(label=_("Excel file (.xlsx)"))


class WithdrawForm(forms.Form):
    enrolment = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("reason for withdrawing"), max_length=200)
