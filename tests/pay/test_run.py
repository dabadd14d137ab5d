"""The payroll run: slips and lines for every rule, figures worked out by hand here, totals = Σ lines, the
same figures again on a re-run, a finished run untouched by later policy changes, and every refusal."""

from datetime import date
from decimal import Decimal

import pytest

from lingtouyang.pay import services
from lingtouyang.pay.models import Line, PayrollRun, Slip
from lingtouyang.regions.models import Region
from tests import factories as f
from tests.pay.conftest import LUXIAN, World, basic_rates, grade, policy, project

pytestmark = pytest.mark.django_db


def lines_of(run: PayrollRun, person) -> dict[str, Decimal]:  # noqa: ANN001
    slip = Slip.objects.get(run=run, person=person)
    return {line.rule: line.amount for line in slip.lines.all()}


def run(world: World, **kwargs) -> PayrollRun:  # noqa: ANN003
    kwargs.setdefault("region", Region.objects.get(code=LUXIAN))
    return services.payroll_run(acting_user=world.users["county"], year=kwargs.pop("year", 2025), **kwargs)


def test_an_annual_run_pays_every_rule_with_its_figures(world: World) -> None:
    policy()
    grade(world.secretary, 2025, "excellent")
    grade(world.deputy, 2025, "competent")
    grade(world.member, 2025, "incompetent")
    # net 180,000: pool (180,000 − 50,000) × 10% = 13,000 for 2 cadres
    project(f.TANBA, 2025, "200000.00", "20000.00", [world.secretary, world.deputy])
    services.reward_add(acting_user=world.users["county"], person=world.member, year=2025, month=7,
                        amount="500", reason="抗洪抢险")
    r = run(world)
    assert r.state == "finished" and r.slips == 3
    assert lines_of(r, world.secretary) == {
        "basic": Decimal("25200.00"),  # 2,000 × 1.05 × 12
        "performance": Decimal("15456.00"),
        "incentive": Decimal("6500.00"),  # 13,000 ÷ 2 × 100%
    }
    assert lines_of(r, world.deputy) == {
        "basic": Decimal("20400.00"),  # 85% of 2,000 × 12
        "performance": Decimal("12000.00"),
        "incentive": Decimal("5200.00"),  # 13,000 ÷ 2 × 80%
    }
    assert lines_of(r, world.member) == {"basic": Decimal("14400.00"), "performance": Decimal("0.00"),
                                         "reward": Decimal("500.00")}
    assert r.total == sum(s.total for s in Slip.objects.filter(run=r))
    for slip in Slip.objects.filter(run=r):
        assert slip.total == sum(line.amount for line in slip.lines.all())
    basic = Line.objects.get(slip__run=r, slip__person=world.secretary, rule="basic")
    assert basic.explanation == ("basic 2,000.00 a month (party organisation secretary) × 1.05¹ for 1 consecutive "
                                 "re-elected terms (compounding) × 12 months = 25,200.00")


def figures(r: PayrollRun) -> list[tuple]:
    return list(Line.objects.filter(slip__run=r).order_by("slip__person_id", "id")
                .values_list("slip__person_id", "rule", "figures", "amount"))


def test_running_again_gives_identical_figures_and_a_later_policy_changes_no_finished_run(world: World) -> None:
    policy()
    grade(world.secretary, 2025, "excellent")
    first = run(world)
    second = run(world)
    assert second.pk != first.pk and figures(first) == figures(second) and first.total == second.total
    # A new version from 2025-07-01 (the old one is closed the day before): the finished runs keep their figures.
    policy(start=date(2025, 7, 1), basic=basic_rates(3000))
    assert figures(PayrollRun.objects.get(pk=first.pk)) == figures(second)
    third = run(world)
    assert lines_of(third, world.secretary)["basic"] == Decimal("37800.00")  # 3,000 × 1.05 × 12
    assert PayrollRun.objects.get(pk=first.pk).total == first.total


def test_adding_and_compounding_differ_from_the_second_term_on(world: World) -> None:
    # A third consecutive term: 2011, 2016, 2021 → 2 re-elected terms.
    f.make_appointment(world.secretary, post="party_member", term=2011, start=date(2011, 3, 1),
                       end_date=date(2016, 2, 28), end_reason="换届")
    policy(raise_compounds=True)
    compounding = run(world, month=3)
    assert lines_of(compounding, world.secretary)["basic"] == Decimal("2205.00")  # 2,000 × 1.05²
    line = Line.objects.get(slip__run=compounding, slip__person=world.secretary, rule="basic")
    assert "1.05² for 2 consecutive re-elected terms (compounding)" in line.explanation
    policy(start=date(2025, 4, 1), raise_compounds=False)
    adding = run(world, month=4)
    assert lines_of(adding, world.secretary)["basic"] == Decimal("2200.00")  # 2,000 × (1 + 2 × 5%)
    assert "(1 + 2 × 5%)" in Line.objects.get(slip__run=adding, slip__person=world.secretary, rule="basic").explanation


