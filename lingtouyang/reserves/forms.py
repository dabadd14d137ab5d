"""Forms parse input; rules live in services."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lingtouyang.people.codes import Post, Source
from lingtouyang.people.forms import RegionCodeField
from lingtouyang.reserves.models import Merit

DATE = {"type": "date"}


class ReserveForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": _("choose a person")})
    region = RegionCodeField()
    source = forms.ChoiceField(label=_("source"), choices=[("", _("the person's own")), *Source.choices],
                               required=False)
    posts = forms.MultipleChoiceField(label=_("groomed for"), choices=Post.choices,
                                      widget=forms.CheckboxSelectMultiple)
    added_on = forms.DateField(label=_("date added"), required=False,
                               widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=[("appointed", _("appointed")), ("withdrawn", _("withdrawn"))])
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)


class MeritForm(forms.Form):
    task = forms.ChoiceField(label=_("urgent task"), choices=Merit.Task.choices)
    description = forms.CharField(label=_("what they did"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    done_on = forms.DateField(label=_("when"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    evidence = forms.FileField(label=_("evidence (PDF, JPEG or PNG, at most 10 MB)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png"


class TargetForm(forms.Form):
    region = RegionCodeField(label=_("region"))
    per_post = forms.IntegerField(label=_("reserves per post"), min_value=0, max_value=20)
    effective_from = forms.DateField(label=_("effective from"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    note = forms.CharField(label=_("note"), max_length=200, required=False)
