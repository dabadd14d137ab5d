"""Every change to the collective economy goes through these functions: validate, save, write the audit row,
in one transaction. A refusal raises ValidationError and changes nothing. The pay engine reads these tables
for the collective-economy incentive, so a figure is refused rather than stored when it cannot be right."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lingtouyang.audit.services import audit_record
from lingtouyang.core.workflow import require_in_scope
from lingtouyang.economy.models import Project, ProjectCadre
from lingtouyang.people.models import Appointment, Person
from lingtouyang.regions.models import Level, Region

CAPABILITY = "manage_economy"
FIELDS = ["year", "name", "operating_income", "operating_cost", "note"]
# The model's columns: 14 digits, 2 after the point.
MAX_AMOUNT = Decimal("999999999999.99")
FIRST_YEAR = 2000


def _money(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def _validate(p: Project) -> None:
    errors: dict[str, list[str]] = {}
    if p.region.level != Level.VILLAGE:
        errors["region"] = [_("choose a village or community")]
    if not p.name:
        errors["name"] = [_("name the project")]
    elif len(p.name) > 100:
        errors["name"] = [_("at most %(n)d characters") % {"n": 100}]
    if len(p.note) > 300:
        errors["note"] = [_("at most %(n)d characters") % {"n": 300}]
    this_year = timezone.localdate().year
    if not isinstance(p.year, int) or not FIRST_YEAR <= p.year <= this_year:
        errors["year"] = [_("the year is between %(first)d and %(last)d") % {"first": FIRST_YEAR, "last": this_year}]
    for field, label in (("operating_income", _("operating income")), ("operating_cost", _("operating cost"))):
        amount = _money(getattr(p, field))
        if amount is None:
            errors[field] = [_("give the %(what)s in yuan, e.g. 860000.00") % {"what": label}]
        elif amount < 0:
            errors[field] = [_("the %(what)s cannot be negative (a loss is a cost above the income)") % {"what": label}]
        elif amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
            errors[field] = [_("the %(what)s is in yuan with at most two decimals") % {"what": label}]
        else:  # exact already (checked above): quantize only fixes the scale, as the column stores it
            setattr(p, field, amount.quantize(Decimal("0.01")))
    if errors:
        raise ValidationError(errors)


def _values(p: Project) -> dict[str, Any]:
    return {f: str(getattr(p, f)) if isinstance(getattr(p, f), Decimal) else getattr(p, f) for f in FIELDS}


def _duplicate(p: Project) -> None:
    if Project.objects.filter(region_id=p.region_id, year=p.year, name=p.name).exclude(pk=p.pk).exists():
        raise ValidationError({"name": _("this village already has a project of this name in %(year)d")
                               % {"year": p.year}})


def project_create(*, acting_user: Any, region: Region, year: int, name: str, operating_income: Any,
                   operating_cost: Any, note: str = "") -> Project:
    require_in_scope(acting_user, CAPABILITY, region.code)
    p = Project(region=region, year=year, name=(name or "").strip(), operating_income=operating_income,
                operating_cost=operating_cost, note=(note or "").strip(), created_by=acting_user)
    _validate(p)
    try:
        with transaction.atomic():
            _duplicate(p)
            p.save()
            audit_record("economy_project.create", obj=p, region_code=p.region_id, user=acting_user,
                         changes={"region": [None, p.region_id], **{k: [None, v] for k, v in _values(p).items()
                                                                    if v not in ("", None)}})
    except IntegrityError as exc:  # the same project saved at the same moment
        raise ValidationError({"name": _("this village already has a project of this name in %(year)d")
                               % {"year": p.year}}) from exc
    return p


def project_update(*, acting_user: Any, project: Project, **data: Any) -> Project:
    """Corrects a project's figures or name; the village stays (a project of another village is a new one)."""
    require_in_scope(acting_user, CAPABILITY, project.region_id)
    before = _values(project)
    for key, value in data.items():
        if key in FIELDS:
            setattr(project, key, value.strip() if isinstance(value, str) and key in ("name", "note") else value)
    try:
        _validate(project)
        if project.year != before["year"] and project.cadres.exists():
            raise ValidationError({"year": _("the project has cadres for %(year)d; remove them before changing the "
                                             "year") % {"year": before["year"]}})
        with transaction.atomic():
            _duplicate(project)
            project.save()
            after = _values(project)
            audit_record("economy_project.update", obj=project, region_code=project.region_id, user=acting_user,
                         changes={k: [before[k], after[k]] for k in FIELDS if before[k] != after[k]})
    except (ValidationError, IntegrityError) as exc:
        project.refresh_from_db()
        if isinstance(exc, IntegrityError):
            raise ValidationError({"name": _("this village already has a project of this name in %(year)d")
                                   % {"year": project.year}}) from exc
        raise
    return project


def project_delete(*, acting_user: Any, project: Project) -> None:
    """A project entered by mistake goes, with its cadres; the audit row keeps what it said."""
    require_in_scope(acting_user, CAPABILITY, project.region_id)
    with transaction.atomic():
        cadres = list(project.cadres.values_list("person_id", flat=True))
        audit_record("economy_project.delete", obj=project, region_code=project.region_id, user=acting_user,
                     changes={**{k: [v, None] for k, v in _values(project).items() if v not in ("", None)},
                              "cadres": [cadres, None]})
        project.delete()


def held_posts_in(region_id: str, year: int) -> Q:
    """Appointments in the village at some point of the year: who may be named as having run its projects."""
    return (Q(region_id=region_id, start_date__lte=date(year, 12, 31))
            & (Q(end_date__isnull=True) | Q(end_date__gte=date(year, 1, 1))))


def cadre_add(*, acting_user: Any, project: Project, person: Person) -> ProjectCadre:
    """Only someone who held a post in the project's village during its year."""
    require_in_scope(acting_user, CAPABILITY, project.region_id)
    if not Appointment.objects.filter(held_posts_in(project.region_id, project.year), person=person).exists():
        raise ValidationError({"person": _("%(name)s held no post in %(village)s in %(year)d")
                               % {"name": person.name, "village": project.region.short_name, "year": project.year}})
    if ProjectCadre.objects.filter(project=project, person=person).exists():
        raise ValidationError({"person": _("%(name)s is already named on this project") % {"name": person.name}})
    try:
        with transaction.atomic():
            row = ProjectCadre.objects.create(project=project, person=person)
            audit_record("economy_project.cadre_add", obj=project, region_code=project.region_id, user=acting_user,
                         changes={"cadre": [None, person.pk]})
    except IntegrityError as exc:
        raise ValidationError({"person": _("%(name)s is already named on this project") % {"name": person.name}}) from exc
    return row


def cadre_remove(*, acting_user: Any, project: Project, person: Person) -> None:
    require_in_scope(acting_user, CAPABILITY, project.region_id)
    with transaction.atomic():
        deleted, _rows = ProjectCadre.objects.filter(project=project, person=person).delete()
        if not deleted:
            raise ValidationError({"person": _("%(name)s is not named on this project") % {"name": person.name}})
        audit_record("economy_project.cadre_remove", obj=project, region_code=project.region_id, user=acting_user,
                     changes={"cadre": [person.pk, None]})
