from django import forms
from django.utils.translation import gettext_lazy as _

from lingtouyang.review.models import Candidate, Department


class RoundForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    election_date = forms.DateField(label=_("election date"), help_text=_("ages are counted on this day"),
                                    widget=forms.DateInput(attrs={"type": "date"}))
    departments = forms.ModelMultipleChoiceField(
        label=_("participating departments"), queryset=Department.objects.all(),
        widget=forms.CheckboxSelectMultiple)


class CandidatesForm(forms.Form):
    people = forms.CharField(widget=forms.MultipleHiddenInput, required=False)
    standing_for = forms.ChoiceField(label=_("standing for"), choices=Candidate.StandingFor.choices)


class CloseForm(forms.Form):
    force = forms.BooleanField(label=_("close with verdicts pending"), required=False)
    reason = forms.CharField(label=_("reason for closing early"), max_length=200, required=False)


class VerdictForm(forms.Form):
    candidate = forms.IntegerField(widget=forms.HiddenInput)
    passed = forms.TypedChoiceField(label=_("verdict"), coerce=lambda v: v == "1",
                                    choices=[("1", _("pass")), ("0", _("fail"))], widget=forms.RadioSelect)
    reason = forms.CharField(label=_("reason"), max_length=500, required=False)
