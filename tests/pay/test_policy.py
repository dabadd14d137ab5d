"""Policy versions: one county's versions never overlap; bad figures are refused; nothing is half-written."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from lingtouyang.audit.models import AuditEvent
from lingtouyang.pay.models import PayPolicy
from tests import factories as f
from tests.pay.conftest import INCENTIVE, LUXIAN, World, policy, snapshot

pytestmark = pytest.mark.django_db


def test_a_version_with_its_rates_is_added_and_audited(world: World) -> None:
    p = policy(user=world.users["county"], deputy_share=80, raise_compounds=False, note="2025年度")
    assert p.rates.count() == 16 and p.deputy_share == 80 and not p.raise_compounds
    assert AuditEvent.objects.filter(action="pay.policy_add", object_id=str(p.pk)).exists()


def test_a_new_open_version_closes_the_open_one_before_it(world: World) -> None:
    first = policy(start=date(2025, 1, 1))
    policy(start=date(2026, 1, 1))
    first.refresh_from_db()
    assert first.effective_to == date(2025, 12, 31)


@pytest.mark.parametrize(("start", "end"), [
    (date(2025, 6, 1), date(2025, 12, 31)),  # inside a closed version
    (date(2024, 6, 1), date(2025, 2, 1)),  # reaching into it
    (date(2025, 3, 1), None),  # open-ended over it
    (date(2024, 1, 1), None),  # before it, open-ended
])
def test_overlapping_dates_are_refused(world: World, start: date, end: date | None) -> None:
    policy(start=date(2025, 1, 1), end=date(2025, 12, 31))
    before = snapshot()
    with pytest.raises(ValidationError, match="overlaps"):
        policy(start=start, end=end)
    assert snapshot() == before


@pytest.mark.parametrize(("extra", "message"), [
    ({"deputy_share": -1}, "cannot be negative"),
    ({"incentive_threshold": "-50000"}, "cannot be negative"),
    ({"incentive_share": 120}, "at most"),
    ({"raise_percent": "abc"}, "not a number"),
    ({"incentive_cap": "1.234"}, "two decimal places"),
    ({"performance": {"excellent": 1}}, "every post and grade"),
    ({"incentive": {**INCENTIVE, "incompetent": 120}}, "at most"),
    ({"incentive": {**INCENTIVE, "basic": 90}}, "lower grade"),
    ({"end": date(2024, 1, 1)}, "before the start"),
])
def test_bad_figures_are_refused(world: World, extra: dict, message: str) -> None:
    before = snapshot()
    with pytest.raises(ValidationError, match=message):
        policy(**extra)
    assert snapshot() == before


def test_only_a_county_admin_of_the_county_adds_its_policy(world: World) -> None:
    before = snapshot()
    for who, county in (("county", f.GULIN), ("township", LUXIAN), ("city", LUXIAN)):
        with pytest.raises(ValidationError, match="outside your jurisdiction"):
            policy(county=county, user=world.users[who])
    with pytest.raises(ValidationError, match="belongs to a county"):
        policy(county=f.YUSI)
    assert snapshot() == before
    assert not PayPolicy.objects.exists()
