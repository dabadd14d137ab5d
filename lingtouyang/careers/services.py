"""Every change to a career event goes through these functions: validate, save, write the audit row, in one
transaction. A refusal raises ValidationError and changes nothing — including the posts an event would end.

Leaving the village (a channel up, a dismissal, a resignation) may end the person's current posts. That is
not a second write path: with `end_posts` the event files, and at once approves, one 村官区管 request per
current post (`appointments.services`, dismissal or resignation, the event's reason as the post's reason for
leaving), so the roster's own checks and audit rows apply. Only the county admin (who both files and
approves) can do it; anything the requests refuse refuses the event too."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lingtouyang.appointments import services as appointment_services
from lingtouyang.appointments.models import AppointmentRequest
from lingtouyang.audit.services import audit_record
from lingtouyang.careers.models import CHANNELS, NEEDS_REASON, CareerEvent, Kind
from lingtouyang.core.workflow import require_in_scope
from lingtouyang.people.models import Appointment, Person

CAPABILITY = "manage_careers"
FIELDS = ["kind", "date", "destination", "reason", "note"]
EDITABLE = ["date", "destination", "reason", "note"]
LIMITS = {"destination": 100, "reason": 300, "note": 300}


def _values(e: CareerEvent, fields: list[str]) -> dict[str, Any]:
    return {f: (str(v) if isinstance(v, date) else v) for f in fields if (v := getattr(e, f)) not in (None, "")}


def _validate(e: CareerEvent) -> None:
    errors: dict[str, list[str]] = {}
    if e.kind not in Kind.values:
        errors["kind"] = [_("choose what happened")]
    if not isinstance(e.date, date):
        errors["date"] = [_("give the date")]
    elif e.date > timezone.localdate():
        errors["date"] = [_("a career event cannot be dated in the future")]
    for name, limit in LIMITS.items():
        if len(getattr(e, name)) > limit:
            errors.setdefault(name, []).append(_("at most %(n)d characters") % {"n": limit})
    if e.kind in CHANNELS and not e.destination:
        errors.setdefault("destination", []).append(_("name the township organisation the person moved to"))
    if e.kind in NEEDS_REASON and not e.reason:
        errors.setdefault("reason", []).append(_("say why: a demotion, dismissal or resignation needs a reason"))
    if errors:
        raise ValidationError(errors)


def _clean(data: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in fields}


def posts_held(person: Person, on: date) -> list[Appointment]:
    """The person's posts held on the day (started, not ended by then)."""
    return list(Appointment.objects.filter(person=person, start_date__lte=on)
                .filter(Q(end_date__isnull=True) | Q(end_date__gt=on)).select_related("region").order_by("id"))


def _end_posts(event: CareerEvent, acting_user: Any) -> int:
    """One request per post held on the event's date, filed and approved now (see the module's note)."""
    kind = AppointmentRequest.Kind.RESIGN if event.kind == Kind.RESIGNATION else AppointmentRequest.Kind.DISMISS
    reason = event.reason or (_("%(kind)s: %(destination)s") % {"kind": event.get_kind_display(),
                                                                  "destination": event.destination})
    posts = posts_held(event.person, event.date)
    if not posts:
        raise ValidationError({"end_posts": _("%(name)s holds no post on %(day)s to end")
                               % {"name": event.person.name, "day": f"{event.date:%Y-%m-%d}"}})
    for appointment in posts:
        request = appointment_services.request_create(acting_user=acting_user, kind=kind, appointment=appointment,
                                                      end_date=event.date, reason=reason[:200])
        appointment_services.request_approve(acting_user=acting_user, request=request)
    return len(posts)


def event_create(*, acting_user: Any, person: Person, kind: str, date: date, destination: str = "",
                 reason: str = "", note: str = "", end_posts: bool = False) -> CareerEvent:
    require_in_scope(acting_user, CAPABILITY, person.region_id)
    e = CareerEvent(person=person, region_id=person.region_id, recorded_by=acting_user,
                    **_clean({"kind": kind, "date": date, "destination": destination or "", "reason": reason or "",
                              "note": note or ""}, FIELDS))
    _validate(e)
    with transaction.atomic():
        e.save()
        if end_posts:
            e.ended_posts = _end_posts(e, acting_user)
            e.save(update_fields=["ended_posts"])
        audit_record("career_event.create", obj=e, region_code=e.region_id, user=acting_user,
                     changes={"person": [None, person.pk], "ended_posts": [None, e.ended_posts],
                              **{k: [None, v] for k, v in _values(e, FIELDS).items()}})
    return e


def event_update(*, acting_user: Any, event: CareerEvent, **data: Any) -> CareerEvent:
    """Corrects the date, destination, reason or note; what happened (the kind) and the posts it ended stay."""
    require_in_scope(acting_user, CAPABILITY, event.region_id)
    before = _values(event, EDITABLE)
    for key, value in _clean(data, EDITABLE).items():
        setattr(event, key, value)
    try:
        _validate(event)
        if event.ended_posts and event.date != CareerEvent.objects.get(pk=event.pk).date:
            raise ValidationError({"date": _("this event ended posts on its date; correct those posts' dates on the "
                                             "roster instead")})
    except ValidationError:
        event.refresh_from_db()
        raise
    with transaction.atomic():
        event.save()
        after = _values(event, EDITABLE)
        audit_record("career_event.update", obj=event, region_code=event.region_id, user=acting_user,
                     changes={k: [before.get(k), after.get(k)] for k in set(before) | set(after)
                              if before.get(k) != after.get(k)})
    return event
