"""“No care this year”: the current cadres of a region without any care record dated in the year."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lingtouyang.care import selectors
from tests import factories as f
from tests.care.conftest import Setup

pytestmark = pytest.mark.django_db


def test_without_care_is_one_anti_join_within_scope(setup: Setup) -> None:
    cared = setup.cadre
    setup.record(date=date(2025, 3, 1))
    last_year_only = f.make_person(f.TANBA, name="甘去年", born=date(1971, 1, 1))
    f.make_appointment(last_year_only, post="village_member")
    setup.record(person=last_year_only, date=date(2024, 12, 31))
    never = f.make_person(f.OTHER_YUSI_VILLAGE, name="甘从未", born=date(1972, 1, 1))
    f.make_appointment(never)
    former = f.make_person(f.TANBA, name="甘已离任", born=date(1960, 1, 1))
    f.make_appointment(former, post="village_member", end_date=date(2022, 1, 1), end_reason="辞职")
    township = setup.users["township"]
    with CaptureQueriesContext(connection) as queries:
        names = [p.name for p in selectors.without_care(township, "510521102", 2025)]
    assert len(queries) == 1
    assert names == ["甘去年", "甘从未"]  # (region, id) order; the cared-for, the former cadre and 古蔺县 absent
    assert cared.name not in names
    assert [p.name for p in selectors.without_care(township, f.TANBA, 2024)] == ["甘关怀"]
    # Out of scope: a township's officer asking for another county sees nobody there.
    assert list(selectors.without_care(township, f.GULIN_VILLAGE, 2025)) == []
    assert [p.name for p in selectors.without_care(setup.users["gulin_admin"], "", 2025)] == ["蒲外县"]
