"""Demo data for pay: a 2025 policy for each Luzhou county (basic 2,000 a month for a principal post, deputies
85%, +5% per consecutive re-elected term — compounding in some counties, adding in others —, performance pay by
grade, the collective incentive: 10% of the net income above 50,000, at most 100,000), a few one-off rewards
(红岩村 among them), a third consecutive term for one of 红岩村's re-elected cadres (so that 1.05² shows), and a finished 2025
annual payroll of the city. Runs after the assessment and collective-economy demos (grades, projects) and the
social-work one (subsidy). Idempotent: nothing is added once a 2025 run of the city exists."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError

from lingtouyang.pay import services
from lingtouyang.pay.models import PayPolicy, PayrollRun, Reward
from lingtouyang.people.models import Appointment
from lingtouyang.people.services import appointment_create
from lingtouyang.regions.models import Level, Region

YEAR = 2025
HONGYAN = "510524100233"  # 红岩村, 叙永县
BASIC = {"party_secretary": 2000, "village_director": 2000, "community_director": 2000, "supervision_chair": 1600,
         "party_member": 1400, "village_member": 1400, "community_member": 1400, "supervision_member": 1200}
PERFORMANCE = {"excellent": 15456, "competent": 12000, "basic": 6000, "incompetent": 0}
INCENTIVE = {"excellent": 100, "competent": 80, "basic": 50, "incompetent": 0}
# Compounding in these counties, adding elsewhere: both forms of the raise appear on the demo's slips.
COMPOUNDING = {"510502000000", "510504000000", "510521000000", "510524000000"}
REWARDS = ["抗洪抢险表现突出", "乡村振兴示范村创建", "矛盾纠纷化解成绩显著", "森林防火先进个人"]


def _policies(prefix: str) -> int:
    added = 0
    for county in Region.objects.within(prefix).filter(level=Level.COUNTY).order_by("code"):
        if PayPolicy.objects.filter(region=county).exists():
            continue
        services.policy_version_add(
            acting_user=None, county=county, effective_from=date(YEAR, 1, 1), deputy_share=85, raise_percent=5,
            raise_compounds=county.code in COMPOUNDING, incentive_threshold=50000, incentive_share=10,
            incentive_cap=100000, rates={"basic": BASIC, "performance": PERFORMANCE, "incentive": INCENTIVE},
            note=f"{YEAR}年度村干部报酬")
        added += 1
    return added


def _third_term() -> None:
    """One of 红岩村's cadres re-elected in 2021 also served its 2011 term: three consecutive terms, so the slip
    shows 1.05² (or 1 + 2 × 5%)."""
    reelected = (Appointment.objects.filter(region_id=HONGYAN, term=2021, person__appointments__region_id=HONGYAN,
                                            person__appointments__term=2016)
                 .select_related("person", "region").order_by("id").first())
    if reelected is None or Appointment.objects.filter(person=reelected.person, term=2011).exists():
        return
    try:
        appointment_create(acting_user=None, person=reelected.person, region=reelected.region, post="village_member",
                           start_date=date(2011, 3, 1), end_date=date(2016, 2, 28), end_reason="换届连任", term=2011)
    except ValidationError:  # the roster's own rules say no (dates): the demo goes on without the third term
        return


def _rewards(prefix: str) -> int:
    if Reward.objects.within(prefix).filter(year=YEAR).exists():
        return 0
    day = date(YEAR, 12, 31)
    picks = list(Appointment.objects.filter(region_id=HONGYAN).current(day).select_related("person")
                 .order_by("id")[:2])
    picks += list(Appointment.objects.within(prefix).current(day).exclude(region_id=HONGYAN)
                  .select_related("person").order_by("region_id", "id")[:: 997][:4])
    for i, appointment in enumerate(picks):
        services.reward_add(acting_user=None, person=appointment.person, year=YEAR, month=3 + i,
                            amount=Decimal(500 * (1 + i % 3)), reason=REWARDS[i % len(REWARDS)])
    return len(picks)


def demo_pay(prefix: str) -> str:
    """Build this part's demo data for the regions under `prefix`, once; return a line for the demo's log
    (empty when nothing was added)."""
    city = Region.objects.filter(code=prefix.ljust(12, "0")).first()
    if city is None or PayrollRun.objects.filter(region=city, year=YEAR, month=0).exists():
        return ""
    if not Appointment.objects.within(prefix).exists():
        return ""
    policies = _policies(prefix)
    _third_term()
    rewards = _rewards(prefix)
    run = services.payroll_run(acting_user=None, region=city, year=YEAR)
    return (f"pay: {policies} county policies, {rewards} one-off rewards, the {YEAR} payroll of {city.short_name}: "
            f"{run.slips:,} slips, {run.lines:,} lines, {run.total:,} yuan")
