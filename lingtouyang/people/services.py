"""Every change to people and appointments goes through these functions: validate, save, write
the audit row, in one transaction. Views, the API and commands call them; nothing else writes."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from lingtouyang.audit.services import audit_record, diff
from lingtouyang.core import crypto
from lingtouyang.core.scope import in_prefix, user_prefix
from lingtouyang.people import rules
from lingtouyang.people.codes import SINGLE_HOLDER_POSTS
from lingtouyang.people.idnumber import IdNumberError, parse_id_number
from lingtouyang.people.models import Appointment, Person, phone_columns
from lingtouyang.people.naming import name_keys
from lingtouyang.people.normalize import CellError, parse_phone
from lingtouyang.regions.models import Region

PERSON_FIELDS = [
    "region", "name", "gender", "ethnicity", "birth_date", "political_status", "education", "source",
]  # fmt: skip
AUDITED_PERSON_FIELDS = [*PERSON_FIELDS, "id_masked"]


def _audited(person: Person) -> dict[str, Any]:
    # The phone is given as `phone` and stored only encrypted: the trail records its masked form.
    return {**model_to_dict(person, AUDITED_PERSON_FIELDS), "phone": person.phone_masked or None}


def _check_region_in_scope(acting_user: Any, region: Region, field: str = "region") -> None:
    if acting_user is None:
        return  # the command line acts for the whole installation
    prefix = user_prefix(acting_user, "edit_people")
    if prefix is None or not in_prefix(region.code, prefix):
        raise ValidationError({field: _("this village or community is outside your jurisdiction")})


def _validate_person(
    data: dict[str, Any], id_number: str | None, errors: dict[str, list[str]], *, partial: bool = False
) -> Any:
    region: Region | None = data.get("region")
    if region is not None and (problem := rules.region_problem(region.level)):
        errors.setdefault("region", []).append(problem)
    if (not partial or "name" in data) and not (data.get("name") or "").strip():
        errors.setdefault("name", []).append(_("a name is required"))
    if data.get("phone"):
        try:
            data["phone"] = parse_phone(data["phone"])
        except CellError as exc:
            errors.setdefault("phone", []).append(exc.message)
    if id_number is None:
        return None
    try:
        info = parse_id_number(id_number)
    except IdNumberError as exc:
        errors.setdefault("id_number", []).append(exc.message)
        return None
    if not data.get("birth_date"):
        data["birth_date"] = info.birth_date
    if not data.get("gender"):
        data["gender"] = info.gender
    if problem := rules.birth_date_problem(info, data["birth_date"]):
        errors.setdefault("birth_date", []).append(problem)
    if problem := rules.gender_problem(info, data["gender"]):
        errors.setdefault("gender", []).append(problem)
    if problem := rules.age_problem(info.birth_date, timezone.localdate()):
        errors.setdefault("id_number", []).append(problem)
    return info


def _apply_id(person: Person, info: Any) -> None:
    person.id_cipher = crypto.encrypt(info.number)
    person.id_index = crypto.blind_index(info.number)
    person.id_masked = info.masked


def _apply_phone(person: Person, phone: str) -> None:
    person.phone_cipher, person.phone_masked = phone_columns(phone)


def _id_taken(number: str, exclude_pk: int | None = None) -> bool:
    # Both indexes while the blind-index key is being rotated: a row not yet recomputed still counts.
    return Person.objects.filter(id_index__in=crypto.blind_index_candidates(number)).exclude(pk=exclude_pk).exists()


def person_create(*, acting_user: Any, id_number: str, **data: Any) -> Person:
    errors: dict[str, list[str]] = {}
    info = _validate_person(data, id_number, errors)
    if errors:
        raise ValidationError(errors)
    _check_region_in_scope(acting_user, data["region"])
    person = Person(**{k: v for k, v in data.items() if k in PERSON_FIELDS})
    person.name = person.name.strip()
    person.name_pinyin, person.name_initials = name_keys(person.name)
    _apply_id(person, info)
    _apply_phone(person, data.get("phone") or "")
    if _id_taken(info.number):
        raise ValidationError({"id_number": _("a person with this ID number is already on the roster")})
    person.full_clean(exclude=["id_cipher", "id_index", "id_masked", "phone_cipher", "phone_masked"])
    with transaction.atomic():
        person.save()
        audit_record("person.create", obj=person, region_code=person.region_id,
                     changes=diff({}, _audited(person)), user=acting_user)
    return person


def person_update(*, acting_user: Any, person: Person, id_number: str | None = None, **data: Any) -> Person:
    before = _audited(person)
    _check_region_in_scope(acting_user, person.region)
    errors: dict[str, list[str]] = {}
    info = _validate_person(data, id_number or None, errors, partial=True)
    if info is None and not errors and ("birth_date" in data or "gender" in data):
        # No new number: what changes must still agree with the number on record.
        stored = parse_id_number(person.full_id_number())
        if problem := rules.birth_date_problem(stored, data.get("birth_date")):
            errors.setdefault("birth_date", []).append(problem)
        if problem := rules.gender_problem(stored, data.get("gender")):
            errors.setdefault("gender", []).append(problem)
    if errors:
        raise ValidationError(errors)
    if "region" in data:
        _check_region_in_scope(acting_user, data["region"])
        if data["region"].pk != person.region_id and (held := _posts_not_ended(person).first()):
            # Its appointments stay where they are: moving the person alone would leave them holding
            # a post in a village that is no longer theirs (and outside the new village's counts).
            raise ValidationError({"region": _(
                "this person holds a post in %(village)s (%(post)s); end it before changing their village"
            ) % {"village": person.region.short_name, "post": held.get_post_display()}})
    for key, value in data.items():
        if key in PERSON_FIELDS:
            setattr(person, key, value)
    phone_changed = "phone" in data and (data["phone"] or "") != person.phone_number()
    if phone_changed:
        _apply_phone(person, data["phone"] or "")
    person.name = person.name.strip()
    person.name_pinyin, person.name_initials = name_keys(person.name)
    if info is not None:
        _apply_id(person, info)
        if _id_taken(info.number, exclude_pk=person.pk):
            raise ValidationError({"id_number": _("a person with this ID number is already on the roster")})
    elif (problem := rules.age_problem(person.birth_date, timezone.localdate())) and "birth_date" in data:
        raise ValidationError({"birth_date": problem})
    person.full_clean(exclude=["id_cipher", "id_index", "id_masked", "phone_cipher", "phone_masked"])
    changes = diff(before, _audited(person))
    if info is not None:
        changes["id_number"] = ["***", "***"]  # that it changed; never the number itself
    if phone_changed and "phone" not in changes:
        changes["phone"] = [before["phone"], person.phone_masked]  # same mask, another number
    with transaction.atomic():
        person.save()
        audit_record("person.update", obj=person, region_code=person.region_id, changes=changes, user=acting_user)
    return person


def person_reveal_id(*, acting_user: Any, person: Person) -> str:
    """The full ID number, for a role allowed to see it; every view is audited."""
    if acting_user is not None:
        prefix = user_prefix(acting_user, "view_full_id")
        if prefix is None or not in_prefix(person.region_id, prefix):
            # Refused attempts are security events too.
            audit_record("person.view_full_id", obj=person, region_code=person.region_id, user=acting_user,
                         outcome="denied")
            raise PermissionError("view_full_id")
    audit_record("person.view_full_id", obj=person, region_code=person.region_id, user=acting_user)
    return person.full_id_number()


def _posts_not_ended(person: Person, today: date | None = None) -> QuerySet[Appointment]:
    """The person's appointments in their village that are current or still to come."""
    day = today or timezone.localdate()
    return Appointment.objects.filter(person=person, region_id=person.region_id).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=day)).order_by("start_date", "id")


