"""Reads for attendance: a sitting's sheet, a session's attendance figures, a cadre's own record. Each is a
fixed number of queries whatever the number of people."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import Http404

from lingtouyang.core.scope import code_bounds, user_prefix
from lingtouyang.training.models import Attendance, Enrolment, Evaluation, PersonTag, Session, Sitting


def markable_sitting(user: Any, sitting_id: int) -> Sitting:
    """A sitting of a session shared with the officer for marking (their region's, or one above it); 404
    otherwise, as if it did not exist."""
    sessions = Session.objects.shared_with(user, "mark_attendance")
    sitting = (Sitting.objects.select_related("session__programme", "session__region", "session__base")
               .filter(pk=sitting_id, session__in=sessions).first())
    if sitting is None:
        raise Http404
    return sitting


def sheet(user: Any, sitting: Sitting) -> list[Enrolment]:
    """The people enrolled (not withdrawn) in the sitting's session whom this officer may mark: those of
    their own jurisdiction; each with `method` and `checked_in_at` when present."""
    prefix = user_prefix(user, "mark_attendance")
    if prefix is None:
        return []
    row = Attendance.objects.filter(sitting=sitting, enrolment=OuterRef("pk"))
    return list(Enrolment.objects.filter(session_id=sitting.session_id, withdrawn=False).within(prefix)
                .select_related("person", "region")
                .annotate(method=Subquery(row.values("method")[:1]),
                          checked_in_at=Subquery(row.values("checked_in_at")[:1]))
                .order_by("region_id", "person__name", "id"))


@dataclass
class SessionAttendance:
    sittings: list[Sitting]  # each with `present`: people of the viewer's jurisdiction present
    enrolled: int
    can_mark: bool
    show_ratings: bool
    rating: float | None
    ratings: int


def session_attendance(user: Any, session: Session) -> SessionAttendance | None:
    """What the session page shows of attendance, counted within the viewer's jurisdiction; the ratings are
    the whole session's (anonymous), for officers."""
    prefix = user_prefix(user, "view_training")
    if prefix is None:
        return None
    present = Q()
    if prefix:
        low, high = code_bounds(prefix)
        present = Q(attendances__enrolment__region_id__gte=low, attendances__enrolment__region_id__lte=high)
    sittings = list(session.sittings.annotate(present=Count("attendances", filter=present)).order_by("starts_at", "id"))
    enrolled = Enrolment.objects.filter(session=session, withdrawn=False).within(prefix).count()
    can_mark = Session.objects.shared_with(user, "mark_attendance").filter(pk=session.pk).exists()
    show = user.has_capability("mark_attendance") or user.has_capability("run_training")
    rating = (Evaluation.objects.filter(enrolment__session=session).aggregate(avg=Avg("score"), n=Count("id"))
              if show else {"avg": None, "n": 0})
    return SessionAttendance(sittings, enrolled, can_mark, show, rating["avg"], rating["n"])


def session_hours() -> Subquery:
    """The hours of an enrolment's session (the sum of its sittings'), as a subquery."""
    return Subquery(Sitting.objects.filter(session=OuterRef("session_id")).values("session")
                    .annotate(total=Sum("hours")).values("total")[:1])


def needed_hours(total: Decimal | None, threshold: int) -> Decimal:
    return ((total or Decimal(0)) * threshold / 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def my_enrolments(person_id: int) -> list[Enrolment]:
    """A cadre's enrolments, newest first, each with `session_hours`, `needed_hours`, `attended_any`, `rated`."""
    rows = list(Enrolment.objects.filter(person_id=person_id)
                .select_related("session__programme", "session__region", "session__base")
                .annotate(session_hours=session_hours(),
                          attended_any=Exists(Attendance.objects.filter(enrolment=OuterRef("pk"))),
                          rated=Exists(Evaluation.objects.filter(enrolment=OuterRef("pk"))))
                .order_by("-session__start_date", "-id"))
    for row in rows:
        row.needed_hours = needed_hours(row.session_hours, row.session.programme.threshold)
    return rows


def person_tags(person_id: int) -> QuerySet[PersonTag]:
    return PersonTag.objects.filter(person_id=person_id).order_by("earned_on", "tag")


def certificate_enrolment(user: Any, enrolment_id: int) -> Enrolment:
    """A completed enrolment for its own cadre, or for those who see its region's training; 404 otherwise."""
    enrolment = (Enrolment.objects.select_related("person", "region__parent", "session__programme__region",
                                                  "session__region", "session__base")
                 .annotate(session_hours=session_hours())
                 .filter(pk=enrolment_id, completed_on__isnull=False).first())
    if enrolment is None:
        raise Http404
    if getattr(user, "person_id", None) == enrolment.person_id:
        return enrolment
    prefix = user_prefix(user, "view_training")
    if prefix is None or not enrolment.region_id.startswith(prefix):
        raise Http404
    return enrolment
