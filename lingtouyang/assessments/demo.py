"""Demo data for the 2025 assessment in Luzhou: each county's scheme (four quarters 30%, two special tasks 20%,
the annual assessment 50%; 优秀 from 90, 称职 from 75, 基本称职 from 60; at most 20% 优秀 per township), scores
for every cadre holding a two-committee post at the year's end, drawn so that about 15% are 优秀, 75% 称职,
8% 基本称职 and 2% 不称职, graded by the real engine (`services.results_compute`, set-based per county), the
excess 优秀 of a township over the cap lowered with a reason, all published, 优秀 recognised, the criticism of
不称职 recorded with dates, and three appeals (upheld, changed, upheld). The two-committee members of 红岩村
(叙永县), who ran its profitable collective tea project, are 优秀 or 称职.

Written set-based (core/bulk.py) like the other demos; deterministic (one generator seeded by the prefix) and
idempotent: nothing is added when 2025 results exist under the prefix."""

from __future__ import annotations

import random
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from lingtouyang.assessments import engine, services
from lingtouyang.assessments.models import (
    Appeal,
    AppealState,
    Component,
    ComponentKind,
    Consequence,
    ConsequenceKind,
    Grade,
    Result,
    ResultState,
    Scheme,
    Score,
)
from lingtouyang.audit.services import audit_record
from lingtouyang.core.bulk import insert_rows
from lingtouyang.regions.models import Level, Region

YEAR = 2025
HONGYAN = "510524100233"  # 红岩村, 叙永县: the collective tea-processing project
PUBLISHED_ON = date(2026, 1, 20)
COMPONENTS = [
    (ComponentKind.REGULAR, "第一季度", ""), (ComponentKind.REGULAR, "第二季度", ""),
    (ComponentKind.REGULAR, "第三季度", ""), (ComponentKind.REGULAR, "第四季度", ""),
    (ComponentKind.SPECIAL, "乡村振兴专项", "乡村振兴产业发展"), (ComponentKind.SPECIAL, "基层治理专项", "矛盾纠纷排查化解"),
    (ComponentKind.ANNUAL, "年度考核", ""),
]
# Target weighted score ranges by grade, inside the bands with room for the ±2 noise per component.
TARGETS = {Grade.EXCELLENT: (92.0, 97.0), Grade.COMPETENT: (77.5, 87.5), Grade.BASIC: (62.5, 72.5),
           Grade.INCOMPETENT: (48.0, 57.5)}
SHARES = [(Grade.EXCELLENT, 0.15), (Grade.COMPETENT, 0.75), (Grade.BASIC, 0.08), (Grade.INCOMPETENT, 0.02)]
LOWERED = "本镇优秀等次名额已满，经镇党委研究调整为称职"


def _target(rng: random.Random, hongyan: bool) -> str:
    if hongyan:
        return Grade.EXCELLENT if rng.random() < 0.75 else Grade.COMPETENT
    x, acc = rng.random(), 0.0
    for grade, share in SHARES:
        acc += share
        if x < acc:
            return grade
    return Grade.COMPETENT


def demo_assessments(prefix: str) -> str:
    """Build the 2025 assessment for the counties under `prefix`, once; a line for the demo's log."""
    if Result.objects.within(prefix).filter(year=YEAR).exists():
        return ""
    rng = random.Random(f"assessments-{prefix}")
    counties = list(Region.objects.filter(level=Level.COUNTY).filter(code__startswith=prefix).order_by("code"))
    now = timezone.now()
    with transaction.atomic():
        schemes: dict[str, Scheme] = {}
        for county in counties:
            scheme = Scheme.objects.filter(region=county, year=YEAR).first() or Scheme.objects.create(
                region=county, year=YEAR)
            if not scheme.components.exists():
                Component.objects.bulk_create([Component(scheme=scheme, kind=k, name=n, task=t, position=i)
                                               for i, (k, n, t) in enumerate(COMPONENTS, start=1)])
            schemes[county.code[:6]] = scheme
        assessed = services.assessed_regions(prefix, YEAR)
        components = {code: list(s.components.order_by("position")) for code, s in schemes.items()}
        scores: list[tuple[Any, ...]] = []
        for pid in sorted(assessed):
            region = assessed[pid]
            comps = components.get(region[:6])
            if not comps:
                continue
            low, high = TARGETS[Grade(_target(rng, region == HONGYAN))]
            target = rng.uniform(low, high)
            for c in comps:
                value = min(max(target + rng.uniform(-2, 2), 0), 100)
                scores.append((c.pk, pid, region, engine.to_points(f"{value:.1f}"), now))
        insert_rows(Score, ["component_id", "person_id", "region_id", "points", "updated_at"], scores)
        for code, scheme in schemes.items():
            services.results_compute(scheme, code)
        lowered = _respect_the_cap(prefix, schemes)
        Result.objects.within(prefix).filter(year=YEAR).update(state=ResultState.PUBLISHED, published_on=PUBLISHED_ON)
        low, high = prefix.ljust(12, "0"), prefix.ljust(12, "9")
        recognised = services._recognise("r.region_id BETWEEN %s AND %s AND r.year = %s", [low, high, YEAR],
                                         PUBLISHED_ON, None)
        criticised = _criticism(prefix, now)
        appeals = _appeals(prefix, rng)
        figures = Result.objects.within(prefix).filter(year=YEAR).aggregate(
            total=Count("id"), **{g: Count("id", filter=Q(grade=g)) for g in Grade.values})
        audit_record("assessment.demo", region_code=prefix, changes={"year": YEAR, **figures, "lowered": lowered,
                                                                    "recognised": recognised, "appeals": appeals})
    total = figures["total"] or 1
    shares = ", ".join(f"{Grade(g).label} {figures[g] * 100 / total:.0f}%" for g in Grade.values)
    return (f"assessment {YEAR}: {len(schemes)} county schemes, {figures['total']} cadres graded ({shares}), "
            f"{lowered} lowered to the cap, {recognised} recognised, {criticised} criticisms, {appeals} appeals")


