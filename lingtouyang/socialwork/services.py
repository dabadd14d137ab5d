"""Every change to social-work registrations and to the subsidy policy goes through these functions:
validate, save, write the audit row, in one transaction. A refusal raises ValidationError and changes
nothing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lingtouyang.audit.services import audit_record
from lingtouyang.core.scope import in_prefix
from lingtouyang.core.workflow import require_in_scope
from lingtouyang.people.models import Appointment, Person
from lingtouyang.regions.models import Level as RegionLevel
from lingtouyang.regions.models import Region
from lingtouyang.socialwork.models import Level, Registration, Result, SubsidyRate
from lingtouyang.training.models import Session

CAPABILITY = "manage_certification"
POLICY_CAPABILITY = "manage_subsidy_policy"
FIRST_EXAM_YEAR = 2008  # the national social-work exam was first held in 2008
MAX_HOURS = Decimal("999.9")
MAX_AMOUNT = Decimal("100000")


def _year_problem(year: int) -> str | None:
    if not FIRST_EXAM_YEAR <= year <= timezone.localdate().year + 1:
        return _("an exam year from %(first)d to next year") % {"first": FIRST_EXAM_YEAR}
    return None


def registration_create(*, acting_user: Any, person: Person, exam_year: int, level: str) -> Registration:
    """A cadre in scope (holding a post on the registration day) registered once per year and level."""
    require_in_scope(acting_user, CAPABILITY, person.region_id)
    errors: dict[str, list[str]] = {}
    if problem := _year_problem(exam_year):
        errors["exam_year"] = [problem]
    if level not in Level.values:
        errors["level"] = [_("no such level")]
    if not Appointment.objects.filter(person=person).current().exists():
        errors["person"] = [_("%(name)s holds no post now") % {"name": person.name}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Person.objects.select_for_update().only("id").get(pk=person.pk)
        if Registration.objects.filter(person=person, exam_year=exam_year, level=level).exists():
            raise ValidationError({"level": _("%(name)s is already registered for this level in %(year)d")
                                   % {"name": person.name, "year": exam_year}})
        reg = Registration.objects.create(person=person, region_id=person.region_id, exam_year=exam_year,
                                          level=level, registered_by=acting_user)
        audit_record("socialwork.register", obj=reg, region_code=reg.region_id, user=acting_user,
                     changes={"person": [None, person.pk], "exam_year": [None, exam_year], "level": [None, level]})
    return reg


def _hours(raw: Any) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"training_hours": _("hours as a number, e.g. 24 or 12.5")}) from exc
    if not Decimal(0) <= value <= MAX_HOURS:
        raise ValidationError({"training_hours": _("hours from 0 to %(max)s") % {"max": MAX_HOURS}})
    return value


def registration_training(*, acting_user: Any, registration: Registration, hours: Any = None,
                          session: Session | None = None) -> Registration:
    """The free preparatory training attended: hours, and/or the training session it was (one run in the
    person's county, or above it)."""
    require_in_scope(acting_user, CAPABILITY, registration.region_id)
    value = _hours(hours)
    if session is not None and not in_prefix(registration.region_id, session.region.prefix):
        raise ValidationError({"training_session": _("choose a session run for this person's county")})
    before = [str(registration.training_hours) if registration.training_hours is not None else None,
              registration.training_session_id]
    with transaction.atomic():
        registration.training_hours, registration.training_session = value, session
        registration.save(update_fields=["training_hours", "training_session", "updated_at"])
        audit_record("socialwork.training", obj=registration, region_code=registration.region_id, user=acting_user,
                     changes={"training": [before, [str(value) if value is not None else None,
                                                    session.pk if session else None]]})
    return registration


def registration_result(*, acting_user: Any, registration: Registration, result: str, result_on: date,
                        certificate_no: str = "", certificate_date: date | None = None) -> Registration:
    """The exam result, and with a pass the certificate. A result is dated in or after the exam year, a
    certificate needs a pass and a number nobody else holds."""
    require_in_scope(acting_user, CAPABILITY, registration.region_id)
    certificate_no = certificate_no.strip()
    errors: dict[str, list[str]] = {}
    if result not in Result.values:
        errors["result"] = [_("choose a result")]
    if result_on.year < registration.exam_year:
        errors["result_on"] = [_("a result cannot come before the exam year (%(year)d)")
                               % {"year": registration.exam_year}]
    elif result_on > timezone.localdate():
        errors["result_on"] = [_("a result cannot be dated in the future")]
    if (certificate_no or certificate_date) and result != Result.PASSED:
        errors["certificate_no"] = [_("a certificate needs a pass")]
    elif bool(certificate_no) != bool(certificate_date):
        errors["certificate_no"] = [_("a certificate has both a number and a date")]
    elif certificate_date is not None and certificate_date < result_on:
        errors["certificate_date"] = [_("the certificate is dated on or after the result")]
    elif certificate_date is not None and certificate_date > timezone.localdate():
        errors["certificate_date"] = [_("a certificate cannot be dated in the future")]
    if len(certificate_no) > 40:
        errors["certificate_no"] = [_("at most %(n)d characters") % {"n": 40}]
    if errors:
        raise ValidationError(errors)
    before = [registration.result, registration.certificate_no]
    with transaction.atomic():
        if certificate_no and (Registration.objects.filter(certificate_no=certificate_no)
                               .exclude(pk=registration.pk).exists()):
            raise ValidationError({"certificate_no": _("this certificate number is already recorded")})
        registration.result, registration.result_on = result, result_on
        registration.certificate_no, registration.certificate_date = certificate_no, certificate_date
        try:
            with transaction.atomic():
                registration.save(update_fields=["result", "result_on", "certificate_no", "certificate_date",
                                                 "updated_at"])
        except IntegrityError as exc:  # a concurrent request took the number first
            registration.refresh_from_db()
            raise ValidationError({"certificate_no": _("this certificate number is already recorded")}) from exc
        audit_record("socialwork.result", obj=registration, region_code=registration.region_id, user=acting_user,
                     changes={"result": [before[0], result], "certificate_no": [before[1], certificate_no],
                              "result_on": str(result_on),
                              "certificate_date": str(certificate_date) if certificate_date else None})
    return registration


# --- the subsidy policy ----------------------------------------------------------------------------


def _amount(raw: Any, level: str) -> Decimal:
    try:
        value = Decimal(str(raw)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({level: _("an amount in yuan, e.g. 200")}) from exc
    if not Decimal(0) <= value < MAX_AMOUNT:
        raise ValidationError({level: _("an amount from 0 to %(max)s yuan") % {"max": MAX_AMOUNT}})
    return value


def policy_version_add(*, acting_user: Any, county: Region, effective_from: date, amounts: Mapping[str, Any],
                       note: str = "") -> list[SubsidyRate]:
    """A new version of a county's subsidy policy: one monthly amount per level, in force from a date
    later than every version before it and not in the past — the past is never rewritten. (A county's first
    version may start on any date: there is nothing before it to rewrite.)"""
    require_in_scope(acting_user, POLICY_CAPABILITY, county.code)
    if county.level != RegionLevel.COUNTY:
        raise ValidationError({"county": _("a subsidy policy belongs to a county")})
    if set(amounts) != set(Level.values):
        raise ValidationError(_("give an amount for every level"))
    values = {level: _amount(amounts[level], level) for level in Level.values}
    note = note.strip()
    if len(note) > 200:
        raise ValidationError({"note": _("at most %(n)d characters") % {"n": 200}})
    with transaction.atomic():
        Region.objects.select_for_update().only("code").get(pk=county.code)
        latest = (SubsidyRate.objects.filter(region=county).order_by("-effective_from")
                  .values_list("effective_from", flat=True).first())
        if latest is not None and effective_from <= latest:
            raise ValidationError({"effective_from": _("a new version takes effect after the latest one (%(day)s)")
                                   % {"day": f"{latest:%Y-%m-%d}"}})
        if latest is not None and effective_from < timezone.localdate():
            raise ValidationError({"effective_from": _("a new version cannot take effect in the past")})
        rows = SubsidyRate.objects.bulk_create([
            SubsidyRate(region=county, level=level, monthly_amount=amount, effective_from=effective_from,
                        note=note, created_by=acting_user) for level, amount in values.items()])
        audit_record("socialwork.policy_add", obj=rows[0], region_code=county.code, user=acting_user,
                     changes={"effective_from": str(effective_from),
                              "amounts": [None, {k: str(v) for k, v in values.items()}], "note": note})
    return rows
