"""Secondments through their services: every rule, and every refusal leaves everything as it was."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lingtouyang.audit.models import AuditEvent
from lingtouyang.secondments import services
from lingtouyang.secondments.models import Secondment
from tests import factories as f
from tests.secondments.conftest import Setup, snapshot

pytestmark = pytest.mark.django_db


def refused(call, message: str) -> None:  # noqa: ANN001
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        call()
    assert message in " ".join(exc.value.messages), exc.value.messages
    assert snapshot() == before


def test_a_secondment_is_recorded_and_audited(setup: Setup) -> None:
    s = setup.second()
    assert (s.state, s.region_id, s.person_id) == ("planned", f.TANBA, setup.cadre.pk)
    event = AuditEvent.objects.get(action="secondment.create")
    assert event.region_code == f.TANBA and event.changes["host_place"] == [None, "上海市"]


def test_out_of_scope_and_without_the_capability_are_refused(setup: Setup) -> None:
    data = {"host_place": "上海市", "host_organisation": "x", "start_date": date(2025, 3, 1),
            "end_date": date(2025, 8, 31)}
    for who, person in [("gulin_admin", setup.cadre), ("county", setup.other), ("township", setup.cadre),
                        ("village", setup.cadre)]:
        refused(lambda who=who, person=person: services.secondment_create(
            acting_user=setup.users[who], person=person, **data), "outside your jurisdiction")
    # The city runs secondments for its counties too.
    assert services.secondment_create(acting_user=setup.users["city"], person=setup.cadre, **data).pk


def test_the_person_must_hold_a_post_on_the_start_date(setup: Setup) -> None:
    nobody = f.make_person(f.TANBA, name="甘无职", born=date(1990, 1, 1))
    refused(lambda: setup.second(person=nobody), "holds no post on the start date")
    refused(lambda: setup.second(start_date=date(2020, 3, 1), end_date=date(2020, 8, 31)),
            "holds no post on the start date")  # the post began in 2021


def test_bad_fields_are_refused(setup: Setup) -> None:
    refused(lambda: setup.second(end_date=date(2025, 2, 1)), "the end date is before the start date")
    refused(lambda: setup.second(host_place="  "), "name the host place")
    refused(lambda: setup.second(host_organisation=""), "name the host organisation")
    refused(lambda: setup.second(mentor_name="王" * 51), "at most 50 characters")


def test_no_two_overlapping_secondments_for_one_person(setup: Setup) -> None:
    first = setup.second()
    refused(lambda: setup.second(start_date=date(2025, 8, 31), end_date=date(2025, 12, 31)), "already seconded")
    refused(lambda: setup.second(start_date=date(2025, 1, 1), end_date=date(2025, 3, 1)), "already seconded")
    refused(lambda: setup.second(start_date=date(2025, 4, 1), end_date=date(2025, 5, 1)), "already seconded")
    assert setup.second(start_date=date(2025, 9, 1), end_date=date(2025, 12, 31)).pk  # the day after: fine
    services.secondment_cancel(acting_user=setup.users["county"], secondment=first, reason="工作需要")
    assert setup.second(start_date=date(2025, 4, 1), end_date=date(2025, 5, 1)).pk  # a cancelled one does not count


def test_an_edit_may_not_create_an_overlap(setup: Setup) -> None:
    setup.second()
    later = setup.second(start_date=date(2025, 9, 1), end_date=date(2025, 12, 31))
    refused(lambda: services.secondment_update(acting_user=setup.users["county"], secondment=later,
                                               start_date=date(2025, 8, 1)), "already seconded")
    assert Secondment.objects.get(pk=later.pk).start_date == date(2025, 9, 1)
    assert later.start_date == date(2025, 9, 1)  # the object in hand is as stored, too
    services.secondment_update(acting_user=setup.users["county"], secondment=later, mentor_name="刘志强")
    assert Secondment.objects.get(pk=later.pk).mentor_name == "刘志强"
    assert AuditEvent.objects.get(action="secondment.update").changes == {"mentor_name": ["王建国", "刘志强"]}


def test_it_starts_on_its_start_date(setup: Setup) -> None:
    s = setup.second()
    refused(lambda: services.secondment_start(acting_user=setup.users["county"], secondment=s,
                                              on=date(2025, 2, 28)), "starts on 2025-03-01")
    services.secondment_start(acting_user=setup.users["county"], secondment=s, on=date(2025, 3, 1))
    assert Secondment.objects.get(pk=s.pk).state == "in_progress"
    refused(lambda: services.secondment_start(acting_user=setup.users["county"], secondment=s), "cannot become")


def test_the_mid_term_evaluation(setup: Setup) -> None:
    planned = setup.second(start_date=date(2024, 3, 1), end_date=date(2024, 8, 31))
    refused(lambda: setup.mid(planned, on=date(2024, 6, 1)), "while the secondment is in progress")
    s = setup.started()
    refused(lambda: setup.mid(s, on=date(2025, 9, 1)), "between the start and end dates")
    refused(lambda: services.secondment_evaluate_mid(acting_user=setup.users["county"], secondment=s, grade="top",
                                                     comment="", on=date(2025, 6, 1), by="x"), "choose a grade")
    refused(lambda: services.secondment_evaluate_mid(acting_user=setup.users["county"], secondment=s, grade="good",
                                                     comment="", on=date(2025, 6, 1), by=" "), "say who evaluated")
    refused(lambda: services.secondment_evaluate_mid(acting_user=setup.users["gulin_admin"], secondment=s,
                                                     grade="good", comment="", on=date(2025, 6, 1), by="x"),
            "outside your jurisdiction")
    setup.mid(s)
    stored = Secondment.objects.get(pk=s.pk)
    assert (stored.mid_grade, stored.mid_on, stored.mid_by, stored.state) == ("good", date(2025, 6, 1), "县委组织部",
                                                                              "in_progress")
    refused(lambda: setup.mid(s), "already recorded")


def test_the_final_evaluation_comes_after_the_mid_term_and_the_end_date(setup: Setup) -> None:
    s = setup.started()
    final = {"acting_user": setup.users["county"], "grade": "excellent", "comment": "出色", "by": "县委组织部"}
    refused(lambda: services.secondment_evaluate_final(secondment=s, on=date(2025, 9, 5), **final),
            "record the mid-term evaluation first")
    setup.mid(s)
    refused(lambda: services.secondment_evaluate_final(secondment=s, on=date(2025, 8, 30), **final),
            "on or after the end date")
    tomorrow = timezone.localdate() + timedelta(days=1)
    refused(lambda: services.secondment_evaluate_final(secondment=s, on=tomorrow, **final), "in the future")
    services.secondment_evaluate_final(secondment=s, on=date(2025, 8, 31), **final)
    stored = Secondment.objects.get(pk=s.pk)
    assert (stored.state, stored.final_grade, stored.final_on) == ("evaluated", "excellent", date(2025, 8, 31))
    assert AuditEvent.objects.get(action="secondment.evaluated").changes["state"] == ["in_progress", "evaluated"]
    # A closed record: no edit, no cancelling, no second final evaluation.
    refused(lambda: services.secondment_update(acting_user=setup.users["county"], secondment=s, purpose="x"),
            "cannot be edited")
    refused(lambda: services.secondment_cancel(acting_user=setup.users["county"], secondment=s, reason="x"),
            "cannot become")
    refused(lambda: services.secondment_evaluate_final(secondment=s, on=date(2025, 9, 5), **final), "cannot become")


def test_cancelling_needs_a_reason(setup: Setup) -> None:
    s = setup.second()
    refused(lambda: services.secondment_cancel(acting_user=setup.users["county"], secondment=s, reason=" "),
            "give the reason")
    services.secondment_cancel(acting_user=setup.users["county"], secondment=s, reason="接收单位调整")
    stored = Secondment.objects.get(pk=s.pk)
    assert (stored.state, stored.cancel_reason) == ("cancelled", "接收单位调整")
    refused(lambda: services.secondment_start(acting_user=setup.users["county"], secondment=s, on=date(2025, 4, 1)),
            "cannot become")
