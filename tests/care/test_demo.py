"""The demo care records: a few hundred over 2025–2026, some townships left without any."""

from datetime import date

import pytest

from lingtouyang.care.demo import demo_care
from lingtouyang.care.models import CareRecord
from lingtouyang.people.demo import generate, villages_without_people
from lingtouyang.people.models import Appointment

pytestmark = pytest.mark.django_db


def test_the_demo_care_once() -> None:
    generate(villages_without_people("5105"))
    today = date(2026, 11, 27)
    assert "400 care records" in demo_care("5105", today)
    records = list(CareRecord.objects.all())
    assert {r.kind for r in records} == {"condolence", "reminder", "hardship"}
    assert all(date(2025, 1, 1) <= r.date <= today for r in records)
    assert all(r.amount and r.amount > 0 for r in records if r.kind == "hardship")
    assert all(r.follow_up_due and r.amount is None for r in records if r.kind == "reminder")
    townships = {code[:9] for code in Appointment.objects.current(today).values_list("region_id", flat=True)}
    cared = {r.region_id[:9] for r in records}
    assert cared < townships and len(townships - cared) >= len(townships) // 4
    assert demo_care("5105", today) == "" and CareRecord.objects.count() == len(records)
