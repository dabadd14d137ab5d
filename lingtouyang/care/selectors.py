"""Reads of care records, through the scoped querysets: the list, and the current cadres a region has not
cared for this year (one anti-join, a page at a time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from lingtouyang.care.models import CareRecord, Kind
from lingtouyang.economy.selectors import region_prefix
from lingtouyang.people.models import Appointment, Person


@dataclass
class Filters:
    region: str = ""
    kind: str = ""
    year: int | None = None
    follow_up_open: bool = False

    @classmethod
    def parse(cls, params: Any, default_year: bool = False) -> Filters:
        year = str(params.get("year", "")).strip()
        kind = str(params.get("kind", "")).strip()
        parsed = int(year) if year.isdigit() and 1990 <= int(year) <= 2100 else None
        return cls(region=region_prefix(str(params.get("region", ""))),
                   kind=kind if kind in Kind.values else "",
                   year=parsed or (timezone.localdate().year if default_year else None),
                   follow_up_open=str(params.get("open", "")) in ("1", "true", "on"))


def record_list(user: Any, filters: Filters | None = None) -> QuerySet[CareRecord]:
    f = filters or Filters()
    qs = CareRecord.objects.visible_to(user).within(f.region).select_related("person", "region")
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.year:
        qs = qs.filter(date__gte=date(f.year, 1, 1), date__lte=date(f.year, 12, 31))
    if f.follow_up_open:  # reminder talks whose follow-up is not done yet
        qs = qs.filter(kind=Kind.REMINDER, follow_up_done__isnull=True)
    return qs.order_by("-date", "-id")


def without_care(user: Any, prefix: str, year: int, today: date | None = None) -> QuerySet[Person]:
    """Current cadres (a post held today) in the region with no care record of any kind dated in the year:
    one statement, EXISTS for the post and NOT EXISTS for the care, in (region, id) order."""
    day = today or timezone.localdate()
    post = Appointment.objects.current(day).filter(person=OuterRef("pk"))
    cared = CareRecord.objects.filter(person=OuterRef("pk"), date__gte=date(year, 1, 1), date__lte=date(year, 12, 31))
    return (Person.objects.visible_to(user, "view_management").within(prefix)
            .filter(Exists(post)).exclude(Exists(cared)).select_related("region").order_by("region_id", "id"))
