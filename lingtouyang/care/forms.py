"""Forms parse input; rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lingtouyang.care.models import Kind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RecordForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=DATE)
    by_whom = forms.CharField(label=_("by whom"), max_length=100, help_text=_("e.g. 镇党委书记 王某某"))
    note = forms.CharField(label=_("note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    # Text, so that the service gives its own reason for a negative or malformed amount.
    amount = forms.CharField(label=_("amount (yuan)"), max_length=20, required=False,
                             help_text=_("hardship assistance: required; condolence visit: optional"),
                             widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    follow_up_due = forms.DateField(label=_("follow-up due"), required=False, widget=DATE,
                                    help_text=_("reminder talks only"))


class CreateForm(RecordForm):
    person = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": _("choose a person")})
    kind = forms.ChoiceField(label=_("kind"), choices=Kind.choices)
    field_order = ["person", "kind", "date", "by_whom", "note", "amount", "follow_up_due"]


class FollowUpForm(forms.Form):
    done_on = forms.DateField(label=_("follow-up done on"), widget=DATE)
    note = forms.CharField(label=_("follow-up note"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
