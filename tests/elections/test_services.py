"""The elections' services: the state machine, every refusal (nothing written), and certification."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lingtouyang.audit.models import AuditEvent
from lingtouyang.elections import engine, services
from lingtouyang.elections.models import Election, ElectionCandidate
from lingtouyang.people.models import Appointment
from lingtouyang.regions.models import Region
from tests import factories as f
from tests.elections.conftest import ELECTION_DAY, World

pytestmark = pytest.mark.django_db


def snapshot() -> tuple[Any, ...]:
    return (list(Election.objects.order_by("pk").values()), list(ElectionCandidate.objects.order_by("pk").values()),
            list(Appointment.objects.order_by("pk").values()), AuditEvent.objects.exclude(action__startswith="access.").count())


def refused(call: Any, *, message: str = "") -> ValidationError:
    """The call raises, and nothing at all was written (no row, no change, no audit event)."""
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        call()
    assert snapshot() == before
    if message:
        assert message in " ".join(exc.value.messages), exc.value.messages
    return exc.value


def with_candidates(world: World, kind: str = "committee", **extra: Any) -> tuple[Election, list[ElectionCandidate]]:
    """谭坝村's election with two director candidates and three for the committee's three member seats."""
    election = world.election(kind, **extra)
    township = world.users["township"]
    posts = (["party_secretary", "party_secretary", "party_member", "party_member", "party_member"]
             if kind == "party" else
             ["village_director", "village_director", "village_member", "village_member", "village_member"])
    candidates = [services.candidate_add(acting_user=township, election=election, person=p, post=post)
                  for p, post in zip(world.tanba, posts, strict=False)]
    return election, candidates


def record(world: World, election: Election, candidates: list[ElectionCandidate], votes: list[int],
           electorate: int = 1000, ballots: int = 800, who: str = "township") -> Election:
    return services.results_record(acting_user=world.users[who], election=election, electorate=electorate,
                                   ballots_cast=ballots, votes={c.pk: v for c, v in zip(candidates, votes, strict=True)})


# --- planning ----------------------------------------------------------------------------------------


def test_an_election_gets_the_policy_seats_of_its_kind_and_village(world: World) -> None:
    committee = world.election()
    assert committee.seats == {"village_director": 1, "village_deputy": 1, "village_member": 3,
                               "supervision_chair": 1, "supervision_member": 2}
    party = world.election("party", seats={"party_deputy": 0, "party_member": 4})
    assert party.seats == {"party_secretary": 1, "party_member": 4} and party.term == 2026
    assert party.state == Election.State.PLANNED
    community = services.election_create(acting_user=None, region=Region.objects.get(code=f.JIANGYANG_COMMUNITY),
                                         kind="committee", election_date=ELECTION_DAY)
    assert "community_director" in community.seats and "village_director" not in community.seats
    event = AuditEvent.objects.filter(action="election.create", object_id=str(party.pk)).get()
    assert event.actor == world.users["township"] and event.region_code == f.TANBA


def test_planning_refuses_bad_input(world: World) -> None:
    township, tanba = world.users["township"], Region.objects.get(code=f.TANBA)

    def plan(**changes: Any) -> Any:
        data = {"acting_user": township, "region": tanba, "kind": "party", "election_date": ELECTION_DAY, **changes}
        return lambda: services.election_create(**data)

    refused(plan(region=Region.objects.get(code=f.YUSI)), message="held by a village or community")
    refused(plan(kind="senate"), message="choose the kind of election")
    refused(plan(term=2021), message="must fall in the term's election year (2021)")
    refused(plan(seats={"village_director": 1}), message="does not fill the post")
    refused(plan(seats={"party_secretary": 2}), message="has exactly one seat")
    refused(plan(seats={"party_member": 12}), message="between 0 and 9")
    refused(plan(region=Region.objects.get(code=f.OTHER_TOWNSHIP_VILLAGE)), message="outside your jurisdiction")
    refused(plan(acting_user=world.users["village"]), message="outside your jurisdiction")  # no manage_elections
    world.election("party")
    refused(plan(), message="already has a party branch committee election for the 2026 term")


# --- candidates --------------------------------------------------------------------------------------


def test_a_candidate_must_be_cleared_and_on_the_villages_roster(world: World) -> None:
    election = world.election()
    township = world.users["township"]

    def add(person: Any, post: str = "village_member") -> Any:
        return lambda: services.candidate_add(acting_user=township, election=election, person=person, post=post)

    refused(add(world.unreviewed), message="闻未审 has not been cleared by the joint review (never reviewed)")
    refused(add(world.failed), message="裘不归 has not been cleared by the joint review (failed)")
    refused(add(world.pending), message="滕未决 has not been cleared by the joint review (still pending)")
    refused(add(world.neighbour), message="莫怀远 is not on the roster of 谭坝村")
    refused(add(world.tanba[0], "party_secretary"), message="does not fill the post")
    refused(lambda: services.candidate_add(acting_user=world.users["village"], election=election,
                                           person=world.tanba[0], post="village_member"),
            message="outside your jurisdiction")
    candidate = add(world.tanba[0])()
    assert candidate.votes is None and candidate.post == "village_member"
    refused(add(world.tanba[0], "village_director"), message="甘守仁 is already a candidate in this election")
    assert AuditEvent.objects.filter(action="election.candidate_add").count() == 1


def test_candidates_only_while_planned(world: World) -> None:
    election, candidates = with_candidates(world)
    record(world, election, candidates, [500, 200, 600, 600, 600])
    refused(lambda: services.candidate_add(acting_user=world.users["township"], election=election,
                                           person=world.tanba[5], post="village_member"),
            message="only be added while the election is planned")


# --- results -----------------------------------------------------------------------------------------


def test_results_refuse_impossible_numbers(world: World) -> None:
    election, candidates = with_candidates(world)
    refused(lambda: record(world, election, candidates, [500, 200, 600, 600, 600], electorate=700, ballots=800),
            message="800 ballots cast is more than the electorate of 700")
    refused(lambda: record(world, election, candidates, [801, 0, 600, 600, 600]),
            message="甘守仁 has 801 votes, more than the 800 ballots cast")
    # Two candidates for one seat cannot share more votes than there were ballots.
    refused(lambda: record(world, election, candidates, [500, 400, 600, 600, 600]),
            message="the votes for villagers' committee director add up to 900, more than 800 ballots × 1 seats allow")
    refused(lambda: record(world, election, candidates, [500, 200, 600, 600, 600], electorate=0, ballots=0),
            message="the electorate must be at least one")
    refused(lambda: services.results_record(acting_user=world.users["township"], election=election, electorate=1000,
                                            ballots_cast=800, votes={candidates[0].pk: 500}),
            message="no votes given for 柏长青")
    refused(lambda: record(world, election, candidates, [500, 200, 600, 600, 600], who="village"),
            message="outside your jurisdiction")
    election.refresh_from_db()
    assert election.state == Election.State.PLANNED


def test_results_cannot_come_before_the_election_day(world: World) -> None:
    election, candidates = with_candidates(world, election_date=timezone.localdate() + timedelta(days=1))
    refused(lambda: record(world, election, candidates, [500, 200, 600, 600, 600]), message="before the election day")


def test_results_need_candidates(world: World) -> None:
    election = world.election()
    refused(lambda: services.results_record(acting_user=world.users["township"], election=election, electorate=10,
                                            ballots_cast=8, votes={}), message="add the candidates")


def test_results_are_recorded_and_may_be_corrected_until_certified(world: World) -> None:
    election, candidates = with_candidates(world)
    record(world, election, candidates, [500, 200, 600, 600, 600])
    record(world, election, candidates, [520, 180, 610, 590, 300], ballots=810)
    election.refresh_from_db()
    assert (election.state, election.ballots_cast) == (Election.State.HELD, 810)
    assert [c.votes for c in ElectionCandidate.objects.order_by("id")] == [520, 180, 610, 590, 300]
    events = AuditEvent.objects.filter(action="election.results").order_by("id")
    assert [e.changes["state"] for e in events] == [["planned", "held"], ["held", "held"]]
    assert events[1].changes["ballots_cast"] == [800, 810]


# --- the state machine ------------------------------------------------------------------------------


def test_illegal_transitions_are_refused(world: World) -> None:
    county, township = world.users["county"], world.users["township"]
    election, candidates = with_candidates(world)
    refused(lambda: services.election_certify(acting_user=county, election=election),
            message="an election that is planned cannot become certified")
    record(world, election, candidates, [500, 200, 600, 600, 600])
    services.election_certify(acting_user=county, election=election)
    refused(lambda: record(world, election, candidates, [500, 200, 600, 600, 600]),
            message="an election that is certified cannot become held")
    refused(lambda: services.election_cancel(acting_user=township, election=election, reason="重选"),
            message="an election that is certified cannot become cancelled")
    refused(lambda: services.election_certify(acting_user=county, election=election), message="cannot become certified")


def test_cancelling_needs_a_reason_and_frees_the_place(world: World) -> None:
    township = world.users["township"]
    election = world.election("party")
    refused(lambda: services.election_cancel(acting_user=township, election=election, reason="  "),
            message="say why the election is cancelled")
    services.election_cancel(acting_user=township, election=election, reason="村级建制调整")
    election.refresh_from_db()
    assert election.state == Election.State.CANCELLED and election.cancel_reason == "村级建制调整"
    refused(lambda: services.election_cancel(acting_user=township, election=election, reason="x"),
            message="an election that is cancelled cannot become cancelled")
    again = world.election("party")  # a cancelled election does not block a new one
    assert again.pk != election.pk


# --- certification -----------------------------------------------------------------------------------


def test_certification_is_the_countys(world: World) -> None:
    election, candidates = with_candidates(world)
    record(world, election, candidates, [500, 200, 600, 600, 600])
    refused(lambda: services.election_certify(acting_user=world.users["township"], election=election),
            message="outside your jurisdiction")
    gulin = f.make_user("gulin_admin", "county_admin", f.GULIN)
    refused(lambda: services.election_certify(acting_user=gulin, election=election), message="outside your jurisdiction")


def test_an_invalid_election_cannot_be_certified(world: World) -> None:
    election, candidates = with_candidates(world)
    record(world, election, candidates, [300, 100, 300, 300, 300], electorate=1000, ballots=500)  # exactly half
    refused(lambda: services.election_certify(acting_user=world.users["county"], election=election),
            message="the election is not valid: 500 of 1000 voted")


def test_certification_makes_the_new_terms_appointments_and_ends_the_old(world: World) -> None:
    gan, bai, tong, hou, wei, qi = world.tanba
    old_director = f.make_appointment(gan, post="village_director", start=date(2021, 3, 1))
    old_member = f.make_appointment(qi, post="village_member", start=date(2021, 3, 1))
    untouched = f.make_appointment(hou, post="party_member", start=date(2021, 3, 1))
    old_deputy = f.make_appointment(tong, post="village_deputy", start=date(2021, 3, 1))  # elected member now
    election, candidates = with_candidates(world)
    # Director: 甘守仁 re-elected. Members: 童立本 and 侯佑民 elected, 危振邦 short of half: one seat unfilled.
    record(world, election, candidates, [500, 200, 600, 600, 300])
    events = AuditEvent.objects.exclude(action__startswith="access.").count()
    made = services.election_certify(acting_user=world.users["county"], election=election)
    assert AuditEvent.objects.exclude(action__startswith="access.").count() == events + 1
    assert sorted((a.person.name, a.post, a.term, a.start_date) for a in made) == [
        ("侯佑民", "village_member", 2026, ELECTION_DAY), ("甘守仁", "village_director", 2026, ELECTION_DAY),
        ("童立本", "village_member", 2026, ELECTION_DAY)]
    old_director.refresh_from_db()
    old_member.refresh_from_db()
    untouched.refresh_from_db()
    old_deputy.refresh_from_db()
    assert (old_deputy.end_date, old_deputy.end_reason) == (ELECTION_DAY, engine.END_REASON_LEFT)
    assert (old_director.end_date, old_director.end_reason) == (ELECTION_DAY, engine.END_REASON_REELECTED)
    assert (old_member.end_date, old_member.end_reason) == (ELECTION_DAY, engine.END_REASON_LEFT)
    assert untouched.end_date is None  # a party post: not this election's
    election.refresh_from_db()
    assert election.state == Election.State.CERTIFIED and election.certified_by == world.users["county"]
    event = AuditEvent.objects.get(action="election.certify")
    assert sorted(event.changes["appointments"][1]) == sorted(a.pk for a in made)
    assert event.changes["reelected"][1] == [old_director.pk] and sorted(event.changes["left"][1]) == sorted([old_member.pk, old_deputy.pk])
    assert event.actor == world.users["county"] and event.region_code == f.TANBA


def test_certification_refuses_a_clash_with_a_holder_it_does_not_replace(world: World) -> None:
    gan = world.tanba[0]
    election, candidates = with_candidates(world)
    # Appointed for the new term by hand before the results were certified: the county sorts that out first.
    f.make_appointment(world.tanba[5], post="village_director", start=ELECTION_DAY, term=2026)
    record(world, election, candidates, [500, 200, 600, 600, 300])
    assert gan.pk == candidates[0].person_id
    refused(lambda: services.election_certify(acting_user=world.users["county"], election=election),
            message="齐德润 already holds villagers' committee director")


def test_cancelled_after_being_held(world: World) -> None:
    election, candidates = with_candidates(world)
    record(world, election, candidates, [500, 200, 600, 600, 300])
    services.election_cancel(acting_user=world.users["county"], election=election, reason="贿选查实，选举无效")
    refused(lambda: services.election_certify(acting_user=world.users["county"], election=election),
            message="cancelled cannot become certified")


def test_certification_takes_a_handful_of_queries(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for person, post in zip(world.tanba, ["village_director", "village_member", "village_member", "village_member",
                                          "supervision_chair", "supervision_member"], strict=True):
        f.make_appointment(person, post=post, start=date(2021, 3, 1))
    election, candidates = with_candidates(world)
    record(world, election, candidates, [500, 200, 600, 600, 500])
    with CaptureQueriesContext(connection) as ctx:
        made = services.election_certify(acting_user=world.users["county"], election=election)
    assert len(made) == 4 and len(ctx) <= 12, [q["sql"] for q in ctx.captured_queries]