def _overlapping(appointment: Appointment) -> QuerySet[Appointment]:
    """Other appointments to the same post sharing a day with this one (rules.overlaps, in SQL)."""
    qs = (
        Appointment.objects.filter(post=appointment.post)
        .exclude(pk=appointment.pk)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=appointment.start_date))
    )
    if appointment.end_date is not None:
        qs = qs.filter(start_date__lt=appointment.end_date)
    return qs


def _dates(appointment: Appointment) -> str:
    return f"{appointment.start_date:%Y-%m-%d} – {appointment.end_date or ''}".rstrip()


def _validate_appointment(appointment: Appointment, changed: set[str] | None = None) -> None:
    """`changed`: the fields an update changes; None for a new appointment."""
    errors: dict[str, list[str]] = {}
    region, person = appointment.region, appointment.person
    today = timezone.localdate()
    if problem := rules.region_problem(region.level):
        errors.setdefault("region", []).append(problem)
    else:
        # A post is held in the holder's own village. An ended appointment may stay behind in a village
        # the person has since left (history); it may be corrected, not moved or reopened there.
        ended = appointment.end_date is not None and appointment.end_date <= today
        if region.pk != person.region_id and (changed is None or "region" in changed or not ended):
            errors.setdefault("region", []).append(_(
                "the person is registered in another village or community (%(village)s); change their village first"
            ) % {"village": person.region.short_name})
        if problem := rules.post_problem(appointment.post, region.kind):
            errors.setdefault("post", []).append(problem)
    if changed is None or "start_date" in changed:
        if problem := rules.start_date_problem(appointment.start_date, person.birth_date, today):
            errors.setdefault("start_date", []).append(problem)
    if appointment.end_date and not appointment.end_reason.strip():
        errors.setdefault("end_reason", []).append(_("say why the appointment ended"))
    if appointment.end_date and appointment.end_date < appointment.start_date:
        errors.setdefault("end_date", []).append(_("the end date is before the start date"))
    if not errors:
        holders = Q(person_id=person.pk)
        if appointment.post in SINGLE_HOLDER_POSTS:  # one holder per village at a time
            holders |= Q(region_id=region.pk)
        other = _overlapping(appointment).filter(holders).select_related("person").order_by("start_date", "id").first()
        if other is not None and other.person_id == person.pk:
            errors.setdefault("post", []).append(
                _("this person already holds this post at overlapping dates (%(dates)s)") % {"dates": _dates(other)})
        elif other is not None:
            errors.setdefault("post", []).append(
                _("this village already has a holder of this post at overlapping dates: %(name)s (%(dates)s)")
                % {"name": other.person.name, "dates": _dates(other)})
    if errors:
        raise ValidationError(errors)


