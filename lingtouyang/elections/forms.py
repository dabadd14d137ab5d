"""Forms parse input; rules live in services."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lingtouyang.elections.models import Election, ElectionCandidate
from lingtouyang.people.codes import Post
from lingtouyang.people.forms import RegionCodeField

DATE = {"type": "date"}


class ElectionForm(forms.Form):
    region = RegionCodeField()
    kind = forms.ChoiceField(label=_("election"), choices=Election.Kind.choices)
    election_date = forms.DateField(label=_("election date"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                                    help_text=_("the term is the election's year"))
    deputies = forms.IntegerField(label=_("deputy seats"), min_value=0, max_value=3, initial=1,
                                  help_text=_("deputy secretary or deputy director"))
    members = forms.IntegerField(label=_("member seats"), min_value=0, max_value=9, initial=3,
                                 help_text=_("committee members besides the secretary (director) and deputies"))

    DEPUTY = {"party": Post.PARTY_DEPUTY, "village": Post.VILLAGE_DEPUTY, "community": Post.COMMUNITY_DEPUTY}
    MEMBER = {"party": Post.PARTY_MEMBER, "village": Post.VILLAGE_MEMBER, "community": Post.COMMUNITY_MEMBER}

    def seats(self) -> dict[str, int]:
        """The form's two numbers as seats of the posts the kind fills in this region."""
        data = self.cleaned_data
        region = data["region"]
        key = "party" if data["kind"] == Election.Kind.PARTY else (
            "community" if region is not None and region.kind == "community" else "village")
        return {self.DEPUTY[key]: data["deputies"], self.MEMBER[key]: data["members"]}


class CandidateForm(forms.Form):
    person = forms.IntegerField(label=_("person"), error_messages={"required": _("choose a person")})
    post = forms.ChoiceField(label=_("post"), choices=Post.choices)

    def __init__(self, *args: Any, people: list[tuple[int, str]] = (), posts: list[str] = (), **kwargs: Any) -> None:
        """`people`: (id, label) of the village's people to choose from."""
        super().__init__(*args, **kwargs)
        self.fields["person"].widget = forms.Select(choices=[("", "—"), *people])
        self.fields["post"].choices = [(p, Post(p).label) for p in Post.values if p in posts]


class ResultsForm(forms.Form):
    """The electorate, the ballots, and one field per candidate (votes_<candidate id>)."""

    electorate = forms.IntegerField(label=_("electorate"), min_value=1,
                                    help_text=_("party members (party branch) or registered voters (committee)"))
    ballots_cast = forms.IntegerField(label=_("ballots cast"), min_value=0)

    def __init__(self, *args: Any, candidates: list[ElectionCandidate] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for c in candidates:
            self.fields[f"votes_{c.pk}"] = forms.IntegerField(
                label=f"{c.person.name} · {c.get_post_display()}", min_value=0, initial=c.votes)

    def votes(self) -> dict[int, int]:
        return {int(name[6:]): value for name, value in self.cleaned_data.items() if name.startswith("votes_")}


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("reason for cancelling"), max_length=200)
