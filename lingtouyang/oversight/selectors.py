"""Reads of residents' feedback: the back office through the scoped queryset, the public through
`public_*`, which never select the contact name, the phone or the submitter's hash."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from lingtouyang.core.scope import parse_prefix
from lingtouyang.oversight.models import Answer, Kind, State, Thread

# Filters of the inbox: a state as stored, or the views computed on the day.
VIEWS = ["awaiting", "escalated", "overdue", "hidden"]
PUBLIC_FIELDS = ["id", "reference", "region", "disclosure", "kind", "body", "state", "submitted_at",
                 "village_due", "township_due", "escalated_at", "closed_at", "hidden_at"]


@dataclass
class Filters:
    region: str = ""
    show: str = ""  # one of VIEWS, or a State value, or "" for all
    kind: str = ""

    @classmethod
    def parse(cls, params: Any) -> Filters:
        show = params.get("show", "").strip()
        kind = params.get("kind", "").strip()
        return cls(region=parse_prefix(params.get("region", "")) or "",
                   show=show if show in VIEWS or show in State.values else "",
                   kind=kind if kind in Kind.values else "")


def thread_list(user: Any, filters: Filters | None = None, day: date | None = None) -> QuerySet[Thread]:
    f, day = filters or Filters(), day or timezone.localdate()
    qs = Thread.objects.visible_to(user).within(f.region).select_related("region", "disclosure")
    if f.show == "awaiting":
        qs = qs.awaiting()
    elif f.show == "escalated":
        qs = qs.escalated_on(day)
    elif f.show == "overdue":
        qs = qs.overdue_on(day)
    elif f.show == "hidden":
        qs = qs.filter(hidden_at__isnull=False)
    elif f.show == State.OPEN:  # still the village's to answer
        qs = qs.filter(state=State.OPEN, village_due__gte=day, hidden_at__isnull=True)
    elif f.show:
        qs = qs.filter(state=f.show, hidden_at__isnull=True)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    return qs.order_by("region_id", "-id")


def counts(user: Any, prefix: str = "", day: date | None = None) -> dict[str, int]:
    """For a dashboard: awaiting an answer, of them escalated (the village missed its deadline) and overdue
    (the township missed its too). One query."""
    day = day or timezone.localdate()
    visible = Q(hidden_at__isnull=True)
    awaiting = visible & Q(state__in=[State.OPEN, State.ESCALATED])
    escalated = visible & (Q(state=State.ESCALATED) | Q(state=State.OPEN, village_due__lt=day))
    overdue = awaiting & Q(township_due__lt=day)
    return Thread.objects.visible_to(user).within(prefix).aggregate(
        awaiting=Count("id", filter=awaiting), escalated=Count("id", filter=escalated),
        overdue=Count("id", filter=overdue))


def _public_answers() -> Prefetch:
    return Prefetch("answers", queryset=Answer.objects.only("id", "thread_id", "by", "body", "created_at"))


def public_threads(village_code: str) -> QuerySet[Thread]:
    """A village's threads for anyone: no personal data selected at all."""
    return Thread.objects.filter(region_id=village_code).only(*PUBLIC_FIELDS).order_by("-submitted_at", "-id")


def public_thread(reference: str) -> Thread | None:
    return (Thread.objects.filter(reference=reference).only(*PUBLIC_FIELDS, "region__short_name", "region__name")
            .select_related("region", "disclosure").prefetch_related(_public_answers()).first())