def appointment_create(
    *, acting_user: Any, person: Person, region: Region, post: str, start_date: date,
    end_date: date | None = None, end_reason: str = "", term: int | None = None,
) -> Appointment:
    _check_region_in_scope(acting_user, region)
    appointment = Appointment(
        person=person, region=region, post=post, start_date=start_date, end_date=end_date,
        end_reason=end_reason.strip(), term=term or rules.term_for(start_date),
    )
    _validate_appointment(appointment)
    appointment.full_clean()
    with transaction.atomic():
        appointment.save()
        audit_record("appointment.create", obj=appointment, region_code=region.code, user=acting_user,
                     changes=diff({}, {k: v for k, v in model_to_dict(appointment, ["person", *APPOINTMENT_FIELDS]).items()
                                     if v not in ("", None)}))
    return appointment


APPOINTMENT_FIELDS = ["region", "post", "term", "start_date", "end_date", "end_reason"]


def appointment_update(*, acting_user: Any, appointment: Appointment, **data: Any) -> Appointment:
    _check_region_in_scope(acting_user, appointment.region)
    if data.get("region") is not None:
        # Before touching the object: the caller re-renders it, and must not show a region out of scope.
        _check_region_in_scope(acting_user, data["region"])
    before = model_to_dict(appointment, APPOINTMENT_FIELDS)
    for key, value in data.items():
        if key in APPOINTMENT_FIELDS and not (key == "term" and value is None):
            setattr(appointment, key, value)
    if appointment.start_date != before["start_date"] and data.get("term") is None:
        # The term was derived from the old start date; one given explicitly is kept.
        appointment.term = rules.term_for(appointment.start_date)
    after = model_to_dict(appointment, APPOINTMENT_FIELDS)
    _validate_appointment(appointment, changed={k for k in APPOINTMENT_FIELDS if after[k] != before[k]})
    appointment.full_clean()
    with transaction.atomic():
        appointment.save()
        audit_record("appointment.update", obj=appointment, region_code=appointment.region_id, user=acting_user,
                     changes=diff(before, after))
    return appointment


def appointment_correct(*, acting_user: Any, appointment: Appointment, **data: Any) -> Appointment:
    """A correction of the record (dates, term, typos), from the roster page or the API. Under 村官区管 the
    end of a current appointment is a request the county approves (appointments app), never a correction;
    and an ended appointment's end may be corrected, not removed."""
    if appointment.end_date is None and (data.get("end_date") or (data.get("end_reason") or "").strip()):
        raise ValidationError({"end_date": _("a current appointment is ended by a request the county approves, "
                                             "not by a correction")})
    if appointment.end_date is not None and "end_date" in data and data["end_date"] is None:
        raise ValidationError({"end_date": _("an ended appointment cannot be reopened; request a new appointment "
                                             "instead")})
    return appointment_update(acting_user=acting_user, appointment=appointment, **data)