def test_a_monthly_run_pays_basic_subsidy_and_the_month_s_rewards_only(world: World) -> None:
    from tests.socialwork.conftest import certify, rates

    policy()
    grade(world.secretary, 2025, "excellent")
    project(f.TANBA, 2025, "200000.00", "0.00", [world.secretary])
    rates(LUXIAN, date(2024, 1, 1), 200, 300, 500)
    certify(world.member, "intermediate", 2024, on=date(2024, 12, 10))
    for month, amount in ((3, "100.50"), (4, "999")):
        services.reward_add(acting_user=world.users["county"], person=world.member, year=2025, month=month,
                            amount=amount, reason="表彰")
    r = run(world, month=3)
    assert r.reference_date == date(2025, 3, 31)
    assert lines_of(r, world.secretary) == {"basic": Decimal("2100.00")}  # 2,000 × 1.05
    assert lines_of(r, world.member) == {"basic": Decimal("1200.00"), "subsidy": Decimal("300.00"),
                                         "reward": Decimal("100.50")}
    subsidy = Line.objects.get(slip__run=r, slip__person=world.member, rule="subsidy")
    assert subsidy.explanation == "social-work post subsidy (social worker) 300.00 a month × 1 months = 300.00"


def test_one_slip_per_person_for_the_post_that_pays_most(world: World) -> None:
    # 一肩挑: the secretary is also the director; one slip, one basic line.
    f.make_appointment(world.secretary, post="village_director", term=2021, start=date(2021, 3, 1))
    policy(basic=basic_rates(2000, director=2100))
    r = run(world, month=1)
    slip = Slip.objects.get(run=r, person=world.secretary)
    assert slip.post == "village_director" and lines_of(r, world.secretary) == {"basic": Decimal("2205.00")}  # 2,100 × 1.05


def test_the_incentive_is_capped_and_lower_grades_get_less(world: World) -> None:
    policy(incentive_cap=10000)
    for person, g in ((world.secretary, "excellent"), (world.deputy, "basic"), (world.member, "incompetent")):
        grade(person, 2025, g)
    project(f.TANBA, 2025, "900000", "100000", [world.secretary, world.deputy, world.member])
    r = run(world)
    # (800,000 − 50,000) × 10% = 75,000, capped at 10,000; ÷ 3 cadres
    assert lines_of(r, world.secretary)["incentive"] == Decimal("3333.33")
    assert lines_of(r, world.deputy)["incentive"] == Decimal("1666.67")  # × 50%
    assert lines_of(r, world.member)["incentive"] == Decimal("0.00")
    # Below the threshold, or a loss: no incentive at all.
    project(f.TANBA, 2024, "40000", "90000", [world.secretary])
    policy(county=LUXIAN, start=date(2024, 1, 1), end=date(2024, 12, 31))
    grade(world.secretary, 2024, "excellent")
    assert "incentive" not in lines_of(run(world, year=2024), world.secretary)


def test_refusals_leave_nothing_written(world: World) -> None:
    from tests.pay.conftest import snapshot

    before = snapshot()
    with pytest.raises(services.ValidationError, match="no pay policy in force"):
        run(world)
    assert snapshot() == before
    policy()
    before = snapshot()
    with pytest.raises(services.ValidationError, match="outside your jurisdiction"):
        run(world, region=Region.objects.get(code=f.GULIN))
    with pytest.raises(services.ValidationError, match="outside your jurisdiction"):
        services.payroll_run(acting_user=world.users["township"], region=Region.objects.get(code=f.YUSI), year=2025)
    with pytest.raises(services.ValidationError):
        run(world, month=13)
    with pytest.raises(services.ValidationError):
        run(world, year=1990)
    assert snapshot() == before


def test_a_finished_run_its_slips_and_lines_cannot_be_changed(world: World) -> None:
    policy()
    r = run(world, month=1)
    r.total = Decimal(1)
    with pytest.raises(ValueError, match="immutable"):
        r.save()
    slip = Slip.objects.filter(run=r).first()
    with pytest.raises(ValueError):
        slip.save()
    with pytest.raises(ValueError):
        slip.lines.first().save()
    with pytest.raises(ValueError):
        r.delete()


def test_a_township_or_village_run_covers_only_its_people(world: World) -> None:
    policy()
    r = run(world, region=Region.objects.get(code=f.TANBA), month=1)
    assert set(Slip.objects.filter(run=r).values_list("person_id", flat=True)) == {
        world.secretary.pk, world.deputy.pk, world.member.pk}
    city = services.payroll_run(acting_user=world.users["city"], region=Region.objects.get(code=f.CITY), year=2025,
                                month=1) if world.users["city"].has_capability("run_payroll") else None
    assert city is None  # the city watches; counties run their payrolls


def test_a_second_concurrent_run_of_the_same_payroll_is_refused(world: World) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time")
    import psycopg

    from tests.pay.conftest import snapshot

    policy()
    region = Region.objects.get(code=LUXIAN)
    s = connection.settings_dict
    other = psycopg.connect(host=s["HOST"], port=s["PORT"] or 5432, user=s["USER"], password=s["PASSWORD"] or None,
                            dbname=s["NAME"], autocommit=True)
    try:  # another session holds the run's lock, as a run in progress does
        other.execute("SELECT pg_advisory_lock(%s, %s)", services.lock_key(region, 2025, 0))
        before = snapshot()
        with pytest.raises(services.ValidationError, match="is running now"):
            run(world)
        assert snapshot() == before
        assert run(world, month=1).state == "finished"  # another period is free
    finally:
        other.close()
    assert run(world).state == "finished"
