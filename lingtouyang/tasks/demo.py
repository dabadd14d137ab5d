"""Demo data: Luzhou's key tasks 2021–2025 — 90 done, some in progress and some overdue — with their progress
reports and owners, and indicator values that sum city-wide to 238.6 km of rural roads, 68 agricultural parks
and 20,000 mu of industrial base. Deterministic and idempotent; written in bulk statements."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from lingtouyang.audit.services import audit_record
from lingtouyang.people.models import Appointment
from lingtouyang.regions.models import Level, Region
from lingtouyang.tasks.models import Category, Indicator, IndicatorValue, ProgressUpdate, State, Task

DONE, IN_PROGRESS, OVERDUE = 90, 24, 9
YEARS = [2021, 2022, 2023, 2024, 2025]
# City-wide totals of the issue, in the indicators' smallest unit shown (0.1 km, 1 个, 1 亩).
TOTALS = {"roads_km": (2386, Decimal("0.1")), "agri_parks": (68, Decimal(1)), "industrial_base_mu": (20000, Decimal(1))}
# Titles by category ({r}: the region's name); data, in Chinese.
TITLES = {
    Category.INFRASTRUCTURE: ["{r}农村公路提档升级", "{r}产业路、旅游路建设", "{r}农村饮水安全巩固提升", "{r}危桥改造"],
    Category.INDUSTRY: ["{r}现代农业园区建设", "{r}高标准农田建设", "{r}特色产业基地扩面", "{r}村集体经济增收"],
    Category.ECOLOGY: ["{r}农村人居环境整治", "{r}农村厕所革命", "{r}生活垃圾分类试点", "{r}河湖“清四乱”"],
    Category.PARTY: ["{r}村级活动阵地规范化建设", "{r}软弱涣散村党组织整顿", "{r}“领头羊”后备力量培养"],
    Category.GOVERNANCE: ["{r}矛盾纠纷排查化解", "{r}村规民约修订", "{r}“四议两公开”规范运行", "{r}网格化服务管理"],
    Category.LIVELIHOOD: ["{r}便民服务中心提升", "{r}留守老人关爱服务", "{r}农村电商服务站点建设"],
}
RESPONSIBLE = {Level.CITY: "市委组织部、市农业农村局", Level.COUNTY: "县(区)委组织部、农业农村局",
               Level.TOWNSHIP: "乡镇党委、政府", Level.VILLAGE: "村“两委”"}
NOTES = ["完成方案编制", "项目开工", "完成主体工程", "完成年度目标", "通过验收"]


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` in `parts` positive-ish whole shares that add up exactly (largest remainder)."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    raw = [total * w / sum(weights) for w in weights]
    shares = [int(x) for x in raw]
    for i in sorted(range(parts), key=lambda i: raw[i] - shares[i], reverse=True)[: total - sum(shares)]:
        shares[i] += 1
    return shares


def demo_indicators(prefix: str = "5105") -> int:
    """Values per township (roads, base) or county (parks) and year; returns rows added."""
    if IndicatorValue.objects.within(prefix).exists():
        return 0
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=TOTALS)}
    counties = list(Region.objects.within(prefix).filter(level=Level.COUNTY).order_by("code"))
    townships = list(Region.objects.within(prefix).filter(level=Level.TOWNSHIP).order_by("code"))
    if not counties or len(indicators) != len(TOTALS):
        return 0
    rng = random.Random(2386)
    cells: dict[tuple[str, str, int], Decimal] = {}
    for code, (total, unit) in TOTALS.items():
        places = counties if code == "agri_parks" else rng.sample(townships, min(len(townships), 60))
        slots = [(r.code, y) for r in places for y in YEARS]
        for (region, year), share in zip(slots, _split(total, len(slots), rng), strict=True):
            if share:
                cells[(code, region, year)] = cells.get((code, region, year), Decimal(0)) + share * unit
    rows = [IndicatorValue(indicator=indicators[code], region_id=region, year=year, month=0, value=value,
                           note="年度统计") for (code, region, year), value in sorted(cells.items())]
    with transaction.atomic():
        IndicatorValue.objects.bulk_create(rows)
        audit_record("demo.indicators", region_code=prefix, changes={"values": len(rows)})
    return len(rows)


def _updates(start: date, end: date, final: int, rng: random.Random) -> list[tuple[date, int, str]]:
    """Progress reports from start to end, rising to `final`."""
    count = rng.randint(2, 4)
    span = max((end - start).days, count)
    days = sorted(rng.sample(range(1, span + 1), count))
    steps = sorted(rng.sample(range(10, max(final, 11)), count - 1)) + [final] if final > 10 else [final] * count
    return [(start + timedelta(days=d), min(p, final), NOTES[min(i, len(NOTES) - 1)])
            for i, (d, p) in enumerate(zip(days, steps, strict=False))]


def demo_key_tasks(prefix: str = "5105", today: date | None = None) -> int:
    """Returns the number of tasks added (0 when the city has tasks already)."""
    if Task.objects.within(prefix).exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(90)
    regions = list(Region.objects.within(prefix).filter(level__lte=Level.TOWNSHIP).order_by("code"))
    villages = list(Region.objects.within(prefix).filter(level=Level.VILLAGE).order_by("code"))
    if not regions:
        return 0
    places = rng.sample(regions, min(len(regions), 80)) + rng.sample(villages, min(len(villages), 40))
    secretaries = dict(Appointment.objects.current(today).filter(region_id__in=[v.code for v in villages],
                                                                 post="party_secretary")
                       .values_list("region_id", "person_id"))
    plans: list[tuple[Task, list[tuple[date, int, str]], int | None]] = []
    categories = list(TITLES)
    for n in range(DONE + IN_PROGRESS + OVERDUE):
        region = places[n % len(places)]
        category = categories[n % len(categories)]
        title = rng.choice(TITLES[category]).format(r=region.short_name)
        if n < DONE:
            start = date(rng.choice(YEARS), rng.randint(1, 6), 1)
            deadline = start + timedelta(days=rng.randint(150, 540))
            done_on = min(deadline - timedelta(days=rng.randint(0, 60)), today - timedelta(days=1))
            updates = _updates(start, done_on, 100, rng)
            updates[-1] = (done_on, 100, "通过验收")
            state: str = State.DONE
        elif n < DONE + IN_PROGRESS:
            start = date(2025, rng.randint(1, 12), 1)
            deadline = today + timedelta(days=rng.randint(30, 400))
            updates, done_on, state = _updates(start, today, rng.randint(20, 90), rng), None, State.OPEN
        else:
            start = date(2024, rng.randint(1, 12), 1)
            deadline = today - timedelta(days=rng.randint(10, 300))
            updates, done_on, state = _updates(start, today, rng.randint(15, 80), rng), None, State.OPEN
        owner = secretaries.get(region.code) if region.level == Level.VILLAGE else None
        task = Task(region=region, title=title, category=category, start=start, deadline=deadline,
                    responsible="" if owner else RESPONSIBLE[Level(region.level)], state=state, done_on=done_on,
                    progress=updates[-1][1] if updates else 0)
        if owner is None and not task.responsible:
            task.responsible = RESPONSIBLE[Level.VILLAGE]
        plans.append((task, updates, owner))
    with transaction.atomic():
        tasks = Task.objects.bulk_create([p[0] for p in plans])
        ProgressUpdate.objects.bulk_create([ProgressUpdate(task=t, on=on, percent=pct, note=note)
                                            for t, (_t, updates, _o) in zip(tasks, plans, strict=True)
                                            for on, pct, note in updates])
        Task.owners.through.objects.bulk_create([Task.owners.through(task_id=t.pk, person_id=owner)
                                                 for t, (_t, _u, owner) in zip(tasks, plans, strict=True) if owner])
        audit_record("demo.tasks", region_code=prefix, changes={"tasks": len(tasks), "done": DONE})
    return len(tasks)


def demo_tasks(prefix: str) -> str:
    """Build this part's demo data for the regions under `prefix`, once; return a line for the demo's log
    (empty when nothing was added)."""
    tasks, values = demo_key_tasks(prefix), demo_indicators(prefix)
    if not tasks and not values:
        return ""
    return f"key tasks: {tasks} tasks ({DONE} done), {values} indicator values"
