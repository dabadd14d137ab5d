"""Reads of key tasks and indicators, through the scoped querysets. Indicator figures are grouped sums
over a region's code prefix: a fixed number of queries whatever the region."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from lingtouyang.core.scope import PREFIX_LENGTHS, in_prefix, parse_prefix, user_prefix
from lingtouyang.regions.models import Level, Region
from lingtouyang.tasks.models import Category, Indicator, IndicatorValue, State, Task

OVERDUE = "overdue"  # the list's state filter for "open and past its deadline"


@dataclass
class Filters:
    region: str = ""
    state: str = ""
    category: str = ""
    q: str = ""

    @classmethod
    def parse(cls, params: Any) -> Filters:
        state = params.get("state", "").strip()
        category = params.get("category", "").strip()
        return cls(region=parse_prefix(params.get("region", "")) or "",
                   state=state if state in (*State.values, OVERDUE) else "",
                   category=category if category in Category.values else "",
                   q=params.get("q", "").strip()[:50])


def task_list(user: Any, filters: Filters | None = None, today: date | None = None) -> QuerySet[Task]:
    f = filters or Filters()
    qs = Task.objects.visible_to(user).within(f.region).select_related("region").prefetch_related("owners")
    if f.state == OVERDUE:
        qs = qs.overdue(today)
    elif f.state:
        qs = qs.filter(state=f.state)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.q:
        qs = qs.filter(title__contains=f.q)
    return qs.order_by("deadline", "id") if f.state == OVERDUE else qs.order_by("region_id", "deadline", "id")


def task_counts(user: Any, prefix: str, today: date | None = None) -> dict[str, int]:
    """Tasks by state, and the overdue among those in progress, in one grouped query."""
    day = today or timezone.localdate()
    row = Task.objects.visible_to(user).within(prefix).aggregate(
        open=Count("id", filter=Q(state=State.OPEN)), done=Count("id", filter=Q(state=State.DONE)),
        cancelled=Count("id", filter=Q(state=State.CANCELLED)),
        overdue=Count("id", filter=Q(state=State.OPEN, deadline__lt=day)))
    return {k: v or 0 for k, v in row.items()}


def region_or_404(user: Any, raw: str, capability: str = "view_management") -> Region:
    """?region= (a code or prefix in the user's jurisdiction), or the user's own region."""
    prefix = user_prefix(user, capability)
    parsed = parse_prefix(raw)
    if prefix is None or parsed is None:
        raise Http404
    if not parsed:
        region = user.region or Region.objects.filter(level=Level.CITY).order_by("code").first()
    else:
        region = Region.objects.filter(code=parsed.ljust(12, "0")).first()
    if region is None or not in_prefix(region.code, prefix):
        raise Http404
    return region


@dataclass
class IndicatorSeries:
    indicator: Indicator
    years: list[int]
    added: list[Decimal]  # per year: the sum of that year's values
    running: list[Decimal]  # per year: cumulative → the sum so far; a level → the year's sum
    total: Decimal


@dataclass
class ChildRow:
    region: Region | None  # None: values recorded at the region itself
    label: str
    totals: dict[int, Decimal] = field(default_factory=dict)  # indicator id → sum


@dataclass
class IndicatorFigures:
    region: Region
    series: list[IndicatorSeries]
    rows: list[ChildRow]


def _child_length(region: Region) -> int:
    return PREFIX_LENGTHS[min(region.level + 1, Level.VILLAGE)]


def indicator_figures(user: Any, region: Region) -> IndicatorFigures:
    """Every indicator's sums for the region (values recorded at it and below): per year and running, and
    per region one level down. Four queries: indicators, per year, per child, the children's names."""
    indicators = list(Indicator.objects.all())
    values = IndicatorValue.objects.visible_to(user).within(region.prefix).order_by()
    per_year: dict[int, dict[int, Decimal]] = {}
    for ind, year, total in values.values_list("indicator_id", "year").annotate(t=Sum("value")).values_list(
            "indicator_id", "year", "t"):
        per_year.setdefault(ind, {})[year] = total
    years = sorted({y for by in per_year.values() for y in by})
    series = []
    for ind in indicators:
        by = per_year.get(ind.pk, {})
        added = [by.get(y, Decimal(0)) for y in years]
        running, acc = [], Decimal(0)
        for amount in added:
            acc += amount
            running.append(acc if ind.cumulative else amount)
        total = acc if ind.cumulative else (added[-1] if added else Decimal(0))
        series.append(IndicatorSeries(ind, years, added, running, total))
    rows = _child_rows(values, region, {ind.pk: ind for ind in indicators})
    return IndicatorFigures(region, series, rows)


def _child_rows(values: QuerySet[IndicatorValue], region: Region, indicators: dict[int, Indicator]) -> list[ChildRow]:
    """Sums per region one level down, from one grouped query (and one for the names). A cumulative indicator
    sums every year; a level (not cumulative) counts its latest year in the whole region only."""
    if region.level >= Level.VILLAGE:
        return []
    length = _child_length(region)
    cells: list[tuple[str, int, int, Decimal]] = list(
        values.annotate(child=Substr("region_id", 1, length)).values_list("child", "indicator_id", "year")
        .annotate(t=Sum("value")).values_list("child", "indicator_id", "year", "t"))
    latest: dict[int, int] = {}
    for _child, ind, year, _t in cells:
        latest[ind] = max(latest.get(ind, year), year)
    grouped: dict[str, dict[int, Decimal]] = {}
    for child, ind, year, total in cells:
        if indicators[ind].cumulative or year == latest[ind]:
            by = grouped.setdefault(child, {})
            by[ind] = by.get(ind, Decimal(0)) + total
    names = {r.code: r for r in Region.objects.filter(code__in=[c.ljust(12, "0") for c in grouped])}
    rows = []
    for child in sorted(grouped):
        r = names.get(child.ljust(12, "0"))
        if r is None or r.code == region.code:  # recorded at the region itself, not at one below it
            rows.append(ChildRow(None, region.short_name, grouped[child]))
        else:
            rows.append(ChildRow(r, r.short_name, grouped[child]))
    return rows
