"""Demo data: the village collective economy of 2025. 红岩村 (叙永县) tea processing (seed: 500,000+ yuan new
net income, 4 cadres rewarded) with 4 of its current cadres, and projects in about three villages in ten
of Luzhou with plausible figures — some under the 50,000-yuan threshold of the incentive, a few far above.
Deterministic and idempotent; bulk (a few thousand rows in a few statements)."""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from lingtouyang.audit.services import audit_record
from lingtouyang.economy.models import Project, ProjectCadre
from lingtouyang.people.models import Appointment

YEAR = 2025
HONGYAN = "510524100233"  # 红岩村, 叙永县
SHARE = 0.3
NAMES = ["乡村旅游", "农机服务", "光伏发电", "集体林地经营", "农产品电商", "厂房租赁", "生猪养殖", "特色水果种植",
         "劳务服务", "高粱种植", "竹木加工", "农家乐"]
CADRES_PER_PROJECT = (1, 3)


def _net(rng: random.Random) -> Decimal:
    """Most between 50,000 and 300,000 yuan; one in five below the threshold; one in fifty above 500,000."""
    roll = rng.random()
    if roll < 0.2:
        low, high = 5_000, 49_000
    elif roll < 0.98:
        low, high = 50_000, 300_000
    else:
        low, high = 500_000, 1_200_000
    return Decimal(rng.randrange(low // 100, high // 100) * 100)


def demo_economy(prefix: str = "5105") -> str:
    if Project.objects.within(prefix).exists():
        return ""
    day = timezone.localdate()
    cadres: dict[str, list[int]] = {}
    for person_id, region_id in (Appointment.objects.within(prefix).current(day).order_by("region_id", "person_id")
                                 .values_list("person_id", "region_id")):
        people = cadres.setdefault(region_id, [])
        if person_id not in people:
            people.append(person_id)
    if not cadres:
        return ""
    rng = random.Random(2025)
    plan: list[tuple[Project, list[int]]] = []
    if HONGYAN in cadres:
        plan.append((Project(region_id=HONGYAN, year=YEAR, name="茶叶加工", operating_income=Decimal("860000.00"),
                             operating_cost=Decimal("340000.00"), note="早茶加工厂，村集体控股，带动茶农增收"),
                     cadres[HONGYAN][:4]))
    for region_id, people in cadres.items():
        if region_id == HONGYAN or rng.random() >= SHARE:
            continue
        for name in rng.sample(NAMES, rng.choice([1, 1, 2])):
            net = _net(rng)
            cost = (net * Decimal(rng.randrange(30, 150)) / 100).quantize(Decimal("1"))
            plan.append((Project(region_id=region_id, year=YEAR, name=name, operating_income=net + cost,
                                 operating_cost=cost), rng.sample(people, min(len(people), rng.randint(*CADRES_PER_PROJECT)))))
    with transaction.atomic():
        projects = Project.objects.bulk_create([p for p, _people in plan])
        rows = [ProjectCadre(project_id=p.pk, person_id=person) for p, (_same, people) in zip(projects, plan, strict=True)
                for person in people]
        ProjectCadre.objects.bulk_create(rows)
        audit_record("demo.economy", region_code=prefix,
                     changes={"year": YEAR, "projects": len(projects), "cadres": len(rows)})
    villages = len({p.region_id for p, _people in plan})
    return (f"collective economy: {len(projects)} projects of {YEAR} in {villages} villages "
            f"(红岩村 tea processing: 520,000 yuan net, 4 cadres)")
