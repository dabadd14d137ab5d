from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lingtouyang.review.models import RULE_FIELDS, Candidate, Department, Rule


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


class RuleRowForm(forms.Form):
    """One rule of the version being edited; its code names it and does not change."""

    code = forms.CharField(widget=forms.HiddenInput, max_length=20)
    text = forms.CharField(label=_("text"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    severity = forms.ChoiceField(label=_("severity"), choices=Rule.Severity.choices)
    department = forms.ModelChoiceField(label=_("attesting department"), queryset=Department.objects.all(),
                                        required=False)
    automatic = forms.ChoiceField(label=_("automatic check"), choices=Rule.Check.choices, required=False)
    parameter = forms.IntegerField(label=_("parameter"), required=False, min_value=0, max_value=999)
    applies_to = forms.ChoiceField(label=_("applies to"), choices=Rule.AppliesTo.choices)
    order = forms.IntegerField(label=_("order"), min_value=0, max_value=999)
    remove = forms.BooleanField(label=_("remove"), required=False)

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in RULE_FIELDS}


class NewRuleForm(RuleRowForm):
    """An empty row for a rule to add; left empty, it adds nothing."""

    code = forms.CharField(label=pgettext_lazy("eligibility rule", "code"), max_length=20, required=False)
    severity = forms.ChoiceField(label=_("severity"), choices=[("", "—"), *Rule.Severity.choices], required=False)
    applies_to = forms.ChoiceField(label=_("applies to"), choices=Rule.AppliesTo.choices, required=False,
                                   initial=Rule.AppliesTo.ALL)
    order = forms.IntegerField(label=_("order"), min_value=0, max_value=999, required=False)
    remove = None  # type: ignore[assignment]

    def has_changed(self) -> bool:
        # applies_to starts as "all": a row where nothing else was filled in is an empty row.
        return any(f != "applies_to" for f in self.changed_data)


RuleRowFormSet = forms.formset_factory(RuleRowForm, extra=0)
NewRuleFormSet = forms.formset_factory(NewRuleForm, extra=3)


class PublishForm(forms.Form):
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    effective_from = forms.DateField(label=_("effective from"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("note"), max_length=200, required=False,
                           help_text=_("why this version: the decision or document it follows"))
