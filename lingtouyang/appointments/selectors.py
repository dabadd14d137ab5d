"""Reads of appointment requests, always through the scoped querysets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from lingtouyang.appointments.models import AppointmentRequest
from lingtouyang.appointments.policy import APPROVE_CAPABILITY, REQUEST_CAPABILITY
from lingtouyang.core.scope import in_prefix, user_prefix
from lingtouyang.people.models import Appointment, Person

State = AppointmentRequest.State


def request_list(user: Any, *, state: str = "", kind: str = "") -> QuerySet[AppointmentRequest]:
    """Requests in scope, those awaiting approval first, then the newest."""
    qs = AppointmentRequest.objects.visible_to(user).select_related("person", "region", "requested_by", "decided_by")
    if state in State.values:
        qs = qs.filter(state=state)
    if kind in AppointmentRequest.Kind.values:
        qs = qs.filter(kind=kind)
    waiting = Case(When(state=State.REQUESTED, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.order_by(waiting, "-id")


def may_approve(user: Any, request: AppointmentRequest) -> bool:
    prefix = user_prefix(user, APPROVE_CAPABILITY)
    return prefix is not None and in_prefix(request.region_id, prefix)


RANK = {"start": 0, "end": 1, "request": 2}


@dataclass
class Event:
    """One line of a person's history: a post taken up or left, or a request filed about them."""

    day: date
    what: str  # "start", "end" or "request"
    appointment: Appointment | None = None
    request: AppointmentRequest | None = None

    @property
    def key(self) -> tuple[date, int, int]:
        # On one day, what happened on the roster comes before the paperwork filed that day.
        return self.day, RANK[self.what], (self.request or self.appointment).pk  # type: ignore[union-attr]


def person_history(user: Any, person: Person, appointments: Iterable[Appointment]) -> list[Event]:
    """Every appointment (taken up, and left) and every request about the person, oldest first, in one
    query beyond the appointments the page already has. Those who file or approve requests see every
    request; other readers of the roster see the approved ones, which are the record."""
    requests = AppointmentRequest.objects.visible_to(user, "view_people").filter(person=person)
    if not user.has_capability(REQUEST_CAPABILITY):
        requests = requests.filter(state=State.APPROVED)
    events = [Event(timezone.localdate(r.requested_at), "request", request=r)
              for r in requests.select_related("requested_by", "decided_by", "region")]
    for a in appointments:
        events.append(Event(a.start_date, "start", appointment=a))
        if a.end_date is not None:
            events.append(Event(a.end_date, "end", appointment=a))
    return sorted(events, key=lambda e: e.key)
