"""Every change to the training plan goes through these functions: validate, save, write the audit row, in
one transaction. The city keeps the catalogue (bases, programmes); a county (or the city) schedules
sessions with their sittings and enrols people. A session's state changes only along TRANSITIONS
(`MACHINE`); a finished or cancelled session is not changed any more.

Enrolment in bulk is two steps: `enrolment_preview` says who would be enrolled and who is refused and
why (outside the jurisdiction, already enrolled, in another session on overlapping days, over capacity);
`enrolment_confirm` checks the same again under the session's lock and enrols the clean ones with one
set-based insert, audited once with the count."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lingtouyang.audit.services import audit_record
from lingtouyang.core.scope import in_prefix, user_prefix
from lingtouyang.core.workflow import StateMachine, lock_state, require_in_scope
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region
from lingtouyang.training import attendance
from lingtouyang.training.models import (
    Audience,
    BaseKind,
    Enrolment,
    Form,
    Programme,
    Session,
    Sitting,
    TalentTag,
    Topic,
    TrainingBase,
)

State = Session.State
TRANSITIONS = {(State.SCHEDULED, State.FINISHED), (State.SCHEDULED, State.CANCELLED)}
MACHINE = StateMachine(TRANSITIONS, gettext_lazy("a session that is “%(state)s” cannot become “%(to)s”"))
BASE_FIELDS = ["name", "host", "kind", "address", "capacity", "specialties", "active"]
PROGRAMME_FIELDS = ["title", "topic", "form", "hours", "audience", "threshold", "talent_tag", "description",
                    "active"]
SESSION_FIELDS = ["title", "start_date", "end_date", "capacity"]
CHUNK = 2_000  # ids per IN list: far below any database's parameter limit


def _errors() -> tuple[dict[str, list[str]], Any]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    return errors, add


def _value(v: Any) -> Any:
    return str(v) if isinstance(v, date | datetime | Decimal) else v


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [_value(before.get(k)), _value(after.get(k))] for k in after if before.get(k) != after.get(k)}


def _snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


def _require_catalogue(acting_user: Any, region_code: str) -> None:
    require_in_scope(acting_user, "manage_training_catalogue", region_code)


# --- the catalogue: bases and programmes ---------------------------------------------------------


def _validate_base(base: TrainingBase) -> None:
    errors, add = _errors()
    if not base.name.strip():
        add("name", _("a name is required"))
    if not base.host.strip():
        add("host", _("say which institution hosts the base"))
    if base.kind not in BaseKind.values:
        add("kind", _("no such kind of base"))
    if base.capacity is None or base.capacity < 1:
        add("capacity", _("a base holds at least one trainee"))
    if any(t not in Topic.values for t in base.specialties):
        add("specialties", _("no such topic"))
    if not errors and TrainingBase.objects.filter(region=base.region, name=base.name).exclude(pk=base.pk).exists():
        add("name", _("this region already has a base of this name"))
    if errors:
        raise ValidationError(errors)


def base_create(*, acting_user: Any, region: Region, name: str, host: str, capacity: int,
                kind: str = BaseKind.OTHER, address: str = "", specialties: Sequence[str] = (),
                active: bool = True) -> TrainingBase:
    _require_catalogue(acting_user, region.code)
    base = TrainingBase(region=region, name=name.strip(), host=host.strip(), kind=kind, address=address.strip(),
                        capacity=capacity, specialties=list(specialties), active=active)
    _validate_base(base)
    with transaction.atomic():
        base.save()
        audit_record("training.base_create", obj=base, region_code=region.code, user=acting_user,
                     changes=_changes({}, {"region": region.code, **_snapshot(base, BASE_FIELDS)}))
    return base


def base_update(*, acting_user: Any, base: TrainingBase, region: Region | None = None, **data: Any) -> TrainingBase:
    _require_catalogue(acting_user, base.region_id)
    if region is not None:
        _require_catalogue(acting_user, region.code)
    before = {"region": base.region_id, **_snapshot(base, BASE_FIELDS)}
    for key, value in data.items():
        if key in BASE_FIELDS:
            setattr(base, key, value.strip() if isinstance(value, str) and key != "kind" else value)
    base.specialties = list(base.specialties)
    if region is not None:
        base.region = region
    try:
        _validate_base(base)
    except ValidationError:
        base.refresh_from_db()
        raise
    with transaction.atomic():
        base.save()
        audit_record("training.base_update", obj=base, region_code=base.region_id, user=acting_user,
                     changes=_changes(before, {"region": base.region_id, **_snapshot(base, BASE_FIELDS)}))
    return base


def _validate_programme(programme: Programme) -> None:
    errors, add = _errors()
    if not programme.title.strip():
        add("title", _("a title is required"))
    for name, choices in (("topic", Topic), ("form", Form), ("audience", Audience)):
        if getattr(programme, name) not in choices.values:
            add(name, _("choose one of the list"))
    if programme.talent_tag and programme.talent_tag not in TalentTag.values:
        add("talent_tag", _("choose one of the list"))
    if programme.hours is None or Decimal(programme.hours) <= 0:
        add("hours", _("the hours must be more than zero"))
    if programme.threshold is None or not 1 <= programme.threshold <= 100:
        add("threshold", _("a share between 1%% and 100%%"))
    if errors:
        raise ValidationError(errors)


def programme_create(*, acting_user: Any, region: Region, title: str, topic: str, form: str, hours: Decimal,
                     audience: str, threshold: int = 80, talent_tag: str = "", description: str = "",
                     active: bool = True) -> Programme:
    _require_catalogue(acting_user, region.code)
    programme = Programme(region=region, title=title.strip(), topic=topic, form=form, hours=Decimal(hours),
                          audience=audience, threshold=threshold, talent_tag=talent_tag or "",
                          description=description.strip(), active=active)
    _validate_programme(programme)
    with transaction.atomic():
        programme.save()
        audit_record("training.programme_create", obj=programme, region_code=region.code, user=acting_user,
                     changes=_changes({}, {"region": region.code, **_snapshot(programme, PROGRAMME_FIELDS)}))
    return programme


def programme_update(*, acting_user: Any, programme: Programme, **data: Any) -> Programme:
    _require_catalogue(acting_user, programme.region_id)
    before = _snapshot(programme, PROGRAMME_FIELDS)
    for key, value in data.items():
        if key in PROGRAMME_FIELDS:
            setattr(programme, key, value.strip() if key in ("title", "description") else value)
    programme.talent_tag = programme.talent_tag or ""
    try:
        _validate_programme(programme)
    except ValidationError:
        programme.refresh_from_db()
        raise
    with transaction.atomic():
        programme.save()
        audit_record("training.programme_update", obj=programme, region_code=programme.region_id,
                     user=acting_user, changes=_changes(before, _snapshot(programme, PROGRAMME_FIELDS)))
    return programme


# --- sessions and their sittings ------------------------------------------------------------------


def _shared(queryset: Any, acting_user: Any, obj: Any) -> bool:
    """The catalogue a scheduler may use: their own region's and the regions' above (shared_with)."""
    return acting_user is None or queryset.shared_with(acting_user, "run_training").filter(pk=obj.pk).exists()


def _enrolled_count(session: Session) -> int:
    return session.enrolments.filter(withdrawn=False).count()


def _validate_session(session: Session, acting_user: Any) -> None:
    errors, add = _errors()
    if not session.title.strip():
        add("title", _("a title is required"))
    if session.start_date and session.end_date and session.end_date < session.start_date:
        add("end_date", _("the last day cannot be before the first"))
    if session.capacity is None or session.capacity < 1:
        add("capacity", _("at least one place"))
    elif session.base is not None and session.capacity > session.base.capacity:
        add("capacity", _("the base holds %(n)d trainees; offer at most that many places")
            % {"n": session.base.capacity})
    if not _shared(Programme.objects, acting_user, session.programme):
        add("programme", _("no such programme"))
    if session.base is not None and not _shared(TrainingBase.objects, acting_user, session.base):
        add("base", _("no such base"))
    if errors:
        raise ValidationError(errors)


def _session_values(session: Session) -> dict[str, Any]:
    return {"programme": session.programme_id, "base": session.base_id, **_snapshot(session, SESSION_FIELDS)}


def session_create(*, acting_user: Any, region: Region, programme: Programme, base: TrainingBase | None,
                   title: str, start_date: date, end_date: date, capacity: int) -> Session:
    """A session run by `region` (the scheduler's own). Sittings are added next (`sitting_add`)."""
    require_in_scope(acting_user, "run_training", region.code)
    session = Session(region=region, programme=programme, base=base, title=title.strip(), start_date=start_date,
                      end_date=end_date, capacity=capacity,
                      created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None)
    _validate_session(session, acting_user)
    with transaction.atomic():
        session.save()
        audit_record("training.session_create", obj=session, region_code=region.code, user=acting_user,
                     changes=_changes({}, _session_values(session)))
    return session


def _require_open(session: Session) -> None:
    if session.state != State.SCHEDULED:
        raise ValidationError(_("a session that is “%(state)s” cannot be changed any more")
                              % {"state": session.get_state_display()})


def session_update(*, acting_user: Any, session: Session, **data: Any) -> Session:
    """Title, programme, base, days and places; the sittings must stay within the days and the places
    cannot fall below the people already enrolled."""
    require_in_scope(acting_user, "run_training", session.region_id)
    with transaction.atomic():
        lock_state(session)
        _require_open(session)
        before = _session_values(session)
        for key, value in data.items():
            if key in (*SESSION_FIELDS, "programme", "base"):
                setattr(session, key, value.strip() if key == "title" else value)
        try:
            _validate_session(session, acting_user)
            errors, add = _errors()
            enrolled = _enrolled_count(session)
            if session.capacity < enrolled:
                add("capacity", _("%(n)d people are enrolled already; withdraw some before offering fewer places")
                    % {"n": enrolled})
            outside = [s for s in session.sittings.all() if not _within_days(session, s.starts_at, s.ends_at)]
            if outside:
                add("end_date", _("%(n)d sittings would fall outside the session's days; move or remove them first")
                    % {"n": len(outside)})
            if errors:
                raise ValidationError(errors)
        except ValidationError:
            session.refresh_from_db()
            raise
        session.save()
        audit_record("training.session_update", obj=session, region_code=session.region_id, user=acting_user,
                     changes=_changes(before, _session_values(session)))
    return session


def _move(session: Session, to: str, acting_user: Any, reason: str = "") -> Session:
    require_in_scope(acting_user, "run_training", session.region_id)
    with transaction.atomic():
        lock_state(session)
        before = MACHINE.check(session, to)
        session.state, session.cancel_reason = to, reason
        session.save(update_fields=["state", "cancel_reason", "updated_at"])
        audit_record(f"training.session_{to}", obj=session, region_code=session.region_id, user=acting_user,
                     changes={"state": [before, to], **({"reason": [None, reason]} if reason else {})})
    return session


def session_cancel(*, acting_user: Any, session: Session, reason: str) -> Session:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("say why the session is cancelled")})
    return _move(session, State.CANCELLED, acting_user, reason[:200])


