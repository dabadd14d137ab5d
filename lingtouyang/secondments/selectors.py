"""Reads of secondments, through the scoped queryset."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from lingtouyang.core.scope import parse_prefix
from lingtouyang.secondments.models import Secondment


@dataclass
class Filters:
    region: str = ""
    host_place: str = ""
    year: int | None = None
    state: str = ""

    @classmethod
    def parse(cls, params: Any) -> Filters:
        year = params.get("year", "").strip()
        state = params.get("state", "").strip()
        return cls(region=parse_prefix(params.get("region", "")) or "",
                   host_place=params.get("host_place", "").strip()[:50],
                   year=int(year) if year.isdigit() and 1990 <= int(year) <= 2100 else None,
                   state=state if state in Secondment.State.values else "")


def secondment_list(user: Any, filters: Filters | None = None) -> QuerySet[Secondment]:
    """In the user's jurisdiction; a year selects the secondments under way at some point in it."""
    f = filters or Filters()
    qs = Secondment.objects.visible_to(user).within(f.region).select_related("person", "region")
    if f.host_place:
        qs = qs.filter(host_place=f.host_place)
    if f.year:
        qs = qs.filter(start_date__year__lte=f.year, end_date__year__gte=f.year)
    if f.state:
        qs = qs.filter(state=f.state)
    return qs.order_by("region_id", "-start_date", "-id")


def host_places(user: Any) -> list[str]:
    return list(Secondment.objects.visible_to(user).order_by("host_place").values_list("host_place", flat=True)
                .distinct()[:50])
