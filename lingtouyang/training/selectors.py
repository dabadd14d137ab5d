"""Reads of the training plan through the scoped querysets. Bases, programmes and sessions are shared
down (`shared_with`): a county sees the city's; enrolments are seen where the person is (`visible_to`).
A session's hours and places used are subqueries, so a list costs the same whatever its length."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from lingtouyang.training.models import Enrolment, Programme, Session, Sitting, TrainingBase


def base_list(user: Any, *, active_only: bool = False) -> QuerySet[TrainingBase]:
    qs = TrainingBase.objects.shared_with(user).select_related("region").order_by("region_id", "name")
    return qs.filter(active=True) if active_only else qs


def programme_list(user: Any, *, active_only: bool = False) -> QuerySet[Programme]:
    qs = Programme.objects.shared_with(user).select_related("region").order_by("region_id", "title")
    return qs.filter(active=True) if active_only else qs


def with_figures(qs: QuerySet[Session]) -> QuerySet[Session]:
    """`hours` (the sum of the sittings') and `used` (enrolments not withdrawn) on each session."""
    hours = (Sitting.objects.filter(session=OuterRef("pk")).order_by().values("session")
             .annotate(h=Sum("hours")).values("h"))
    used = (Enrolment.objects.filter(session=OuterRef("pk"), withdrawn=False).order_by().values("session")
            .annotate(n=Count("id")).values("n"))
    return qs.annotate(
        hours=Coalesce(Subquery(hours, output_field=DecimalField(max_digits=6, decimal_places=1)),
                       Value(Decimal(0)), output_field=DecimalField(max_digits=6, decimal_places=1)),
        used=Coalesce(Subquery(used, output_field=IntegerField()), Value(0)),
    )


def session_list(user: Any, *, region: str = "", programme: int | None = None,
                 year: int | None = None) -> QuerySet[Session]:
    """Upcoming (not over yet) first, soonest first; then the past, latest first."""
    today = timezone.localdate()
    qs = Session.objects.shared_with(user).select_related("region", "programme", "base")
    if region:
        qs = qs.within(region)
    if programme:
        qs = qs.filter(programme_id=programme)
    if year:
        qs = qs.filter(start_date__year=year)
    qs = qs.annotate(upcoming=Case(When(end_date__gte=today, then=Value(1)), default=Value(0),
                                   output_field=IntegerField()),
                     soon=Case(When(end_date__gte=today, then=F("start_date")), default=None))
    return with_figures(qs).order_by("-upcoming", F("soon").asc(nulls_last=True), "-start_date", "-id")


def session_sittings(session: Session) -> list[Sitting]:
    return list(session.sittings.order_by("starts_at", "id"))


def session_enrolments(user: Any, session: Session) -> QuerySet[Enrolment]:
    """The enrolments of the session the user may see (their own region's people), names in one query."""
    return (Enrolment.objects.visible_to(user).filter(session=session)
            .select_related("person", "region", "enrolled_by").order_by("withdrawn", "region_id", "id"))


def enrolment_list(user: Any, *, session: int | None = None) -> QuerySet[Enrolment]:
    qs = Enrolment.objects.visible_to(user).select_related("person", "session").order_by("session_id", "id")
    return qs.filter(session_id=session) if session else qs