def session_finish(*, acting_user: Any, session: Session) -> Session:
    """Scheduled → finished (the attendance part calls this when the last sitting is over)."""
    return _move(session, State.FINISHED, acting_user)


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _within_days(session: Session, starts_at: datetime, ends_at: datetime) -> bool:
    return session.start_date <= _local_day(starts_at) and _local_day(ends_at) <= session.end_date


def overlapping(spans: Sequence[tuple[datetime, datetime]]) -> bool:
    """True if any two of the [start, end) spans overlap (touching ends do not)."""
    ordered = sorted(spans)
    return any(b[0] < a[1] for a, b in zip(ordered, ordered[1:], strict=False))


def session_hours(session: Session) -> Decimal:
    return session.sittings.aggregate(h=Sum("hours"))["h"] or Decimal(0)


def sitting_add(*, acting_user: Any, session: Session, starts_at: datetime, ends_at: datetime, hours: Decimal,
                subject: str = "", teacher: str = "") -> Sitting:
    require_in_scope(acting_user, "run_training", session.region_id)
    errors, add = _errors()
    hours = Decimal(hours)
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValidationError(_("times must carry a time zone"))
    if ends_at <= starts_at:
        add("ends_at", _("a sitting ends after it starts"))
    elif hours <= 0:
        add("hours", _("the hours must be more than zero"))
    elif hours > Decimal((ends_at - starts_at).total_seconds()) / 3600:
        add("hours", _("more hours than the sitting lasts"))
    if not _within_days(session, starts_at, ends_at):
        add("starts_at", _("a sitting falls within the session's days (%(start)s to %(end)s)")
            % {"start": session.start_date, "end": session.end_date})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lock_state(session)
        _require_open(session)
        spans = [(starts_at, ends_at), *session.sittings.values_list("starts_at", "ends_at")]
        if overlapping(spans):
            raise ValidationError({"starts_at": _("this sitting overlaps another of the session")})
        sitting = Sitting.objects.create(session=session, starts_at=starts_at, ends_at=ends_at, hours=hours,
                                         subject=subject.strip(), teacher=teacher.strip())
        # More hours to attend: a completion reached before may no longer be one.
        attendance.refresh_completion(session.enrolments.values_list("id", flat=True))
        audit_record("training.sitting_add", obj=session, region_code=session.region_id, user=acting_user,
                     changes={"sitting": [None, [str(starts_at), str(ends_at), str(hours), sitting.subject]]})
    return sitting


