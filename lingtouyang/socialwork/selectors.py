"""Reads of social-work certification, through the scoped querysets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr

from lingtouyang.core.scope import PREFIX_LENGTHS, parse_prefix, user_prefix
from lingtouyang.regions.models import Level as RegionLevel
from lingtouyang.regions.models import Region
from lingtouyang.socialwork.models import Level, Registration, Result, SubsidyRate

RESULT_NONE = "none"  # the list's filter for "no result yet"


@dataclass
class Filters:
    region: str = ""
    year: int | None = None
    result: str = ""
    level: str = ""

    @classmethod
    def parse(cls, params: Any) -> Filters:
        year = params.get("year", "").strip()
        result = params.get("result", "").strip()
        level = params.get("level", "").strip()
        return cls(region=parse_prefix(params.get("region", "")) or "",
                   year=int(year) if year.isdigit() and 1990 <= int(year) <= 2100 else None,
                   result=result if result in (*Result.values, RESULT_NONE) else "",
                   level=level if level in Level.values else "")


def registration_list(user: Any, filters: Filters | None = None) -> QuerySet[Registration]:
    f = filters or Filters()
    qs = Registration.objects.visible_to(user).within(f.region).select_related("person", "region")
    if f.year:
        qs = qs.filter(exam_year=f.year)
    if f.result == RESULT_NONE:
        qs = qs.filter(result="")
    elif f.result:
        qs = qs.filter(result=f.result)
    if f.level:
        qs = qs.filter(level=f.level)
    return qs.order_by("region_id", "-exam_year", "id")


@dataclass
class CertifiedRow:
    region: Region
    people: int
    by_level: dict[str, int] = field(default_factory=dict)


@dataclass
class CertifiedTable:
    region: Region
    rows: list[CertifiedRow]
    total: int
    total_by_level: dict[str, int]


def certified_by_region(user: Any, region: Region) -> CertifiedTable:
    """People holding a certificate (each once, at their highest level) per region one level below
    `region` (a city: its counties), with the total. Two grouped queries and one for the names."""
    child_length = PREFIX_LENGTHS[min(region.level + 1, RegionLevel.VILLAGE)]
    qs = Registration.objects.visible_to(user).within(region.prefix).certified()
    per_person: dict[int, tuple[str, str]] = {}
    rank = {Level.ASSISTANT: 1, Level.INTERMEDIATE: 2, Level.SENIOR: 3}
    # One row per person and level they are certified at, with the child region prefix.
    for pid, child, level in (qs.annotate(child=Substr("region_id", 1, child_length))
                              .values_list("person_id", "child", "level").distinct()):
        best = per_person.get(pid)
        if best is None or rank[Level(level)] > rank[Level(best[1])]:
            per_person[pid] = (child, level)
    counts: dict[str, CertifiedRow] = {}
    codes = {child.ljust(12, "0") for child, _level in per_person.values()}
    names = {r.code: r for r in Region.objects.filter(code__in=codes)}
    for child, level in per_person.values():
        code = child.ljust(12, "0")
        row = counts.setdefault(code, CertifiedRow(names.get(code) or Region(code=code, short_name=code), 0))
        row.people += 1
        row.by_level[level] = row.by_level.get(level, 0) + 1
    rows = [counts[c] for c in sorted(counts)]
    total_by_level = {lv: sum(r.by_level.get(lv, 0) for r in rows) for lv in Level.values}
    return CertifiedTable(region, rows, sum(r.people for r in rows), total_by_level)


def result_counts(user: Any, filters: Filters) -> dict[str, int]:
    qs = registration_list(user, filters).order_by()
    return {r or RESULT_NONE: n for r, n in qs.values_list("result").annotate(n=Count("id")).values_list("result", "n")}


@dataclass
class CountyPolicy:
    county: Region
    in_force: dict[str, tuple[Decimal, date]]
    versions: list[tuple[date, str, dict[str, Decimal]]]  # (effective from, note, level → amount), newest first


def policies(user: Any, on: date) -> list[CountyPolicy]:
    """Each county the user sees (a township or village: its own county) with its versions, from one query
    for the rates and one for the counties."""
    prefix = user_prefix(user, "view_training")
    if prefix is None:
        return []
    counties = Region.objects.filter(level=RegionLevel.COUNTY)
    if len(prefix) >= PREFIX_LENGTHS[RegionLevel.COUNTY]:
        counties = counties.filter(code=prefix[:6].ljust(12, "0"))
    elif prefix:
        counties = counties.within(prefix)
    counties_list = list(counties.order_by("code"))
    rates = SubsidyRate.objects.shared_with(user).filter(region_id__in=[c.code for c in counties_list])
    versions: dict[str, dict[date, tuple[str, dict[str, Decimal]]]] = {}
    for code, effective_from, level, amount, note in rates.values_list("region_id", "effective_from", "level",
                                                                       "monthly_amount", "note"):
        entry = versions.setdefault(code, {}).setdefault(effective_from, (note, {}))
        entry[1][level] = amount
    out = []
    for county in counties_list:
        mine = versions.get(county.code, {})
        in_force: dict[str, tuple[Decimal, date]] = {}
        for effective_from in sorted(d for d in mine if d <= on):
            for level, amount in mine[effective_from][1].items():
                in_force[level] = (amount, effective_from)
        out.append(CountyPolicy(county, in_force, [(d, mine[d][0], mine[d][1]) for d in sorted(mine, reverse=True)]))
    return out
