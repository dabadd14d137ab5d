"""The appointment requests' services: the state machine, every refusal, and what approval does to the roster."""

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from lingtouyang.appointments import policy, services
from lingtouyang.appointments.models import AppointmentRequest
from lingtouyang.audit.models import AuditEvent
from lingtouyang.people import services as people_services
from lingtouyang.people.models import Appointment
from lingtouyang.regions.models import Region
from tests import factories as f
from tests.appointments.conftest import World, review, snapshot

pytestmark = pytest.mark.django_db
State = AppointmentRequest.State


def refused(call: Any, message: str, field: str | None = None) -> ValidationError:
    """The call raises with the message, and nothing at all was written (no row, no audit event)."""
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        call()
    assert snapshot() == before
    error = exc.value
    messages = error.message_dict.get(field, []) if field else error.messages
    assert any(message in m for m in messages), messages
    return error


# --- appointments -------------------------------------------------------------------------------


def test_an_approved_appointment_makes_the_post_and_every_step_is_audited(world: World) -> None:
    request = world.appoint(term=2021)
    assert (request.state, request.requested_by, request.term) == (State.REQUESTED, world.users["township"], 2021)
    assert not Appointment.objects.filter(person=world.gan).exists()  # nothing on the roster yet
    services.request_approve(acting_user=world.users["county"], request=request)
    request.refresh_from_db()
    made = Appointment.objects.get(person=world.gan)
    assert (made.post, made.region_id, made.start_date, made.term) == ("party_secretary", f.TANBA, date(2026, 7, 1),
                                                                       2021)
    assert (request.state, request.result, request.decided_by) == (State.APPROVED, made, world.users["county"])
    assert request.decided_at is not None
    events = list(AuditEvent.objects.filter(action__in=["appointment_request.create", "appointment_request.approve",
                                                        "appointment.create"], region_code=f.TANBA).order_by("id")
                  .values_list("action", "actor__username", "region_code"))
    assert events == [("appointment_request.create", "township", f.TANBA),
                      ("appointment.create", "county", f.TANBA),
                      ("appointment_request.approve", "county", f.TANBA)]


def test_the_term_defaults_to_the_one_the_start_date_falls_in(world: World) -> None:
    assert world.appoint(start_date=date(2026, 7, 1)).term == 2026


@pytest.mark.parametrize(("verdict", "message"), [
    (False, "甘守仁 is not cleared by the joint qualification review: failed in “联审"),
    (None, "甘守仁 is not cleared by the joint qualification review: pending in “联审"),
])
def test_an_appointment_needs_the_latest_review_to_have_cleared_the_person(world: World, verdict: Any,
                                                                           message: str) -> None:
    review(world.gan, verdict)  # a later round outweighs the earlier clearance
    refused(world.appoint, message, "person")


def test_someone_never_reviewed_cannot_be_appointed(world: World) -> None:
    refused(lambda: world.appoint(person=world.mo, post="village_deputy"),
            "莫怀远 has not been through a joint qualification review", "person")


def test_clearance_is_checked_again_at_approval(world: World) -> None:
    request = world.appoint()
    review(world.gan, False)
    refused(lambda: services.request_approve(acting_user=world.users["county"], request=request),
            "甘守仁 is not cleared by the joint qualification review: failed")
    assert AppointmentRequest.objects.get(pk=request.pk).state == State.REQUESTED


def test_an_appointment_names_start_date_and_basis(world: World) -> None:
    error = refused(lambda: world.appoint(start_date=None, basis=""), "give the start date", "start_date")
    assert "say on what basis the person is appointed" in error.message_dict["basis"]


def test_the_roster_rules_apply_when_filing(world: World) -> None:
    refused(lambda: world.appoint(region=Region.objects.get(code=f.OTHER_YUSI_VILLAGE)),
            "registered in another village", "region")
    refused(lambda: world.appoint(post="community_director"), "a village has a villagers' committee", "post")
    refused(lambda: world.appoint(start_date=date(2099, 1, 1)), "in the future", "start_date")


