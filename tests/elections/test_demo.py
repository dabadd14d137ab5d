"""The demo's elections: every Luzhou village's certified 2021 elections, whose winners are exactly the
2021 post holders on the roster; one planned 2026 election to walk through; built once."""

import time
from collections import defaultdict

import pytest

from lingtouyang.elections import engine, selectors
from lingtouyang.elections.demo import PLANNED_VILLAGE, demo_elections
from lingtouyang.elections.models import Election, ElectionCandidate
from lingtouyang.people.demo import generate, villages_without_people
from lingtouyang.people.models import Appointment, Person
from lingtouyang.regions.models import Level, Region
from lingtouyang.review.selectors import CLEARED, clearance

pytestmark = pytest.mark.django_db


def test_demo_elections() -> None:
    generate(villages_without_people("5105"))
    started = time.monotonic()
    added = demo_elections("5105")
    elapsed = time.monotonic() - started
    print(f"demo_elections: {elapsed:.1f}s")
    assert elapsed < 30
    villages = set(Region.objects.within("5105").filter(level=Level.VILLAGE).values_list("code", flat=True))
    certified = Election.objects.filter(term=2021, state=Election.State.CERTIFIED)
    assert added == certified.count() + 1
    assert {(r, k) for r, k in certified.values_list("region_id", "kind")} == {
        (v, k) for v in villages for k in Election.Kind.values}
    assert demo_elections("5105") == 0  # a second run adds nothing

    holders = defaultdict(set)
    for region, person, post in Appointment.objects.filter(term=2021).exclude(post="fulltime_deputy").values_list(
            "region_id", "person_id", "post"):
        holders[region].add((person, post))
    won, losers = defaultdict(set), 0
    elections = list(certified.select_related("region"))
    candidates = defaultdict(list)
    for c in ElectionCandidate.objects.filter(election__term=2021).select_related("person"):
        candidates[c.election_id].append(c)
    for election in elections:
        assert engine.is_valid(election.electorate, election.ballots_cast)
        assert election.ballots_cast * 10 >= election.electorate * 7  # turnout well over half
        outcome = selectors.election_results(election) if election.pk % 97 == 0 else None  # the page's own reading
        by_id = {c.pk: c for c in candidates[election.pk]}
        for post, result in engine_outcomes(election, candidates[election.pk]).items():
            assert result.unfilled == 0 and not result.tie
            won[election.region_id] |= {(by_id[pk].person_id, post) for pk in result.winners}
        for c in candidates[election.pk]:
            assert c.person.region_id == election.region_id  # a candidate is on the village's roster
            assert c.votes <= election.ballots_cast
        losers += len(candidates[election.pk]) - sum(len(r.winners) for r in
                                                     engine_outcomes(election, candidates[election.pk]).values())
        if outcome is not None:
            assert {(r.candidate.person_id, p.post) for p in outcome.posts for r in p.winners} <= won[election.region_id]
    assert dict(won) == dict(holders)
    assert 0.2 * len(elections) < losers < 0.6 * len(elections)

    planned = Election.objects.get(region_id=PLANNED_VILLAGE, term=2026)
    assert planned.state == Election.State.PLANNED and not planned.candidates.exists()
    people = Person.objects.filter(region_id=PLANNED_VILLAGE).values_list("id", flat=True)
    assert any(c.status == CLEARED for c in clearance(people).values())  # someone can stand


def engine_outcomes(election: Election, candidates: list[ElectionCandidate]) -> dict[str, engine.Outcome]:
    by_post: dict[str, dict[int, int]] = defaultdict(dict)
    for c in candidates:
        by_post[c.post][c.pk] = c.votes
    return {post: engine.winners(votes, election.seats[post], election.ballots_cast) for post, votes in by_post.items()}