def _respect_the_cap(prefix: str, schemes: dict[str, Scheme]) -> int:
    """Each township's 优秀 beyond its cap lowered to 称职 with the township's reason (the lowest scores first,
    红岩村's cadres last), in one UPDATE per 2,000."""
    rows: dict[str, list[tuple[bool, Any, int]]] = {}
    counts: dict[str, int] = {}
    for pk, region, score, grade in (Result.objects.within(prefix).filter(year=YEAR)
                                     .values_list("id", "region_id", "score", "grade")):
        counts[region[:9]] = counts.get(region[:9], 0) + 1
        if grade == Grade.EXCELLENT:
            rows.setdefault(region[:9], []).append((region == HONGYAN, score, pk))
    lower: list[int] = []
    for town, excellent in rows.items():
        scheme = schemes.get(town[:6])
        allowed = engine.excellent_allowed(counts[town], scheme.excellent_cap if scheme else 20)
        if len(excellent) > allowed:
            lower += [pk for *_key, pk in sorted(excellent)[: len(excellent) - allowed]]
    for i in range(0, len(lower), 2_000):
        Result.objects.filter(pk__in=lower[i:i + 2_000]).update(grade=Grade.COMPETENT, grade_note=LOWERED)
    return len(lower)


def _criticism(prefix: str, now: datetime) -> int:
    """Each published 不称职: a public self-criticism at the village meeting and a criticism circulated by the
    township, dated after publication."""
    rows = []
    for pk, person, region in (Result.objects.within(prefix).filter(year=YEAR, grade=Grade.INCOMPETENT)
                               .values_list("id", "person_id", "region_id")):
        rows.append((pk, person, region, ConsequenceKind.SELF_CRITICISM, date(2026, 2, 10),
                     "在村两委会议上作公开检讨", False, now))
        rows.append((pk, person, region, ConsequenceKind.CIRCULATED_CRITICISM, date(2026, 2, 15),
                     "全镇范围内通报批评，年度绩效奖励按规定扣减", False, now))
    return insert_rows(Consequence, ["result_id", "person_id", "region_id", "kind", "dated_on", "note", "automatic",
                                     "created_at"], rows)


def _appeals(prefix: str, rng: random.Random) -> int:
    """Three appeals filed within the period and decided by the county: upheld, changed (基本称职 → 称职),
    upheld."""
    competent = list(Result.objects.within(prefix).filter(year=YEAR, grade=Grade.COMPETENT)
                     .order_by("id").values_list("id", flat=True)[:200])
    basic = list(Result.objects.within(prefix).filter(year=YEAR, grade=Grade.BASIC)
                 .order_by("id").values_list("id", flat=True)[:50])
    if len(competent) < 2 or not basic:
        return 0
    picks = [(rng.choice(competent[:100]), "第三季度考核期间在外参加培训，平时考核分数偏低", None, "经核实，培训期间考核已按规定折算，维持原等次"),
             (rng.choice(basic), "专项考核中牵头化解的两起矛盾纠纷未计入", Grade.COMPETENT, "经复核，漏计专项工作属实，等次调整为称职"),
             (rng.choice(competent[100:] or competent), "年度考核测评票数统计有误", None, "经重新核对测评票，统计无误，维持原等次")]
    decided_at = timezone.make_aware(datetime.combine(date(2026, 2, 5), time(10, 0)))
    made = 0
    for pk, reason, new, decision in picks:
        result = Result.objects.get(pk=pk)
        if Appeal.objects.filter(result=result).exists():
            continue
        Appeal.objects.create(result=result, region_id=result.region_id, filed_on=date(2026, 1, 28), reason=reason,
                              state=AppealState.CHANGED if new else AppealState.UPHELD, grade_before=result.grade,
                              grade_after=new or result.grade, decision=decision, decided_at=decided_at)
        if new:
            Result.objects.filter(pk=pk).update(grade=new, grade_note=decision)
        made += 1
    return made