def sitting_remove(*, acting_user: Any, sitting: Sitting) -> None:
    session = sitting.session
    require_in_scope(acting_user, "run_training", session.region_id)
    with transaction.atomic():
        lock_state(session)
        _require_open(session)
        if sitting.attendances.exists():
            raise ValidationError(_("people have checked in to this sitting; it cannot be removed"))
        audit_record("training.sitting_remove", obj=session, region_code=session.region_id, user=acting_user,
                     changes={"sitting": [[str(sitting.starts_at), str(sitting.ends_at), str(sitting.hours),
                                           sitting.subject], None]})
        sitting.delete()
        # Fewer hours to attend: some may have completed now.
        attendance.refresh_completion(session.enrolments.values_list("id", flat=True))


# --- enrolment -----------------------------------------------------------------------------------


@dataclass
class Candidate:
    person_id: int | None
    name: str  # empty when the person may not be named to this user
    label: str  # masked ID number, or what the list said
    village: str = ""
    reason: str = ""


@dataclass
class Preview:
    session: Session
    clean: list[Candidate] = field(default_factory=list)
    refused: list[Candidate] = field(default_factory=list)
    free: int = 0

    @property
    def over_capacity(self) -> bool:
        return len(self.clean) > self.free

    @property
    def person_ids(self) -> list[int]:
        return [c.person_id for c in self.clean if c.person_id is not None]


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield list(ids[i : i + CHUNK])