def test_a_conflicting_post_at_approval_is_refused_and_nothing_changes(world: World) -> None:
    """Two newcomers asked for as secretary of one village: the second approval finds the post taken."""
    rival = f.make_person(f.TANBA, name="甘二", born=date(1990, 1, 1))
    review(rival)
    first, second = world.appoint(), world.appoint(person=rival)
    services.request_approve(acting_user=world.users["county"], request=first)
    refused(lambda: services.request_approve(acting_user=world.users["county"], request=second),
            "this village already has a holder of this post at overlapping dates: 甘守仁")
    assert AppointmentRequest.objects.get(pk=second.pk).state == State.REQUESTED


def test_approving_twice_is_refused(world: World) -> None:
    request = world.appoint()
    services.request_approve(acting_user=world.users["county"], request=request)
    again = AppointmentRequest.objects.get(pk=request.pk)
    refused(lambda: services.request_approve(acting_user=world.users["county"], request=again),
            "a request that is approved cannot become approved")
    # A stale copy of the request is re-read under the lock, so it cannot approve a second time either.
    stale = AppointmentRequest.objects.get(pk=request.pk)
    stale.state = State.REQUESTED
    refused(lambda: services.request_approve(acting_user=world.users["county"], request=stale), "cannot become")
    assert Appointment.objects.filter(person=world.gan).count() == 1


def test_a_second_open_request_for_the_same_thing_is_refused(world: World) -> None:
    first = world.end()
    refused(lambda: world.end(kind="dismiss", reason="不称职"), f"awaiting approval (no. {first.pk})")
    appoint = world.appoint()
    refused(world.appoint, f"awaiting approval (no. {appoint.pk})")
    # Once the first is withdrawn, another may be filed.
    services.request_withdraw(acting_user=world.users["township"], request=first)
    assert world.end(kind="dismiss", reason="不称职").state == State.REQUESTED


def test_the_database_holds_one_open_request_per_appointment(world: World) -> None:
    from django.db import IntegrityError, transaction

    world.end()
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentRequest.objects.create(kind="dismiss", person=world.mo, region=world.mo_post.region,
                                          post=world.mo_post.post, appointment=world.mo_post, reason="x")


# --- dismissals, resignations, transfers ---------------------------------------------------------


@pytest.mark.parametrize("kind", ["dismiss", "resign"])
def test_an_approved_ending_ends_the_post_with_the_reason(world: World, kind: str) -> None:
    request = world.end(kind=kind, reason="  连续两年考核不称职 ")
    assert request.reason == "连续两年考核不称职" and request.post == "party_member" and request.person == world.mo
    assert Appointment.objects.get(pk=world.mo_post.pk).end_date is None
    services.request_approve(acting_user=world.users["county"], request=request)
    ended = Appointment.objects.get(pk=world.mo_post.pk)
    assert (ended.end_date, ended.end_reason) == (date(2026, 6, 30), "连续两年考核不称职")
    assert AuditEvent.objects.filter(action="appointment.update", actor__username="county").exists()


@pytest.mark.parametrize("kind", ["dismiss", "resign", "transfer"])
def test_an_ending_without_a_reason_is_refused(world: World, kind: str) -> None:
    refused(lambda: world.end(kind=kind, reason="   ", new_post="party_deputy"), "needs a reason", "reason")


def test_an_ending_names_a_plausible_end_date(world: World) -> None:
    refused(lambda: world.end(end_date=None), "give the end date", "end_date")
    refused(lambda: world.end(end_date=date(2020, 1, 1)), "the end date is before the start date", "end_date")


def test_an_appointment_already_ended_cannot_be_ended_again(world: World) -> None:
    people_services.appointment_update(acting_user=None, appointment=world.mo_post, end_date=date(2025, 1, 1),
                                       end_reason="调离")
    refused(world.end, "this appointment has already ended (2025-01-01)", "appointment")


def test_an_appointment_ended_meanwhile_refuses_the_approval(world: World) -> None:
    request = world.end()
    people_services.appointment_update(acting_user=None, appointment=world.mo_post, end_date=date(2025, 1, 1),
                                       end_reason="调离")
    refused(lambda: services.request_approve(acting_user=world.users["county"], request=request),
            "this appointment has already ended (2025-01-01)")


