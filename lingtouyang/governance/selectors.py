"""Reads of checklists and village decisions, through the scoped querysets. The compliance overview is one
grouped query over the decisions of a region (per region one level down) and one page of problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import groupby
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from lingtouyang.core.scope import PREFIX_LENGTHS, parse_prefix
from lingtouyang.governance.models import Checklist, ChecklistItem, ComplianceCheck, Decision, Matter
from lingtouyang.regions.models import Level, Region

# A decision not complete, whose latest step (or its entry, before any) is older than this, is stuck.
STUCK_DAYS = 60
STATUSES = ("open", "complete", "failed", "stuck")


def checklists_current(on: date | None = None) -> list[Checklist]:
    """Each checklist's version in force on the day (one query: every version, newest first)."""
    day = on or timezone.localdate()
    rows = Checklist.objects.filter(effective_from__lte=day).order_by("code", "-effective_from")
    return [next(group) for _code, group in groupby(rows, key=lambda c: c.code)]


def grouped_items(checklist: Checklist) -> list[tuple[str, list[ChecklistItem]]]:
    items = ChecklistItem.objects.filter(checklist=checklist).order_by("number")
    return [(aspect, list(group)) for aspect, group in groupby(items, key=lambda i: i.aspect)]


def _stuck(today: date) -> Q:
    cutoff = today - timedelta(days=STUCK_DAYS)
    created_cutoff = timezone.make_aware(datetime.combine(cutoff, time.min))
    return (Q(steps_done__lt=6, failed=False)
            & (Q(last_step_on__lt=cutoff) | Q(last_step_on__isnull=True, created_at__lt=created_cutoff)))


@dataclass
class Filters:
    region: str = ""
    status: str = ""
    matter: str = ""
    q: str = ""

    @classmethod
    def parse(cls, params: Any) -> Filters:
        status, matter = params.get("status", "").strip(), params.get("matter", "").strip()
        return cls(region=parse_prefix(params.get("region", "")) or "",
                   status=status if status in STATUSES else "",
                   matter=matter if matter in Matter.values else "", q=params.get("q", "").strip()[:50])


def decision_list(user: Any, filters: Filters | None = None, today: date | None = None) -> QuerySet[Decision]:
    f = filters or Filters()
    qs = Decision.objects.visible_to(user).within(f.region).select_related("region")
    if f.status == "open":
        qs = qs.filter(steps_done__lt=6)
    elif f.status == "complete":
        qs = qs.filter(steps_done=6)
    elif f.status == "failed":
        qs = qs.filter(failed=True)
    elif f.status == "stuck":
        qs = qs.filter(_stuck(today or timezone.localdate()))
    if f.matter:
        qs = qs.filter(matter=f.matter)
    if f.q:
        qs = qs.filter(title__contains=f.q)
    return qs.order_by("region_id", "-id")


@dataclass
class ComplianceRow:
    region: Region | None
    label: str
    counts: dict[str, int] = field(default_factory=dict)


def _counts(today: date) -> dict[str, Any]:
    # Named n_*: an annotation named like a field ("failed") would shadow the field in its own filter.
    return {"n_major": Count("id", filter=Q(major=True)), "n_complete": Count("id", filter=Q(steps_done=6)),
            "n_open": Count("id", filter=Q(steps_done__lt=6)), "n_failed": Count("id", filter=Q(failed=True)),
            "n_stuck": Count("id", filter=_stuck(today))}


def compliance_overview(user: Any, region: Region, today: date | None = None) -> tuple[list[ComplianceRow],
                                                                                          dict[str, int]]:
    """Per region one level down: major decisions, complete, open, failed at a meeting, stuck, and with a
    measure not complied with; and the totals. Two grouped queries (decisions; decisions with a breach) and one
    for the names."""
    day = today or timezone.localdate()
    qs = Decision.objects.visible_to(user).within(region.prefix).order_by()
    length = PREFIX_LENGTHS[min(region.level + 1, Level.VILLAGE)]
    names = ["major", "complete", "open", "failed", "stuck"]
    grouped = list(qs.annotate(child=Substr("region_id", 1, length)).values("child")
                   .annotate(**_counts(day)).values_list("child", *[f"n_{n}" for n in names]))
    breaches = dict(ComplianceCheck.objects.filter(decision__in=qs.values("id"), complied=False).order_by()
                    .annotate(child=Substr("decision__region_id", 1, length)).values("child")
                    .annotate(n=Count("decision_id", distinct=True)).values_list("child", "n"))
    regions = {r.code: r for r in Region.objects.filter(code__in=[g[0].ljust(12, "0") for g in grouped])}
    rows = []
    for child, *values in sorted(grouped):
        r = regions.get(child.ljust(12, "0"))
        counts = {**dict(zip(names, values, strict=True)), "breaches": breaches.get(child, 0)}
        rows.append(ComplianceRow(r, r.short_name if r else child, counts))
    names.append("breaches")
    totals = {n: sum(row.counts[n] for row in rows) for n in names}
    return rows, totals


def problems(user: Any, region: Region, today: date | None = None) -> QuerySet[Decision]:
    """Decisions failed at a meeting, or stuck, or with a measure not complied with."""
    day = today or timezone.localdate()
    breach = ComplianceCheck.objects.filter(decision=OuterRef("pk"), complied=False)
    return (Decision.objects.visible_to(user).within(region.prefix).select_related("region")
            .filter(Q(failed=True) | _stuck(day) | Q(Exists(breach))).order_by("region_id", "-id"))
