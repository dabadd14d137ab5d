"""The monthly post subsidy engine (`socialwork.policy`), which the pay module calls: who gets what, on which
day, under which version of a county's policy; the set-based variant agrees with the one-person call and
reads a fixed number of queries. Amounts are checked against values worked out independently here."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lingtouyang.people.models import Appointment
from lingtouyang.socialwork import services
from lingtouyang.socialwork.policy import monthly_subsidies, monthly_subsidy, rate_in_force, subsidy_for
from tests import factories as f
from tests.socialwork.conftest import LUXIAN, Setup, certify, rates

pytestmark = pytest.mark.django_db
LEVELS = ["assistant", "intermediate", "senior"]


def test_a_certified_cadre_on_duty_gets_the_county_amount_for_the_day(setup: Setup) -> None:
    rates(LUXIAN, date(2024, 1, 1), 200, 300, 500)
    rates(LUXIAN, date(2026, 1, 1), 300, 400, 600)
    certify(setup.cadre, "assistant", 2023, on=date(2023, 12, 10))
    assert monthly_subsidy(setup.cadre, date(2023, 12, 9)) == Decimal("0")  # no certificate yet
    assert monthly_subsidy(setup.cadre, date(2023, 12, 31)) == Decimal("0")  # no policy yet
    assert monthly_subsidy(setup.cadre, date(2024, 1, 1)) == Decimal("200")
    assert monthly_subsidy(setup.cadre, date(2025, 12, 31)) == Decimal("200")
    assert monthly_subsidy(setup.cadre, date(2026, 1, 1)) == Decimal("300")
    # A higher certificate counts from its date on.
    certify(setup.cadre, "intermediate", 2025, on=date(2025, 12, 10))
    assert monthly_subsidy(setup.cadre, date(2025, 12, 9)) == Decimal("200")
    assert monthly_subsidy(setup.cadre, date(2025, 12, 10)) == Decimal("300")
    assert monthly_subsidy(setup.cadre.pk, date(2026, 3, 1)) == Decimal("400")


def test_nothing_is_due_off_duty_or_without_a_pass(setup: Setup) -> None:
    rates(LUXIAN, date(2020, 1, 1), 200, 300, 500)
    failed = services.registration_create(acting_user=None, person=setup.cadre, exam_year=2023, level="senior")
    services.registration_result(acting_user=None, registration=failed, result="failed", result_on=date(2023, 9, 1))
    passed_no_certificate = services.registration_create(acting_user=None, person=setup.cadre, exam_year=2023,
                                                         level="intermediate")
    services.registration_result(acting_user=None, registration=passed_no_certificate, result="passed",
                                 result_on=date(2023, 9, 1))
    assert monthly_subsidy(setup.cadre, date(2024, 6, 1)) == Decimal("0")
    # Certified, but the post has ended (the day it ends is off duty); a supervision post is not on duty.
    retired = f.make_person(f.TANBA, name="甘退休", born=date(1970, 1, 1))
    post = f.make_appointment(retired, start=date(2016, 3, 1), term=2016)
    certify(retired, "intermediate", 2022)  # registered while in post; the post ended later
    Appointment.objects.filter(pk=post.pk).update(end_date=date(2024, 3, 1), end_reason="辞职")
    assert monthly_subsidy(retired, date(2024, 2, 29)) == Decimal("300")
    assert monthly_subsidy(retired, date(2024, 3, 1)) == Decimal("0")
    supervisor = f.make_person(f.TANBA, name="甘监督", born=date(1975, 1, 1))
    f.make_appointment(supervisor, post="supervision_member")
    certify(supervisor, "senior", 2022)
    assert monthly_subsidy(supervisor, date(2024, 6, 1)) == Decimal("0")


def test_each_county_pays_by_its_own_policy(setup: Setup) -> None:
    rates(LUXIAN, date(2024, 1, 1), 200, 300, 500)
    certify(setup.other, "assistant", 2022)
    assert monthly_subsidy(setup.other, date(2024, 6, 1)) == Decimal("0")  # 古蔺县 has no policy
    rates(f.GULIN, date(2024, 1, 1), 150, 250, 450)
    assert monthly_subsidy(setup.other, date(2024, 6, 1)) == Decimal("150")


def test_the_set_based_variant_agrees_and_reads_a_fixed_number_of_queries(setup: Setup) -> None:
    rates(LUXIAN, date(2024, 1, 1), 200, 300, 500)
    rates(f.GULIN, date(2024, 1, 1), 150, 250, 450)
    people = f.make_people(f.OTHER_YUSI_VILLAGE, 6)
    for i, p in enumerate(people[:4]):
        certify(p, LEVELS[i % 3], 2022)
    certify(setup.other, "intermediate", 2022)
    ids = [p.pk for p in people] + [setup.cadre.pk, setup.other.pk, 999_999]
    on = date(2024, 6, 1)
    with CaptureQueriesContext(connection) as few:
        small = monthly_subsidies(ids[:2], on)
    with CaptureQueriesContext(connection) as many:
        result = monthly_subsidies(ids, on)
    assert len(few) == len(many) == 3
    assert small == {ids[0]: Decimal("200"), ids[1]: Decimal("300")}
    assert result == {people[0].pk: Decimal("200"), people[1].pk: Decimal("300"), people[2].pk: Decimal("500"),
                      people[3].pk: Decimal("200"), people[4].pk: Decimal("0"), people[5].pk: Decimal("0"),
                      setup.cadre.pk: Decimal("0"), setup.other.pk: Decimal("250"), 999_999: Decimal("0")}
    assert all(monthly_subsidy(pid, on) == amount for pid, amount in result.items())
    assert monthly_subsidies([], on) == {}


# --- properties ----------------------------------------------------------------------------------

days = st.integers(min_value=0, max_value=3 * 365)
amounts = st.integers(min_value=0, max_value=2000)
versions = st.lists(st.tuples(days, amounts, amounts, amounts), max_size=6, unique_by=lambda v: v[0])
BASE = date(2023, 1, 1)


def timeline(version_list: list[tuple[int, int, int, int]], level: str, day: int) -> Decimal | None:
    """Independent reading of a policy: walk the versions in date order, each one's amount holding from its
    first day up to the day before the next version starts."""
    index = LEVELS.index(level) + 1
    ordered = sorted(version_list)
    for i, version in enumerate(ordered):
        until = ordered[i + 1][0] if i + 1 < len(ordered) else 10**9
        if version[0] <= day < until:
            return Decimal(version[index])
    return None


@given(versions, st.sampled_from(LEVELS), days)
def test_the_rate_in_force_is_the_latest_version_started(version_list, level, day) -> None:  # noqa: ANN001
    rows = [(BASE + timedelta(days=d), lv, Decimal(v[i + 1])) for v in version_list
            for i, lv in enumerate(LEVELS) for d in [v[0]]]
    assert rate_in_force(rows, level, BASE + timedelta(days=day)) == timeline(version_list, level, day)


@given(st.sets(st.sampled_from(LEVELS)), st.booleans(), versions, days)
def test_the_rule_pays_the_highest_level_on_duty_only(levels, on_duty, version_list, day) -> None:  # noqa: ANN001
    rows = [(BASE + timedelta(days=v[0]), lv, Decimal(v[i + 1])) for v in version_list for i, lv in enumerate(LEVELS)]
    got = subsidy_for(levels, LUXIAN if on_duty else None, rows, BASE + timedelta(days=day))
    highest = next((lv for lv in reversed(LEVELS) if lv in levels), None)
    want = timeline(version_list, highest, day) if highest and on_duty else None
    assert got == (want if want is not None else Decimal("0"))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(versions, st.lists(st.tuples(st.sampled_from(LEVELS), days), max_size=3, unique_by=lambda c: c[0]), days)
def test_the_engine_on_the_database_agrees_with_the_timeline(setup: Setup, version_list, certificates,  # noqa: ANN001
                                                             day) -> None:
    """Random policy versions and certificates for one cadre; each example rolled back."""
    with transaction.atomic():
        for d, a, i, s in version_list:
            rates(LUXIAN, BASE + timedelta(days=d), a, i, s)
        for n, (level, d) in enumerate(certificates):
            certify(setup.cadre, level, 2022, on=BASE + timedelta(days=d), number=f"H{n}")
        on = BASE + timedelta(days=day)
        held = [lv for lv, d in certificates if d <= day]
        highest = next((lv for lv in reversed(LEVELS) if lv in held), None)
        want = (timeline(version_list, highest, day) if highest else None) or Decimal("0")
        assert monthly_subsidy(setup.cadre, on) == want
        assert monthly_subsidies([setup.cadre.pk, setup.other.pk], on) == {setup.cadre.pk: want,
                                                                           setup.other.pk: Decimal("0")}
        transaction.set_rollback(True)
