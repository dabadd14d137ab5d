"""Completion follows the session's hours: a sitting added after someone completed can undo it, and a
sitting removed can complete it — through planning's services, as a county admin changes a timetable."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from lingtouyang.accounts.roles import Role
from lingtouyang.training import attendance, services
from lingtouyang.training.models import Attendance, Enrolment
from tests import factories as f
from tests.training.attendance_helpers import enrol, make_programme, make_session, make_sitting

pytestmark = pytest.mark.django_db


def test_adding_and_removing_sittings_recomputes_completion() -> None:
    county = f.make_user("luxian-admin", Role.COUNTY_ADMIN, "510521000000")
    cadre = f.make_person(f.TANBA, name="学员", born=date(1980, 1, 1))
    session = make_session(programme=make_programme(threshold=80))
    first = make_sitting(session, hours="4")
    enrolment = enrol(session, cadre)
    Attendance.objects.create(enrolment=enrolment, sitting=first, method="officer", checked_in_at=timezone.now())
    attendance.refresh_completion([enrolment.pk])
    enrolment.refresh_from_db()
    assert enrolment.completed_on == timezone.localdate(first.starts_at)  # 4 of 4 hours

    later = first.ends_at + timedelta(minutes=30)
    second = services.sitting_add(acting_user=county, session=session, starts_at=later,
                                  ends_at=later + timedelta(hours=2), hours=Decimal("2"))
    enrolment = Enrolment.objects.get(pk=enrolment.pk)
    assert (enrolment.attended_hours, enrolment.completed_on) == (Decimal("4"), None)  # 4 of 6 < 80%

    services.sitting_remove(acting_user=county, sitting=second)
    enrolment = Enrolment.objects.get(pk=enrolment.pk)
    assert enrolment.completed_on == timezone.localdate(first.starts_at)