def test_a_transfer_ends_one_post_and_starts_the_next_the_same_day(world: World) -> None:
    refused(lambda: world.end(kind="transfer", reason="工作需要"), "choose the new post", "new_post")
    refused(lambda: world.end(kind="transfer", reason="工作需要", new_post="party_member"), "choose the new post",
            "new_post")
    request = world.end(kind="transfer", reason="工作需要", new_post="village_deputy")
    services.request_approve(acting_user=world.users["county"], request=request)
    old, new = Appointment.objects.filter(person=world.mo).order_by("id")
    assert (old.end_date, old.end_reason) == (date(2026, 6, 30), "工作需要")
    assert (new.post, new.start_date, new.end_date) == ("village_deputy", date(2026, 6, 30), None)
    assert AppointmentRequest.objects.get(pk=request.pk).result == new


# --- who may do what ------------------------------------------------------------------------------


def test_requests_only_for_villages_in_the_requesters_scope(world: World) -> None:
    refused(lambda: world.appoint(person=world.cen), "outside your jurisdiction")  # another township
    refused(lambda: world.appoint(person=world.pu, who="county"), "outside your jurisdiction")  # another county
    refused(lambda: world.appoint(who="gulin_admin"), "outside your jurisdiction")
    for who in ("village", "city", "reviewer"):
        refused(lambda who=who: world.appoint(who=who), "outside your jurisdiction")
    assert world.appoint(person=world.cen, who="county").state == State.REQUESTED


def test_requests_only_for_people_of_that_county(world: World) -> None:
    refused(lambda: world.appoint(person=world.pu, region=Region.objects.get(code=f.TANBA), who="county"),
            "蒲永昌 is not on this county's roster", "person")


def test_only_the_county_approves_or_rejects(world: World) -> None:
    request = world.appoint()
    for who in ("township", "city", "village"):
        refused(lambda who=who: services.request_approve(acting_user=world.users[who], request=request),
                "only the county organisation department approves or rejects requests")
        refused(lambda who=who: services.request_reject(acting_user=world.users[who], request=request, reason="不"),
                "only the county organisation department approves or rejects requests")
    refused(lambda: services.request_approve(acting_user=world.users["gulin_admin"], request=request),
            "outside your jurisdiction")
    assert AppointmentRequest.objects.get(pk=request.pk).state == State.REQUESTED


def test_a_rejection_says_why(world: World) -> None:
    request = world.appoint()
    refused(lambda: services.request_reject(acting_user=world.users["county"], request=request, reason=" "),
            "say why the request is rejected", "reason")
    services.request_reject(acting_user=world.users["county"], request=request, reason="人选不符合要求")
    request.refresh_from_db()
    assert (request.state, request.decision_reason, request.decided_by) == (State.REJECTED, "人选不符合要求",
                                                                            world.users["county"])
    assert not Appointment.objects.filter(person=world.gan).exists()
    refused(lambda: services.request_approve(acting_user=world.users["county"], request=request),
            "a request that is rejected cannot become approved")
    event = AuditEvent.objects.get(action="appointment_request.reject")
    assert event.changes == {"state": ["requested", "rejected"], "decision_reason": [None, "人选不符合要求"]}


def test_only_the_requester_withdraws(world: World) -> None:
    request = world.appoint()
    for who in ("township2", "county"):
        refused(lambda who=who: services.request_withdraw(acting_user=world.users[who], request=request),
                "only whoever filed a request can withdraw it")
    services.request_withdraw(acting_user=world.users["township"], request=request)
    request.refresh_from_db()
    assert (request.state, request.decided_by) == (State.WITHDRAWN, world.users["township"])
    refused(lambda: services.request_approve(acting_user=world.users["county"], request=request),
            "a request that is withdrawn cannot become approved")
    refused(lambda: services.request_withdraw(acting_user=world.users["township"], request=request),
            "a request that is withdrawn cannot become withdrawn")


def test_the_state_machine_is_the_policy_table() -> None:
    """Every move out of a decided request is refused; from a request awaiting approval, exactly three."""
    assert {to for before, to in policy.TRANSITIONS if before == State.REQUESTED} == {
        State.APPROVED, State.REJECTED, State.WITHDRAWN}
    assert all(before == State.REQUESTED for before, _ in policy.TRANSITIONS)
    assert set(policy.KINDS) == set(AppointmentRequest.Kind.values)