def _enrol_prefix(acting_user: Any) -> str:
    """Whom the user may enrol: people within their own region (run_training)."""
    if acting_user is None:
        return ""
    prefix = user_prefix(acting_user, "run_training")
    if prefix is None:
        raise ValidationError(_("this is outside your jurisdiction"))
    return prefix


def _require_enrollable(acting_user: Any, session: Session) -> None:
    """Sessions of one's own region or of a region above (a county sends its people to the city's)."""
    if acting_user is not None and not Session.objects.shared_with(acting_user, "run_training").filter(
            pk=session.pk).exists():
        raise ValidationError(_("this is outside your jurisdiction"))
    _require_open(session)


def _check(session: Session, person_ids: Sequence[int], prefix: str) -> Preview:
    """The refusals of a set of people for this session, in a fixed number of grouped queries per chunk."""
    ids = list(dict.fromkeys(person_ids))
    preview = Preview(session=session, free=max(session.capacity - _enrolled_count(session), 0))
    people: dict[int, dict[str, Any]] = {}
    enrolled: set[int] = set()
    clashes: dict[int, str] = {}
    for chunk in _chunks(ids):
        people.update((p["id"], p) for p in Person.objects.filter(pk__in=chunk).values(
            "id", "name", "id_masked", "region_id", "region__short_name"))
        enrolled.update(Enrolment.objects.filter(session=session, withdrawn=False, person_id__in=chunk)
                        .values_list("person_id", flat=True))
        clashes.update(Enrolment.objects.filter(person_id__in=chunk, withdrawn=False)
                       .exclude(session=session).exclude(session__state=State.CANCELLED)
                       .filter(session__start_date__lte=session.end_date, session__end_date__gte=session.start_date)
                       .values_list("person_id", "session__title"))
    for pid in ids:
        p = people.get(pid)
        if p is None or not in_prefix(p["region_id"], prefix):
            # Outside the jurisdiction reads exactly as "not there".
            preview.refused.append(Candidate(pid, "", "", reason=_("not found in your jurisdiction")))
            continue
        row = Candidate(pid, p["name"], p["id_masked"], p["region__short_name"])
        if pid in enrolled:
            row.reason = _("already enrolled in this session")
        elif pid in clashes:
            row.reason = _("enrolled in “%(title)s” on overlapping days") % {"title": clashes[pid]}
        (preview.refused if row.reason else preview.clean).append(row)
    return preview


def enrolment_preview(*, acting_user: Any, session: Session, person_ids: Sequence[int],
                      problems: Sequence[Candidate] = ()) -> Preview:
    """Who would be enrolled and who is refused and why; `problems` are refusals found before (rows of
    a list that name nobody). Changes nothing."""
    _require_enrollable(acting_user, session)
    preview = _check(session, person_ids, _enrol_prefix(acting_user))
    preview.refused = [*problems, *preview.refused]
    return preview


