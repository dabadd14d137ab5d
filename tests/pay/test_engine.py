"""The pay engine, rule by rule: the pure functions (with hypothesis), and the SQL the payroll runs, which must
give the functions' figures for any policy; the social-work subsidy's SQL agrees with `monthly_subsidies`."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lingtouyang.pay import engine, services
from lingtouyang.pay.models import Line, Slip
from lingtouyang.regions.models import Region
from lingtouyang.socialwork.policy import monthly_subsidies, subsidy_sql
from tests import factories as f
from tests.pay.conftest import INCENTIVE, LUXIAN, World, basic_rates, grade, policy, project

money_st = st.decimals(min_value=0, max_value=100000, places=2)
percent_st = st.decimals(min_value=0, max_value=100, places=2)
terms_st = st.integers(min_value=0, max_value=engine.MAX_TERMS)


# --- one test per rule --------------------------------------------------------------------------------


def test_basic_rule() -> None:
    assert engine.basic_pay(Decimal(2000), Decimal(100), engine.raise_factor(Decimal(5), 2, True), 1) == Decimal(
        "2205.00")
    assert engine.basic_pay(Decimal(2000), Decimal(85), engine.raise_factor(Decimal(5), 0, True), 12) == Decimal(
        "20400.00")
    assert engine.raise_factor(Decimal(5), 3, True) == Decimal("1.157625")
    assert engine.raise_factor(Decimal(5), 3, False) == Decimal("1.15")


def test_rounding_is_half_up_once() -> None:
    assert engine.money(Decimal("0.005")) == Decimal("0.01")
    assert engine.money(Decimal("2315.245")) == Decimal("2315.25")
    # 1,999.99 × 85% × 1.05 = 1,784.991075: exact until the one rounding at the end
    assert engine.basic_pay(Decimal("1999.99"), Decimal(85), Decimal("1.05"), 1) == Decimal("1784.99")
    assert engine.basic_pay(Decimal("2000.01"), Decimal(100), engine.raise_factor(Decimal(5), 2, True), 1) == Decimal(
        "2205.01")  # 2,205.011025


def test_performance_rule() -> None:
    assert engine.performance_pay(Decimal("15456")) == Decimal("15456.00")


def test_incentive_rule() -> None:
    pool = engine.incentive_pool(Decimal(180000), Decimal(50000), Decimal(10), Decimal(100000))
    assert pool == Decimal(13000)
    assert engine.incentive_pool(Decimal(3000000), Decimal(50000), Decimal(10), Decimal(100000)) == Decimal(100000)
    assert engine.incentive_pool(Decimal(-5000), Decimal(50000), Decimal(10), Decimal(100000)) == 0
    assert engine.incentive_pay(pool, 3, Decimal(80)) == Decimal("3466.67")


def test_subsidy_and_reward_rules() -> None:
    assert engine.subsidy_pay(Decimal("300"), 12) == Decimal("3600.00")
    assert engine.reward_pay(Decimal("500")) == Decimal("500.00")


# --- properties ---------------------------------------------------------------------------------------


@given(money_st, percent_st, percent_st, terms_st, st.booleans(), st.sampled_from([1, 12]))
def test_more_consecutive_terms_never_lower_basic_pay(amount: Decimal, share: Decimal, rate: Decimal, n: int,
                                                       compounds: bool, months: int) -> None:
    fewer = engine.basic_pay(amount, share, engine.raise_factor(rate, n, compounds), months)
    more = engine.basic_pay(amount, share, engine.raise_factor(rate, n + 1, compounds), months)
    assert more >= fewer
    assert engine.raise_factor(rate, n, True) >= engine.raise_factor(rate, n, False)  # compounding never less


@given(money_st, money_st, percent_st, money_st, st.integers(min_value=1, max_value=30),
       st.lists(percent_st, min_size=4, max_size=4))
def test_incompetent_never_raises_the_incentive(net: Decimal, threshold: Decimal, share: Decimal, cap: Decimal,
                                                cadres: int, percents: list[Decimal]) -> None:
    # The policy's grade percents are ordered (the service refuses otherwise): 不称职 has the least.
    incompetent, basic, competent, excellent = sorted(percents)
    pool = engine.incentive_pool(net * 10, threshold, share, cap)
    assert 0 <= pool <= cap and pool <= max(net * 10 - threshold, 0)
    pays = [engine.incentive_pay(pool, cadres, p) for p in (incompetent, basic, competent, excellent)]
    assert pays == sorted(pays)
    assert sum(pays) <= pool * 4 / cadres + Decimal("0.02")


@given(st.decimals(min_value=0, max_value=10**9, places=6))
def test_money_is_within_half_a_cent(value: Decimal) -> None:
    assert abs(engine.money(value) - value) <= Decimal("0.005")
    assert engine.money(engine.money(value)) == engine.money(value)


# --- the SQL agrees with the rules --------------------------------------------------------------------


@pytest.mark.django_db
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(secretary=money_st, member=money_st, share=percent_st, rate=percent_st, compounds=st.booleans(),
       net=st.decimals(min_value=-100000, max_value=2000000, places=2), threshold=money_st, inc_share=percent_st,
       cap=money_st, grades=st.lists(st.sampled_from(list(INCENTIVE)), min_size=3, max_size=3))
def test_the_payroll_sql_gives_the_rules_figures(world: World, secretary: Decimal, member: Decimal, share: Decimal,
                                                 rate: Decimal, compounds: bool, net: Decimal, threshold: Decimal,
                                                 inc_share: Decimal, cap: Decimal, grades: list[str]) -> None:
    from django.db import transaction

    sid = transaction.savepoint()
    try:
        policy(basic=basic_rates(secretary=secretary, member=member), deputy_share=share, raise_percent=rate,
               raise_compounds=compounds, incentive_threshold=threshold, incentive_share=inc_share,
               incentive_cap=cap)
        people = [world.secretary, world.deputy, world.member]
        for person, g in zip(people, grades, strict=True):
            grade(person, 2025, g)
        income, cost = (net, Decimal(0)) if net >= 0 else (Decimal(0), -net)
        project(f.TANBA, 2025, income, cost, people)
        run = services.payroll_run(acting_user=world.users["county"], region=Region.objects.get(code=LUXIAN),
                                   year=2025)
        pool = engine.incentive_pool(net, threshold, inc_share, cap)
        factor = engine.raise_factor(rate, 1, compounds)
        expected_basic = {world.secretary.pk: engine.basic_pay(secretary, Decimal(100), factor, 12),
                          world.deputy.pk: engine.basic_pay(secretary, share, Decimal(1), 12),
                          world.member.pk: engine.basic_pay(member, Decimal(100), Decimal(1), 12)}
        for slip in Slip.objects.filter(run=run, person__in=people):
            lines = {line.rule: line.amount for line in slip.lines.all()}
            assert lines["basic"] == expected_basic[slip.person_id]
            g = grades[[p.pk for p in people].index(slip.person_id)]
            assert lines["performance"] == engine.performance_pay(Decimal({"excellent": 15456, "competent": 12000,
                                                                           "basic": 8000, "incompetent": 0}[g]))
            if net > threshold:
                assert lines["incentive"] == engine.incentive_pay(pool, 3, Decimal(INCENTIVE[g]))
            else:
                assert "incentive" not in lines
            assert slip.total == sum(lines.values())  # a slip's lines add up to its total
        assert run.total == sum(Line.objects.filter(slip__run=run).values_list("amount", flat=True))
    finally:
        transaction.savepoint_rollback(sid)


@pytest.mark.django_db
def test_the_subsidy_sql_agrees_with_monthly_subsidies(world: World) -> None:
    from tests.socialwork.conftest import certify, rates

    rates(LUXIAN, date(2024, 1, 1), 200, 300, 500)
    rates(LUXIAN, date(2025, 7, 1), 250, 350, 550)
    rates("510525000000", date(2024, 1, 1), 100, 150, 180)
    certify(world.secretary, "assistant", 2023, on=date(2023, 12, 10))
    certify(world.secretary, "senior", 2024, on=date(2025, 3, 10))
    certify(world.deputy, "intermediate", 2024)
    certify(world.other, "assistant", 2024)
    off_duty = f.make_person(f.TANBA, name="甘守廉", born=date(1970, 1, 1))
    f.make_appointment(off_duty, post="supervision_member")
    certify(off_duty, "senior", 2024)
    ids = [world.secretary.pk, world.deputy.pk, world.member.pk, world.other.pk, off_duty.pk]
    people = "SELECT id AS person_id FROM people_person WHERE id IN (" + ", ".join(map(str, ids)) + ")"  # noqa: S608
    for day in (date(2023, 12, 31), date(2024, 6, 1), date(2025, 3, 9), date(2025, 3, 10), date(2025, 8, 1)):
        with connection.cursor() as cursor:
            cursor.execute(subsidy_sql(people, "on"), {"on": day})
            from_sql = {pid: Decimal(str(amount)) for pid, _level, amount in cursor.fetchall()}
        expected = {pid: amount for pid, amount in monthly_subsidies(ids, day).items() if amount > 0}
        assert from_sql == expected, day
