"""Reads of the collective economy, through the scoped queryset: per village and year the sums over its
projects (one grouped query a page), the townships' subtotals (one more), and the projects themselves."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from lingtouyang.core.scope import PREFIX_LENGTHS, parse_prefix
from lingtouyang.economy.models import Project
from lingtouyang.regions.models import Region

# Sums as exact yuan: an explicit output field makes every backend hand back Decimal with two places (SQLite
# sums NUMERIC columns in floating point; the converter quantizes the result back to cents).
YUAN = DecimalField(max_digits=16, decimal_places=2)

CENT = Decimal("0.01")


def yuan(value: Decimal | None) -> Decimal:
    """A sum as exact yuan with two places (SQLite hands back sums of whole yuan without them)."""
    return (value or Decimal(0)).quantize(CENT)


# Orders a user may pick for the village totals: key → ORDER BY.
ORDERS = {
    "net": ["-net", "region_id"], "-net": ["net", "region_id"],
    "income": ["-income", "region_id"], "cost": ["-cost", "region_id"],
    "code": ["region_id"],
}


def region_prefix(raw: str) -> str:
    """A region filter as a code prefix: typed digits as they are, a full 12-digit code (510521102000) cut to
    its region's significant prefix (510521102); "" for nothing or something malformed."""
    prefix = parse_prefix(raw) or ""
    if len(prefix) == 12:
        for n in sorted(PREFIX_LENGTHS.values())[:-1]:
            if prefix[n:].strip("0") == "":
                return prefix[:n]
    return prefix


@dataclass
class Filters:
    region: str = ""
    year: int = 0
    order: str = "net"
    min_net: Decimal | None = None

    @classmethod
    def parse(cls, params: Any) -> Filters:
        year = str(params.get("year", "")).strip()
        order = str(params.get("order", "")).strip()
        raw_min = str(params.get("min_net", "")).strip()
        try:
            min_net = Decimal(raw_min) if raw_min else None
        except ArithmeticError:
            min_net = None
        return cls(region=region_prefix(str(params.get("region", ""))),
                   year=int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate().year - 1,
                   order=order if order in ORDERS else "net",
                   min_net=min_net if min_net is not None and min_net.is_finite() else None)


def projects(user: Any, filters: Filters | None = None) -> QuerySet[Project]:
    f = filters or Filters()
    qs = Project.objects.visible_to(user).within(f.region).select_related("region")
    if f.year:
        qs = qs.filter(year=f.year)
    return qs.annotate(cadre_count=Count("cadres")).order_by("region_id", "name", "id")


def village_totals(user: Any, filters: Filters) -> QuerySet:
    """One row per village with projects in the year: income, cost, net income, projects. A queryset of
    dicts, so that a page of it is one grouped query."""
    qs = (Project.objects.visible_to(user).within(filters.region).filter(year=filters.year)
          .values("region_id", "region__short_name", "region__parent__short_name")
          .annotate(income=Sum("operating_income", output_field=YUAN), cost=Sum("operating_cost", output_field=YUAN),
                    net=Sum(F("operating_income") - F("operating_cost"), output_field=YUAN), projects=Count("id")))
    if filters.min_net is not None:
        qs = qs.filter(net__gte=filters.min_net)
    return qs.order_by(*ORDERS[filters.order])


def township_subtotals(user: Any, filters: Filters) -> list[dict[str, Any]]:
    """The same sums per township (the first nine digits of the code), with the township's name."""
    rows = list(Project.objects.visible_to(user).within(filters.region).filter(year=filters.year)
                .annotate(township=Substr("region_id", 1, 9)).values("township")
                .annotate(income=Sum("operating_income", output_field=YUAN), cost=Sum("operating_cost", output_field=YUAN),
                          net=Sum(F("operating_income") - F("operating_cost"), output_field=YUAN),
                          projects=Count("id"),
                          villages=Count("region_id", distinct=True))
                .order_by("township"))
    names = dict(Region.objects.filter(code__in=[r["township"] + "000" for r in rows])
                 .values_list("code", "short_name"))
    for row in rows:
        row.update({k: yuan(row[k]) for k in ("income", "cost", "net")})
        row["name"] = names.get(row["township"] + "000", row["township"])
        row["code"] = row["township"] + "000"
    return rows


def totals(subtotals: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ["income", "cost", "net", "projects", "villages"]
    return {k: sum((r[k] for r in subtotals), Decimal(0) if k in ("income", "cost", "net") else 0) for k in keys}
