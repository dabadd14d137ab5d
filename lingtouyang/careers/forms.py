"""Forms parse input; rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lingtouyang.careers.models import Kind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EventForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=DATE)
    destination = forms.CharField(label=_("destination or organisation"), max_length=100, required=False,
                                  help_text=_("e.g. 叙永县水尾镇人民政府"))
    reason = forms.CharField(label=_("reason"), max_length=300, required=False,
                             help_text=_("required for a demotion, dismissal or resignation"))
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class CreateForm(EventForm):
    person = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": _("choose a person")})
    kind = forms.ChoiceField(label=_("what happened"), choices=Kind.choices)
    end_posts = forms.BooleanField(
        label=_("end the person's posts held on that date"), required=False,
        help_text=_("files and approves a dismissal (or, for a resignation, a resignation) for each post, with "
                    "this event as the reason"))
    field_order = ["person", "kind", "date", "destination", "reason", "note", "end_posts"]
