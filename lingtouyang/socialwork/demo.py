"""Demo data: 513 certified social workers across Luzhou, mostly community cadres, from registrations over
the exam years 2021–2026 (some failed or absent first, some more who never passed), and a subsidy policy
per county: 助理 200 元/月, 中级 300 元/月, 高级 500 元/月 from 2024, raised by 龙马潭区 in 2026.
Deterministic and idempotent; the registrations are written set-based (core/bulk.py)."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from lingtouyang.audit.services import audit_record
from lingtouyang.core.bulk import allocate_ids, insert_rows
from lingtouyang.people.models import Appointment
from lingtouyang.regions.models import Kind, Level, Region
from lingtouyang.socialwork.models import Level as CertLevel
from lingtouyang.socialwork.models import Registration, Result, SubsidyRate
from lingtouyang.socialwork.policy import DUTY_POSTS

CERTIFIED = 513
COMMUNITY_SHARE = 0.8
NEVER_PASSED = 140  # cadres who sat the exam and have not passed (yet)
YEARS = [2021, 2022, 2023, 2024, 2025, 2026]
POLICY_START = date(2024, 1, 1)
RATES = {CertLevel.ASSISTANT: Decimal("200"), CertLevel.INTERMEDIATE: Decimal("300"), CertLevel.SENIOR: Decimal("500")}
RAISING_COUNTY = "510504000000"  # 龙马潭区
RAISE = (date(2026, 1, 1), {CertLevel.ASSISTANT: Decimal("300"), CertLevel.INTERMEDIATE: Decimal("400"),
                            CertLevel.SENIOR: Decimal("600")})
FIELDS = ["id", "person_id", "region_id", "exam_year", "level", "training_hours", "result", "result_on",
          "certificate_no", "certificate_date", "created_at", "updated_at"]


def _result_day(year: int) -> date:
    return date(year, 9, 20)


def _certificate_day(year: int) -> date:
    return date(year, 12, 10)


def demo_policy(prefix: str = "5105") -> int:
    """Version 1 in every county of the city, and 龙马潭区's 2026 raise. Returns rows added."""
    counties = list(Region.objects.within(prefix).filter(level=Level.COUNTY).order_by("code")
                    .values_list("code", flat=True))
    if not counties or SubsidyRate.objects.filter(region_id__in=counties).exists():
        return 0
    rows = [SubsidyRate(region_id=c, level=lv, monthly_amount=a, effective_from=POLICY_START,
                        note="社会工作者岗位补贴（试行）") for c in counties for lv, a in RATES.items()]
    if RAISING_COUNTY in counties:
        rows += [SubsidyRate(region_id=RAISING_COUNTY, level=lv, monthly_amount=a, effective_from=RAISE[0],
                             note="提高持证社工岗位补贴标准") for lv, a in RAISE[1].items()]
    with transaction.atomic():
        SubsidyRate.objects.bulk_create(rows)
        audit_record("demo.socialwork_policy", region_code=prefix, changes={"rates": len(rows)})
    return len(rows)


def _cadres(prefix: str, today: date) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(community cadres, village cadres) on duty today: (person id, village code), each person once."""
    rows = (Appointment.objects.within(prefix).current(today).filter(post__in=DUTY_POSTS)
            .order_by("person_id").values_list("person_id", "region_id", "region__kind").distinct())
    seen: set[int] = set()
    community, village = [], []
    for pid, code, kind in rows:
        if pid not in seen:
            seen.add(pid)
            (community if kind == Kind.COMMUNITY else village).append((pid, code))
    return community, village


def demo_registrations(prefix: str = "5105", today: date | None = None) -> int:
    """Returns the number of certified social workers added (0 when the city already has registrations)."""
    if Registration.objects.within(prefix).exists():
        return 0
    today = today or timezone.localdate()
    community, village = _cadres(prefix, today)
    rng = random.Random(513)
    want_community = min(len(community), int(CERTIFIED * COMMUNITY_SHARE))
    certified = rng.sample(community, want_community)
    certified += rng.sample(village, min(len(village), CERTIFIED - want_community))
    chosen = set(certified)
    rest = [p for p in community + village if p not in chosen]
    unsuccessful = rng.sample(rest, min(len(rest), NEVER_PASSED))
    years = [y for y in YEARS if _certificate_day(y) <= today]
    if not years or not certified:
        return 0
    # (person, region, year, level, hours, result, certificate)
    rows: list[tuple[int, str, int, str, Decimal, str, bool]] = []
    for pid, code in certified:
        year = rng.choice(years)
        roll = rng.random()
        level = CertLevel.SENIOR if roll < 0.02 else CertLevel.INTERMEDIATE if roll < 0.27 else CertLevel.ASSISTANT
        hours = Decimal(rng.choice((16, 24, 32, 40, 48)))
        if level != CertLevel.ASSISTANT and year > years[0]:  # passed the assistant level a year or more before
            rows.append((pid, code, rng.choice([y for y in years if y < year]), CertLevel.ASSISTANT, hours,
                         Result.PASSED, True))
        if rng.random() < 0.2 and year > years[0]:  # failed or missed an earlier sitting
            rows.append((pid, code, year - 1, level, hours, rng.choice((Result.FAILED, Result.ABSENT)), False))
        rows.append((pid, code, year, level, hours, Result.PASSED, True))
    for pid, code in unsuccessful:
        year = rng.choice(YEARS)
        result = rng.choice((Result.FAILED, Result.FAILED, Result.ABSENT))
        if _result_day(year) > today:
            result = ""
        rows.append((pid, code, year, CertLevel.ASSISTANT, Decimal(rng.choice((0, 16, 24))), result, False))
    # One registration per person, year and level: a retake in the same year is dropped.
    unique = {(r[0], r[2], r[3]): r for r in rows}
    ordered = sorted(unique.values(), key=lambda r: (r[2], r[1], r[0]))
    now = timezone.now()
    with transaction.atomic():
        ids = allocate_ids(Registration, len(ordered))
        insert_rows(Registration, FIELDS, (
            (rid, pid, code, year, level, hours, result, _result_day(year) if result else None,
             f"S{year}{level[:1].upper()}{rid:07d}" if cert else "", _certificate_day(year) if cert else None, now, now)
            for rid, (pid, code, year, level, hours, result, cert) in zip(ids, ordered, strict=True)))
        audit_record("demo.socialwork", region_code=prefix,
                     changes={"registrations": len(ordered), "certified_people": len(certified)})
    return len(certified)
