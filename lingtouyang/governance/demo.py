"""Demo data: about 100 major village decisions across Luzhou taken through 四议两公开 — most complete, some
under way, a few stuck (no step for months) and a few whose party members' or villagers' meeting failed its
quorum — with compliance checks against the power-supervision checklist; two of them in 谭坝村. The two
default checklists come with the migrations. Deterministic and idempotent; written in bulk statements; the
meetings' outcomes come from the quorum engine itself."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from lingtouyang.audit.services import audit_record
from lingtouyang.governance import quorum
from lingtouyang.governance.models import Checklist, ComplianceCheck, Decision, DecisionStep, Matter
from lingtouyang.people.codes import DIRECTOR_POSTS
from lingtouyang.people.models import Appointment
from lingtouyang.regions.models import Level, Region

TANBA = "510521102237"
COUNT = 100
# (title, matter, amount in yuan or None); data, in Chinese.
SUBJECTS = [
    ("村集体经营性资产对外出租", Matter.COLLECTIVE_PROPERTY, 60000), ("村道硬化及安防工程", Matter.PROJECT, 320000),
    ("村集体收益分配方案", Matter.COLLECTIVE_INCOME, 150000), ("土地承包经营权流转方案", Matter.LAND_CONTRACTING, None),
    ("宅基地使用方案", Matter.HOMESTEAD, None), ("征地补偿费使用分配", Matter.LAND_COMPENSATION, 480000),
    ("村干部误工补贴标准", Matter.ALLOWANCES, 36000), ("“一事一议”筹资建设水塘", Matter.FUNDRAISING, 85000),
    ("发展村集体茶叶产业", Matter.ECONOMY, 200000), ("文化活动广场建设", Matter.PROJECT, 180000),
    ("集体林地承包经营", Matter.COLLECTIVE_PROPERTY, 120000), ("入股农民专业合作社", Matter.ECONOMY, 100000),
]
STUCK, FAILED, UNDER_WAY = 6, 5, 14


def _one_shoulder(villages: list[str], on: date) -> set[str]:
    """Villages whose party secretary is also the director on the day (一肩挑): two queries."""
    current = Appointment.objects.filter(region_id__in=villages).current(on)
    secretaries = set(current.filter(post="party_secretary").values_list("region_id", "person_id"))
    directors = set(current.filter(post__in=DIRECTOR_POSTS).values_list("region_id", "person_id"))
    return {village for village, _person in secretaries & directors}


def _meeting(rng: random.Random, body: str, fail: bool) -> tuple[int, int, int, bool]:
    entitled = {"party_members": rng.randint(18, 70), "villagers_households": rng.randint(180, 900),
                "representatives": rng.randint(25, 60)}[body]
    if fail:  # too few came
        present = entitled * 2 // 3 - rng.randint(1, 5)
    else:
        present = rng.randint(-(-entitled * 2 // 3), entitled)
    base = entitled if body == "party_members" else present
    approve = min(present, rng.randint(base // 2 + 1, max(base // 2 + 1, present)))
    return entitled, present, approve, quorum.check(body, entitled, present, approve).passed


def demo_governance(prefix: str, today: date | None = None) -> str:
    """Build this part's demo data for the regions under `prefix`, once; return a line for the demo's log
    (empty when nothing was added)."""
    if Decision.objects.within(prefix).exists():
        return ""
    today = today or timezone.localdate()
    villages = list(Region.objects.within(prefix).filter(level=Level.VILLAGE).order_by("code")
                    .values_list("code", flat=True))
    if not villages:
        return ""
    rng = random.Random(442)
    chosen = [TANBA, TANBA] if TANBA in villages else []
    chosen += rng.sample(villages, min(len(villages), COUNT - len(chosen)))
    merged_ok = _one_shoulder(sorted(set(chosen)), today)
    checklist = Checklist.objects.filter(code="power_supervision", effective_from__lte=today).order_by(
        "-effective_from").first()
    items = list(checklist.items.order_by("number")) if checklist else []
    decisions: list[Decision] = []
    plans: list[list[DecisionStep]] = []
    for n, village in enumerate(chosen):
        title, matter, amount = SUBJECTS[n % len(SUBJECTS)]
        # The last decisions are the special ones: stuck, failed, under way; 谭坝村's first is complete.
        kind = ("stuck" if n >= COUNT - STUCK else "failed" if n >= COUNT - STUCK - FAILED
                else "under_way" if n >= COUNT - STUCK - FAILED - UNDER_WAY or n == 1 else "complete")
        if kind == "stuck":
            day = today - timedelta(days=rng.randint(150, 300))
        elif kind == "under_way":
            day = today - timedelta(days=rng.randint(5, 25))
        else:
            day = date(rng.choice([2023, 2024, 2025]), rng.randint(1, 12), rng.randint(1, 28))
        last = {"complete": 6, "stuck": rng.randint(1, 4), "failed": 4, "under_way": rng.randint(1, 4)}[kind]
        body4 = "villagers_households" if matter in quorum.ASSEMBLY_ONLY else rng.choice(
            ["villagers_households", "representatives"])
        steps: list[DecisionStep] = []
        done, failed = 0, False
        merge = village in merged_ok and rng.random() < 0.5
        for step in range(1, last + 1):
            if step == 2 and merge:
                steps.append(DecisionStep(step=2, held_on=day, merged=True))
                done = 2
                continue
            day = min(day + timedelta(days=rng.randint(1, 10)), today) if step > 1 else day
            row = DecisionStep(step=step, held_on=day)
            if step in (3, 4):
                fail = kind == "failed" and step == (3 if n % 2 else 4)
                row.body = "party_members" if step == 3 else body4
                row.entitled, row.present, row.approve, row.passed = _meeting(rng, row.body, fail)
            if step in (5, 6):
                row.place = rng.choice(["村务公开栏", "村务公开栏、村民微信群", "“云公开”平台"])
            steps.append(row)
            if not row.passed:
                failed = True
                break
            done = step
        if kind == "complete":
            steps[-1].held_on = min(steps[-1].held_on + timedelta(days=rng.randint(30, 120)), today)
        decisions.append(Decision(region_id=village, title=title, matter=matter, major=True,
                                  amount=Decimal(amount) if amount else None, steps_done=done, failed=failed,
                                  last_step_on=steps[-1].held_on if steps else None))
        plans.append(steps)
    with transaction.atomic():
        made = Decision.objects.bulk_create(decisions)
        rows = []
        for decision, steps in zip(made, plans, strict=True):
            for s in steps:
                s.decision = decision
                rows.append(s)
        DecisionStep.objects.bulk_create(rows)
        checks = [ComplianceCheck(decision=d, item=item, complied=rng.random() > 0.08,
                                  note="" if rng.random() > 0.2 else "已核实")
                  for d in made if d.steps_done == 6 for item in rng.sample(items, min(len(items), 4))]
        ComplianceCheck.objects.bulk_create(checks)
        audit_record("demo.governance", region_code=prefix,
                     changes={"decisions": len(made), "steps": len(rows), "checks": len(checks)})
    complete = sum(1 for d in made if d.steps_done == 6)
    return f"village decisions: {len(made)} decisions ({complete} through all six steps), {len(checks)} compliance checks"
