"""Every change to a secondment goes through these functions: validate, save, write the audit row, in one
transaction. States move only along TRANSITIONS (planned → in progress → evaluated, or cancelled with a
reason before evaluation), checked by `MACHINE`. A refusal raises ValidationError and changes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lingtouyang.audit.services import audit_record
from lingtouyang.core.workflow import StateMachine, lock_state, require_in_scope
from lingtouyang.people.models import Appointment, Person
from lingtouyang.secondments.models import Grade, Secondment

State = Secondment.State
CAPABILITY = "manage_secondments"
TRANSITIONS = {
    (State.PLANNED, State.IN_PROGRESS), (State.IN_PROGRESS, State.EVALUATED),
    (State.PLANNED, State.CANCELLED), (State.IN_PROGRESS, State.CANCELLED),
}
MACHINE = StateMachine(TRANSITIONS, gettext_lazy("a secondment that is “%(state)s” cannot become “%(to)s”"))
FIELDS = ["host_place", "host_organisation", "start_date", "end_date", "mentor_name", "mentor_post", "purpose"]
TEXT_LIMITS = {"host_place": 50, "host_organisation": 100, "mentor_name": 50, "mentor_post": 100}


def _values(s: Secondment, fields: list[str]) -> dict[str, Any]:
    return {f: (str(v) if isinstance(v, date) else v) for f in fields if (v := getattr(s, f)) not in (None, "")}


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in FIELDS}


def _validate(s: Secondment) -> None:
    errors: dict[str, list[str]] = {}
    if not s.host_place:
        errors["host_place"] = [_("name the host place (a city)")]
    if not s.host_organisation:
        errors["host_organisation"] = [_("name the host organisation")]
    for name, limit in TEXT_LIMITS.items():
        if len(getattr(s, name)) > limit:
            errors.setdefault(name, []).append(_("at most %(n)d characters") % {"n": limit})
    if s.start_date and s.end_date and s.end_date < s.start_date:
        errors["end_date"] = [_("the end date is before the start date")]
    if errors:
        raise ValidationError(errors)


def _check_person(person: Person, s: Secondment) -> None:
    """A current cadre (a post held on the start date), not seconded elsewhere over the same days."""
    if not Appointment.objects.filter(person=person).current(s.start_date).exists():
        raise ValidationError({"person": _("%(name)s holds no post on the start date") % {"name": person.name}})
    clash = (Secondment.objects.filter(person=person, start_date__lte=s.end_date, end_date__gte=s.start_date)
             .exclude(state=State.CANCELLED).exclude(pk=s.pk).order_by("start_date").first())
    if clash is not None:
        raise ValidationError({"start_date": _("%(name)s is already seconded to %(host)s from %(start)s to %(end)s")
                               % {"name": person.name, "host": clash.host_organisation,
                                  "start": f"{clash.start_date:%Y-%m-%d}", "end": f"{clash.end_date:%Y-%m-%d}"}})


def _lock_person(person: Person) -> None:
    """Two requests for one person are serialised, so the overlap check holds."""
    Person.objects.select_for_update().only("id").get(pk=person.pk)


def secondment_create(*, acting_user: Any, person: Person, host_place: str, host_organisation: str,
                      start_date: date, end_date: date, **data: Any) -> Secondment:
    require_in_scope(acting_user, CAPABILITY, person.region_id)
    s = Secondment(person=person, region_id=person.region_id, created_by=acting_user,
                   **_clean({"host_place": host_place, "host_organisation": host_organisation,
                             "start_date": start_date, "end_date": end_date, **data}))
    _validate(s)
    with transaction.atomic():
        _lock_person(person)
        _check_person(person, s)
        s.save()
        audit_record("secondment.create", obj=s, region_code=s.region_id, user=acting_user,
                     changes={"person": [None, person.pk], **{k: [None, v] for k, v in _values(s, FIELDS).items()}})
    return s


def secondment_update(*, acting_user: Any, secondment: Secondment, **data: Any) -> Secondment:
    """Planned or in progress only: an evaluated or cancelled secondment is a closed record."""
    require_in_scope(acting_user, CAPABILITY, secondment.region_id)
    with transaction.atomic():
        lock_state(secondment)
        if secondment.state not in (State.PLANNED, State.IN_PROGRESS):
            raise ValidationError(_("an evaluated or cancelled secondment cannot be edited"))
        before = _values(secondment, FIELDS)
        for key, value in _clean(data).items():
            setattr(secondment, key, value)
        try:
            _validate(secondment)
            _lock_person(secondment.person)
            _check_person(secondment.person, secondment)
        except ValidationError:
            secondment.refresh_from_db()
            raise
        secondment.save()
        after = _values(secondment, FIELDS)
        audit_record("secondment.update", obj=secondment, region_code=secondment.region_id, user=acting_user,
                     changes={k: [before.get(k), after.get(k)] for k in set(before) | set(after)
                              if before.get(k) != after.get(k)})
    return secondment


def _move(s: Secondment, to: str, acting_user: Any, fields: list[str], changes: dict[str, Any]) -> Secondment:
    before = MACHINE.check(s, to)
    s.state = to
    s.save(update_fields=["state", "updated_at", *fields])
    audit_record(f"secondment.{to}", obj=s, region_code=s.region_id, user=acting_user,
                 changes={"state": [before, to], **changes})
    return s


def secondment_start(*, acting_user: Any, secondment: Secondment, on: date | None = None) -> Secondment:
    """Planned → in progress, from the start date on."""
    require_in_scope(acting_user, CAPABILITY, secondment.region_id)
    day = on or timezone.localdate()
    with transaction.atomic():
        lock_state(secondment)
        MACHINE.check(secondment, State.IN_PROGRESS)
        if day < secondment.start_date:
            raise ValidationError(_("the secondment starts on %(day)s") % {"day": f"{secondment.start_date:%Y-%m-%d}"})
        return _move(secondment, State.IN_PROGRESS, acting_user, [], {})


def secondment_cancel(*, acting_user: Any, secondment: Secondment, reason: str) -> Secondment:
    require_in_scope(acting_user, CAPABILITY, secondment.region_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("give the reason for cancelling")})
    with transaction.atomic():
        lock_state(secondment)
        MACHINE.check(secondment, State.CANCELLED)
        secondment.cancel_reason = reason[:200]
        return _move(secondment, State.CANCELLED, acting_user, ["cancel_reason"],
                     {"cancel_reason": [None, secondment.cancel_reason]})


def _check_evaluation(grade: str, on: date, by: str) -> None:
    errors: dict[str, list[str]] = {}
    if grade not in Grade.values:
        errors["grade"] = [_("choose a grade")]
    if not by.strip():
        errors["by"] = [_("say who evaluated")]
    elif len(by.strip()) > 100:
        errors["by"] = [_("at most %(n)d characters") % {"n": 100}]
    if on > timezone.localdate():
        errors["on"] = [_("an evaluation cannot be dated in the future")]
    if errors:
        raise ValidationError(errors)


def secondment_evaluate_mid(*, acting_user: Any, secondment: Secondment, grade: str, comment: str, on: date,
                            by: str) -> Secondment:
    """The mid-term evaluation, once, while the secondment is in progress, dated within it."""
    require_in_scope(acting_user, CAPABILITY, secondment.region_id)
    _check_evaluation(grade, on, by)
    with transaction.atomic():
        lock_state(secondment)
        if secondment.state != State.IN_PROGRESS:
            raise ValidationError(_("a mid-term evaluation is recorded while the secondment is in progress"))
        if secondment.mid_grade:
            raise ValidationError(_("the mid-term evaluation is already recorded"))
        if not secondment.start_date <= on <= secondment.end_date:
            raise ValidationError({"on": _("the mid-term evaluation falls between the start and end dates")})
        secondment.mid_grade, secondment.mid_comment = grade, comment.strip()
        secondment.mid_on, secondment.mid_by = on, by.strip()
        secondment.save(update_fields=["mid_grade", "mid_comment", "mid_on", "mid_by", "updated_at"])
        audit_record("secondment.evaluate_mid", obj=secondment, region_code=secondment.region_id, user=acting_user,
                     changes={"mid_grade": [None, grade], "mid_on": [None, str(on)], "mid_by": [None, by.strip()]})
    return secondment


def secondment_evaluate_final(*, acting_user: Any, secondment: Secondment, grade: str, comment: str, on: date,
                              by: str) -> Secondment:
    """The final evaluation: after the mid-term one and from the end date on; in progress → evaluated."""
    require_in_scope(acting_user, CAPABILITY, secondment.region_id)
    _check_evaluation(grade, on, by)
    with transaction.atomic():
        lock_state(secondment)
        MACHINE.check(secondment, State.EVALUATED)
        if not secondment.mid_grade:
            raise ValidationError(_("record the mid-term evaluation first"))
        if on < secondment.end_date:
            raise ValidationError({"on": _("the final evaluation comes on or after the end date (%(day)s)")
                                   % {"day": f"{secondment.end_date:%Y-%m-%d}"}})
        secondment.final_grade, secondment.final_comment = grade, comment.strip()
        secondment.final_on, secondment.final_by = on, by.strip()
        return _move(secondment, State.EVALUATED, acting_user,
                     ["final_grade", "final_comment", "final_on", "final_by"],
                     {"final_grade": [None, grade], "final_on": [None, str(on)], "final_by": [None, by.strip()]})