def _over_capacity(preview: Preview) -> ValidationError:
    return ValidationError(_("%(n)d people to enrol but only %(free)d places are free: nobody was enrolled")
                           % {"n": len(preview.clean), "free": preview.free})


def enrolment_confirm(*, acting_user: Any, session: Session, person_ids: Sequence[int],
                      via: str = Enrolment.Via.RULE) -> int:
    """Enrols the clean ones of `person_ids` (checked again under the session's lock): new rows in one
    insert, earlier withdrawn rows restored in one update, one audit row with the count."""
    if via not in Enrolment.Via.values:
        raise ValidationError(_("choose one of the list"))
    with transaction.atomic():
        lock_state(session)
        preview = enrolment_preview(acting_user=acting_user, session=session, person_ids=person_ids)
        if not preview.clean:
            raise ValidationError(_("nobody to enrol: everyone was refused"))
        if preview.over_capacity:
            raise _over_capacity(preview)
        clean = {c.person_id: c for c in preview.clean}
        regions = {}
        for chunk in _chunks(list(clean)):
            regions.update(Person.objects.filter(pk__in=chunk).values_list("id", "region_id"))
        withdrawn: set[int] = set()
        for chunk in _chunks(list(clean)):
            withdrawn.update(Enrolment.objects.filter(session=session, withdrawn=True, person_id__in=chunk)
                             .values_list("person_id", flat=True))
        by = acting_user if getattr(acting_user, "is_authenticated", False) else None
        Enrolment.objects.bulk_create(
            [Enrolment(session=session, person_id=pid, region_id=regions[pid], via=via, enrolled_by=by)
             for pid in clean if pid not in withdrawn], batch_size=1_000)
        for chunk in _chunks(sorted(withdrawn)):
            Enrolment.objects.filter(session=session, person_id__in=chunk).update(withdrawn=False, via=via,
                                                                                   enrolled_by=by)
        audit_record("training.enrol", obj=session, region_code=session.region_id, user=acting_user,
                     changes={"via": via, "enrolled": len(clean), "refused": len(preview.refused)})
    return len(clean)


def enrol_one(*, acting_user: Any, session: Session, person: Person) -> Enrolment:
    """One person: refused (with the reason) if outside the jurisdiction, already enrolled, in another
    session on overlapping days, or if the session is full."""
    with transaction.atomic():
        lock_state(session)
        preview = enrolment_preview(acting_user=acting_user, session=session, person_ids=[person.pk])
        if preview.refused:
            raise ValidationError({"person": preview.refused[0].reason})
        if preview.over_capacity:
            raise ValidationError({"person": _("the session is full (%(n)d places)") % {"n": session.capacity}})
        by = acting_user if getattr(acting_user, "is_authenticated", False) else None
        enrolment = Enrolment.objects.filter(session=session, person=person).first()
        if enrolment is None:
            enrolment = Enrolment.objects.create(session=session, person=person, region_id=person.region_id,
                                                 via=Enrolment.Via.INDIVIDUAL, enrolled_by=by)
        else:  # withdrawn before: enrolled again
            enrolment.withdrawn, enrolment.via, enrolment.enrolled_by = False, Enrolment.Via.INDIVIDUAL, by
            enrolment.save(update_fields=["withdrawn", "via", "enrolled_by"])
        audit_record("training.enrol", obj=enrolment, region_code=person.region_id, user=acting_user,
                     changes={"via": Enrolment.Via.INDIVIDUAL, "session": session.pk, "person": person.pk})
    return enrolment


def enrolment_withdraw(*, acting_user: Any, enrolment: Enrolment, reason: str) -> Enrolment:
    """The reason is kept in the audit trail (the enrolment has no column for it)."""
    require_in_scope(acting_user, "run_training", enrolment.region_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("say why the enrolment is withdrawn")})
    session = enrolment.session
    with transaction.atomic():
        lock_state(session)
        _require_open(session)
        fresh = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if fresh.withdrawn:
            raise ValidationError(_("this enrolment is withdrawn already"))
        enrolment.withdrawn = True
        enrolment.save(update_fields=["withdrawn"])
        audit_record("training.withdraw", obj=enrolment, region_code=enrolment.region_id, user=acting_user,
                     changes={"withdrawn": [False, True], "reason": [None, reason[:200]], "session": session.pk})
    return enrolment
