"""Career events through their services: every rule, and every refusal leaves everything as it was —
the posts an event would end included."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lingtouyang.appointments import services as appointment_services
from lingtouyang.appointments.models import AppointmentRequest
from lingtouyang.audit.models import AuditEvent
from lingtouyang.careers import services
from tests import factories as f
from tests.careers.conftest import Setup, snapshot

pytestmark = pytest.mark.django_db


def refused(call, message: str) -> None:  # noqa: ANN001
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        call()
    assert message in " ".join(exc.value.messages), exc.value.messages
    assert snapshot() == before


def test_an_event_is_recorded_in_the_persons_village_and_audited(setup: Setup) -> None:
    e = setup.event()
    assert (e.region_id, e.kind, e.ended_posts, e.recorded_by) == (f.TANBA, "township_leadership", 0,
                                                                   setup.users["county"])
    setup.post.refresh_from_db()
    assert setup.post.end_date is None  # recording the event alone leaves the roster as it is
    assert AuditEvent.objects.get(action="career_event.create").changes["destination"] == [None, "泸县喻寺镇党委"]


def test_what_each_kind_needs(setup: Setup) -> None:
    refused(lambda: setup.event(destination=" "), "name the township organisation")
    for kind in ("demotion", "dismissal", "resignation"):
        refused(lambda kind=kind: setup.event(kind=kind, destination="", reason="  "), "needs a reason")
    refused(lambda: setup.event(kind="promotion"), "choose what happened")
    refused(lambda: setup.event(date=timezone.localdate() + timedelta(days=1)), "cannot be dated in the future")
    refused(lambda: setup.event(reason="因" * 301), "at most 300 characters")
    assert setup.event(kind="resignation", destination="", reason="外出经商").pk


def test_only_the_county_in_its_county(setup: Setup) -> None:
    for who, person in [("township", setup.cadre), ("village", setup.cadre), ("city", setup.cadre),
                        ("gulin_admin", setup.cadre), ("county", setup.other)]:
        refused(lambda who=who, person=person: setup.event(who=who, person=person), "outside your jurisdiction")


def test_moving_up_may_end_the_posts_through_approved_requests(setup: Setup) -> None:
    e = setup.event(end_posts=True)
    assert e.ended_posts == 1
    setup.post.refresh_from_db()
    assert (setup.post.end_date, setup.post.end_reason) == (date(2021, 4, 1),
                                                            "into township leadership: 泸县喻寺镇党委")
    request = AppointmentRequest.objects.get()
    assert (request.kind, request.state, request.appointment_id) == ("dismiss", "approved", setup.post.pk)
    assert AuditEvent.objects.filter(action="appointment.update").exists()


def test_a_resignation_files_resignations_with_its_reason(setup: Setup) -> None:
    setup.event(kind="resignation", destination="", reason="身体原因", date=date(2024, 5, 6), end_posts=True)
    request = AppointmentRequest.objects.get()
    setup.post.refresh_from_db()
    assert (request.kind, setup.post.end_reason, setup.post.end_date) == ("resign", "身体原因", date(2024, 5, 6))


def test_ending_posts_refused_anywhere_refuses_the_event(setup: Setup) -> None:
    refused(lambda: setup.event(date=date(2017, 1, 1), end_posts=True), "holds no post")
    appointment_services.request_create(acting_user=None, kind="dismiss", appointment=setup.post,
                                        end_date=date(2024, 1, 1), reason="另案")
    refused(lambda: setup.event(end_posts=True), "awaiting approval")


def test_corrections_are_audited_and_the_kind_stays(setup: Setup) -> None:
    e = setup.event()
    services.event_update(acting_user=setup.users["county"], event=e, destination="泸县喻寺镇人民政府", kind="dismissal")
    e.refresh_from_db()
    assert (e.destination, e.kind) == ("泸县喻寺镇人民政府", "township_leadership")
    assert AuditEvent.objects.get(action="career_event.update").changes == {
        "destination": ["泸县喻寺镇党委", "泸县喻寺镇人民政府"]}
    refused(lambda: services.event_update(acting_user=setup.users["county"], event=e, destination=""),
            "name the township organisation")
    assert e.destination == "泸县喻寺镇人民政府"
    ended = setup.event(kind="resignation", reason="外出", destination="", date=date(2024, 1, 1), end_posts=True)
    refused(lambda: services.event_update(acting_user=setup.users["county"], event=ended, date=date(2024, 2, 1)),
            "correct those posts' dates")
