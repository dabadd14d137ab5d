"""Forms parse input; the rules live in services (a negative figure, overlapping dates … are refused there)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lingtouyang.assessments.models import Grade
from lingtouyang.pay.engine import PRINCIPAL_POSTS
from lingtouyang.pay.models import RateKind
from lingtouyang.people.codes import Post

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DEFAULT_BASIC = {Post.SUPERVISION_CHAIR: 1500, Post.PARTY_MEMBER: 1200, Post.VILLAGE_MEMBER: 1200,
                 Post.COMMUNITY_MEMBER: 1200, Post.SUPERVISION_MEMBER: 1200}
DEFAULT_PERFORMANCE = {Grade.EXCELLENT: 15456, Grade.COMPETENT: 12000, Grade.BASIC: 8000, Grade.INCOMPETENT: 0}
DEFAULT_INCENTIVE = {Grade.EXCELLENT: 100, Grade.COMPETENT: 80, Grade.BASIC: 50, Grade.INCOMPETENT: 0}


def _number(label: Any, initial: Any, help_text: Any = "") -> forms.DecimalField:
    # No min_value here: the service refuses a negative figure with its own message.
    return forms.DecimalField(label=label, initial=initial, max_digits=14, decimal_places=2, help_text=help_text)


class PolicyForm(forms.Form):
    county = forms.CharField(label=_("county code"), max_length=12)
    effective_from = forms.DateField(label=_("effective from"), widget=DATE)
    effective_to = forms.DateField(label=_("effective to"), widget=DATE, required=False,
                                   help_text=_("empty: until a later version"))
    deputy_share = _number(_("deputies' share of the principal post's basic pay (%)"), 85)
    raise_percent = _number(_("raise per consecutive re-elected term (%)"), 5)
    raise_compounds = forms.BooleanField(label=_("the raise compounds (1.05ⁿ; otherwise 1 + n × 5%)"),
                                         required=False, initial=True)
    incentive_threshold = _number(_("incentive threshold of annual operating net income (yuan)"), 50000)
    incentive_share = _number(_("incentive share of the net income above the threshold (%)"), 10)
    incentive_cap = _number(_("incentive cap per village (yuan)"), 100000)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for post in PRINCIPAL_POSTS:
            self.fields[f"basic_{post}"] = _number(Post(post).label, DEFAULT_BASIC.get(post, 2000),
                                                   _("basic pay, yuan a month"))
        for grade in Grade.values:
            self.fields[f"performance_{grade}"] = _number(Grade(grade).label, DEFAULT_PERFORMANCE[grade],
                                                          _("performance pay, yuan a year"))
        for grade in Grade.values:
            self.fields[f"incentive_{grade}"] = _number(Grade(grade).label, DEFAULT_INCENTIVE[grade],
                                                        _("share of the incentive, %"))

    def rates(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        return {RateKind.BASIC: {p: data[f"basic_{p}"] for p in PRINCIPAL_POSTS},
                RateKind.PERFORMANCE: {g: data[f"performance_{g}"] for g in Grade.values},
                RateKind.INCENTIVE: {g: data[f"incentive_{g}"] for g in Grade.values}}


class RunForm(forms.Form):
    region = forms.CharField(label=_("region code"), max_length=12)
    year = forms.IntegerField(label=_("year"), min_value=1990, max_value=2100)
    month = forms.IntegerField(label=_("month"), min_value=1, max_value=12, required=False,
                               help_text=_("empty: the whole year"))


class RewardForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": _("choose a person")})
    year = forms.IntegerField(label=_("year"), min_value=1990, max_value=2100)
    month = forms.IntegerField(label=_("month"), min_value=1, max_value=12)
    amount = forms.DecimalField(label=_("amount (yuan)"), max_digits=12, decimal_places=2)
    reason = forms.CharField(label=_("reason"), max_length=200)
