"""Reads of term elections, always through the scoped querysets. Winners are derived from the recorded
votes by the engine (never stored), so the page cannot disagree with the rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet

from lingtouyang.elections import engine
from lingtouyang.elections.models import Election, ElectionCandidate
from lingtouyang.elections.services import outcomes
from lingtouyang.people.codes import Post
from lingtouyang.review import selectors as review_selectors


def election_list(user: Any, *, term: int | None = None, state: str = "", region: str = "") -> QuerySet[Election]:
    qs = Election.objects.visible_to(user).within(region)
    if term:
        qs = qs.filter(term=term)
    if state in Election.State.values:
        qs = qs.filter(state=state)
    return (qs.select_related("region", "region__parent").annotate(candidate_count=Count("candidates"))
            .order_by("-term", "region_id", "-kind", "-id"))


def village_history(user: Any, code: str) -> QuerySet[Election]:
    return (Election.objects.visible_to(user).filter(region_id=code)
            .annotate(candidate_count=Count("candidates")).order_by("-term", "-kind", "-id"))


@dataclass
class Row:
    candidate: ElectionCandidate
    clearance: str  # cleared, failed, pending or "" (never reviewed)
    won: bool = False


@dataclass
class PostResult:
    post: str
    seats: int
    rows: list[Row]
    outcome: engine.Outcome | None  # None until the results are in

    @property
    def label(self) -> str:
        return str(Post(self.post).label)

    @property
    def winners(self) -> list[Row]:
        return [r for r in self.rows if r.won]


@dataclass
class Results:
    election: Election
    posts: list[PostResult]
    valid: bool | None  # None until the results are in
    unfilled: list[PostResult] = field(default_factory=list)

    @property
    def turnout(self) -> float | None:
        e = self.election
        return e.ballots_cast / e.electorate if e.electorate and e.ballots_cast is not None else None

    @property
    def candidates(self) -> list[ElectionCandidate]:
        return [r.candidate for p in self.posts for r in p.rows]


def election_results(election: Election) -> Results:
    """Candidates by post with their joint-review standing, and (once held) who won: three queries."""
    candidates = list(election.candidates.select_related("person").order_by("post", "-votes", "id"))
    standing = review_selectors.clearance([c.person_id for c in candidates])
    held = election.state in (Election.State.HELD, Election.State.CERTIFIED)
    decided = outcomes(election, candidates) if held else {}
    posts = []
    for post in [p for p in Post.values if p in election.seats]:  # jsonb keeps no key order
        seats = election.seats[post]
        outcome = decided.get(post)
        won = set(outcome.winners) if outcome else set()
        rows = [Row(c, standing[c.person_id].status if c.person_id in standing else "", c.pk in won)
                for c in candidates if c.post == post]
        rows.sort(key=lambda r: (-(r.candidate.votes or 0), r.candidate.pk))
        posts.append(PostResult(post, seats, rows, outcome))
    valid = engine.is_valid(election.electorate or 0, election.ballots_cast or 0) if held else None
    unfilled = [p for p in posts if p.outcome and p.outcome.unfilled]
    return Results(election, posts, valid, unfilled)
