"""Reads of the reserve pool, always through the scoped querysets."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from lingtouyang.regions.models import Level, Region
from lingtouyang.reserves import targets
from lingtouyang.reserves.models import Reserve


def reserve_list(user: Any, *, region: str = "", status: str = "") -> QuerySet[Reserve]:
    qs = Reserve.objects.visible_to(user).within(region).select_related("person", "region")
    if status in Reserve.Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("region_id", "id")


def pool_figures(user: Any, *, region: str = "", short_only: bool = False, on: date | None = None) -> QuerySet[Region]:
    """Each village in scope with its active pool size (`pool`), `target` and `shortfall`: one grouped
    query (plus one for the targets in force), whatever the number of villages."""
    in_force = targets.in_force(on or timezone.localdate())
    qs = (Region.objects.visible_to(user, "view_people").within(region).filter(level=Level.VILLAGE)
          .annotate(pool=Count("reserves", filter=Q(reserves__status=Reserve.Status.ACTIVE)),
                    target=targets.target_expression(in_force))
          .annotate(shortfall=F("target") - F("pool"))
          .order_by("code"))
    if short_only:
        qs = qs.filter(shortfall__gt=0)
    return qs
