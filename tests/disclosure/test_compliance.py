from datetime import date

import pytest

from lingtouyang.disclosure import compliance, periods
from lingtouyang.disclosure.models import CatalogueItem, Frequency
from tests import factories as f
from tests.disclosure.conftest import draft, item, publish

pytestmark = pytest.mark.django_db


def test_due_dates_follow_the_items_rules():
    q = item("V01")  # quarterly, by the 20th of the next quarter's first month
    p = periods.period_containing(Frequency.QUARTERLY, date(2026, 2, 14))
    assert (p.label, p.start, p.end) == ("2026年第1季度", date(2026, 1, 1), date(2026, 3, 31))
    assert periods.due_date(q, p) == date(2026, 4, 20)
    m = item("F01")  # monthly, by the 10th
    assert periods.due_date(m, periods.period_containing(Frequency.MONTHLY, date(2026, 12, 5))) == date(2027, 1, 10)
    y = item("V06")  # yearly, day 31 clamped
    assert periods.due_date(y, periods.period_containing(Frequency.YEARLY, date(2025, 6, 1))) == date(2026, 1, 31)
    h = periods.period_containing(Frequency.HALF_YEARLY, date(2025, 8, 1))
    assert (h.start, h.end, h.label) == (date(2025, 7, 1), date(2025, 12, 31), "2025年下半年")
    assert periods.due_periods(item("S10"), date(2025, 1, 1), date(2026, 1, 1)) == []  # on occurrence


def test_overdue_is_villages_times_due_periods_minus_published(users):
    on = date(2026, 4, 21)
    rows = compliance.overdue_for_village(f.TANBA, on)
    keys = {(r.item_code, r.period_start) for r in rows}
    assert ("V01", date(2026, 1, 1)) in keys and ("F01", date(2026, 3, 1)) in keys
    assert all(r.due_date < on for r in rows)
    publish(users, draft(users["village"], "V01", date(2026, 1, 1)))
    draft(users["village"], "F01", date(2026, 3, 1))  # a draft does not count
    keys_after = {(r.item_code, r.period_start) for r in compliance.overdue_for_village(f.TANBA, on)}
    assert keys - keys_after == {("V01", date(2026, 1, 1))}
    # The township's summary counts every village; TANBA's overdue are in it.
    s = compliance.summary("510521102", on)
    assert s.villages > 1 and s.villages_overdue == s.villages
    assert s.overdue == sum(c["overdue"] for c in s.by_child) == sum(i["count"] for i in s.by_item)
    tanba = next(c for c in s.by_child if c["code"] == f.TANBA)
    assert tanba["overdue"] == len(keys_after)
    page = compliance.overdue_rows("510521102", on, limit=10, offset=0)
    assert len(page) == 10 and page == sorted(page, key=lambda r: r.village)


def test_county_items_count_only_below_the_county(users):
    from lingtouyang.disclosure import services

    services.catalogue_item_add(acting_user=users["county"], code="LX01", category="service", title="泸县事项",
                                frequency="yearly", effective_from=date(2020, 1, 1), due_day=31)
    on = date(2026, 3, 1)
    assert any(r.item_code == "LX01" for r in compliance.overdue_for_village(f.TANBA, on))
    assert not any(r.item_code == "LX01" for r in compliance.overdue_for_village(f.GULIN_VILLAGE, on))
    assert CatalogueItem.objects.filter(code="LX01").count() == 1
