"""Every change to key tasks and indicator values goes through these functions: validate, save, write the
audit row, in one transaction. A refusal raises ValidationError (translated) and changes nothing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lingtouyang.audit.services import audit_record
from lingtouyang.core.scope import in_prefix
from lingtouyang.core.workflow import lock_state, require_in_scope
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Level, Region
from lingtouyang.tasks.models import Category, Indicator, IndicatorValue, ProgressUpdate, State, Task

CAPABILITY = "manage_tasks"
FIRST_YEAR = 2000
MAX_VALUE = Decimal("999999999999.99")


def _text(errors: dict[str, list[str]], field: str, raw: str, limit: int, required: bool = False) -> str:
    value = (raw or "").strip()
    if required and not value:
        errors.setdefault(field, []).append(_("this field is required"))
    if len(value) > limit:
        errors.setdefault(field, []).append(_("at most %(n)d characters") % {"n": limit})
    return value


def _owners_problem(region: Region, owners: Iterable[Person]) -> str | None:
    """Owners are people registered in the task's region (or below it)."""
    outside = [p.name for p in owners if not in_prefix(p.region_id, region.prefix)]
    if outside:
        return _("not registered in the task's region: %(names)s") % {"names": ", ".join(outside)}
    return None


def _check_task(errors: dict[str, list[str]], *, category: str, start: date, deadline: date) -> None:
    if category not in Category.values:
        errors["category"] = [_("choose a category")]
    if deadline < start:
        errors["deadline"] = [_("the deadline cannot come before the start")]


def task_create(*, acting_user: Any, region: Region, title: str, category: str, start: date, deadline: date,
                responsible: str = "", owners: Iterable[Person] = ()) -> Task:
    """A task for a region in one's jurisdiction, owned by people there and/or a body named in words."""
    require_in_scope(acting_user, CAPABILITY, region.code)
    owners = list(owners)
    errors: dict[str, list[str]] = {}
    title = _text(errors, "title", title, 200, required=True)
    responsible = _text(errors, "responsible", responsible, 200)
    _check_task(errors, category=category, start=start, deadline=deadline)
    if problem := _owners_problem(region, owners):
        errors["owners"] = [problem]
    if not owners and not responsible:
        errors["responsible"] = [_("name the owners, or who is responsible")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        task = Task.objects.create(region=region, title=title, category=category, start=start, deadline=deadline,
                                   responsible=responsible, created_by=acting_user)
        task.owners.set(owners)
        audit_record("task.create", obj=task, region_code=region.code, user=acting_user,
                     changes={"title": [None, title], "category": [None, category], "start": [None, str(start)],
                              "deadline": [None, str(deadline)], "responsible": [None, responsible],
                              "owners": [None, sorted(p.pk for p in owners)]})
    return task


def task_update(*, acting_user: Any, task: Task, title: str, category: str, start: date, deadline: date,
                responsible: str = "", owners: Iterable[Person] | None = None) -> Task:
    """Corrects what a task is; its progress only moves through task_progress. A closed task stays closed."""
    require_in_scope(acting_user, CAPABILITY, task.region_id)
    errors: dict[str, list[str]] = {}
    title = _text(errors, "title", title, 200, required=True)
    responsible = _text(errors, "responsible", responsible, 200)
    _check_task(errors, category=category, start=start, deadline=deadline)
    new_owners = list(owners) if owners is not None else list(task.owners.all())
    if problem := _owners_problem(task.region, new_owners):
        errors["owners"] = [problem]
    if not new_owners and not responsible:
        errors["responsible"] = [_("name the owners, or who is responsible")]
    first = task.updates.order_by("on").values_list("on", flat=True).first()
    if first is not None and start > first:
        errors["start"] = [_("progress was reported on %(day)s, before this start") % {"day": f"{first:%Y-%m-%d}"}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lock_state(task)
        if task.state != State.OPEN:
            raise ValidationError(_("a task that is done or cancelled is not changed any more"))
        before = {"title": task.title, "category": task.category, "start": str(task.start),
                  "deadline": str(task.deadline), "responsible": task.responsible,
                  "owners": sorted(task.owners.values_list("pk", flat=True))}
        task.title, task.category, task.start, task.deadline = title, category, start, deadline
        task.responsible = responsible
        task.save(update_fields=["title", "category", "start", "deadline", "responsible", "updated_at"])
        task.owners.set(new_owners)
        after = {"title": title, "category": category, "start": str(start), "deadline": str(deadline),
                 "responsible": responsible, "owners": sorted(p.pk for p in new_owners)}
        changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        audit_record("task.update", obj=task, region_code=task.region_id, user=acting_user, changes=changes)
    return task


def task_progress(*, acting_user: Any, task: Task, on: date, percent: int, note: str = "") -> ProgressUpdate:
    """A progress report: the task's progress becomes `percent`; at 100 the task is done on that day.
    Reports follow each other in time, within the task's life and not in the future."""
    require_in_scope(acting_user, CAPABILITY, task.region_id)
    errors: dict[str, list[str]] = {}
    note = _text(errors, "note", note, 500)
    if not isinstance(percent, int) or isinstance(percent, bool) or not 0 <= percent <= 100:
        errors["percent"] = [_("a whole number from 0 to 100")]
    if on > timezone.localdate():
        errors["on"] = [_("progress cannot be reported for a day in the future")]
    elif on < task.start:
        errors["on"] = [_("progress cannot be reported before the task starts (%(day)s)")
                        % {"day": f"{task.start:%Y-%m-%d}"}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lock_state(task)
        if task.state != State.OPEN:
            raise ValidationError(_("a task that is done or cancelled takes no more progress reports"))
        last = task.updates.order_by("-on", "-id").values_list("on", flat=True).first()
        if last is not None and on < last:
            raise ValidationError({"on": _("the latest report is dated %(day)s; a new one cannot come before it")
                                   % {"day": f"{last:%Y-%m-%d}"}})
        update = ProgressUpdate.objects.create(task=task, on=on, percent=percent, note=note, recorded_by=acting_user)
        before = [task.progress, task.state]
        task.progress = percent
        if percent == 100:
            task.state, task.done_on = State.DONE, on
        task.save(update_fields=["progress", "state", "done_on", "updated_at"])
        audit_record("task.progress", obj=task, region_code=task.region_id, user=acting_user,
                     changes={"progress": [before[0], percent], "state": [before[1], task.state], "on": str(on),
                              "note": note, "update": update.pk})
    return update


def task_cancel(*, acting_user: Any, task: Task, reason: str) -> Task:
    require_in_scope(acting_user, CAPABILITY, task.region_id)
    errors: dict[str, list[str]] = {}
    reason = _text(errors, "reason", reason, 200, required=True)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lock_state(task)
        if task.state != State.OPEN:
            raise ValidationError(_("only a task in progress can be cancelled"))
        task.state, task.cancel_reason = State.CANCELLED, reason
        task.save(update_fields=["state", "cancel_reason", "updated_at"])
        audit_record("task.cancel", obj=task, region_code=task.region_id, user=acting_user,
                     changes={"state": [State.OPEN, State.CANCELLED], "reason": reason})
    return task


# --- indicators ------------------------------------------------------------------------------------


def indicator_create(*, acting_user: Any, code: str, name: str, unit: str, cumulative: bool = True) -> Indicator:
    """A new indicator: the city's (anyone who manages tasks for the whole city or above)."""
    prefix = None if acting_user is None else getattr(acting_user, "scope_prefix", None)
    if acting_user is not None and (not acting_user.has_capability(CAPABILITY) or prefix is None or len(prefix) > 4):
        raise ValidationError(_("indicators are defined by the city"))
    errors: dict[str, list[str]] = {}
    code = _text(errors, "code", code, 40, required=True)
    name = _text(errors, "name", name, 100, required=True)
    unit = _text(errors, "unit", unit, 20, required=True)
    if code and not all(c.isascii() and (c.isalnum() or c in "_-") for c in code):
        errors["code"] = [_("letters, digits, - and _ only")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if Indicator.objects.filter(code=code).exists():
            raise ValidationError({"code": _("this code is taken")})
        position = (Indicator.objects.order_by("-position").values_list("position", flat=True).first() or 0) + 1
        indicator = Indicator.objects.create(code=code, name=name, unit=unit, cumulative=cumulative,
                                             position=position)
        audit_record("indicator.create", obj=indicator, user=acting_user,
                     changes={"code": [None, code], "name": [None, name], "unit": [None, unit],
                              "cumulative": [None, cumulative]})
    return indicator


def parse_value(raw: Any) -> Decimal:
    """An amount as typed ("12.5"), kept to 0.01 (ROUND_HALF_UP, once, here)."""
    try:
        value = Decimal(str(raw).strip()).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"value": _("a number, e.g. 12.5")}) from exc
    if not value.is_finite() or abs(value) > MAX_VALUE:
        raise ValidationError({"value": _("a number, e.g. 12.5")})
    return value


def indicator_value_record(*, acting_user: Any, indicator: Indicator, region: Region, year: int, month: int = 0,
                           value: Any, note: str = "") -> IndicatorValue:
    """The amount of one indicator for one region and period (a year, or a month of it). Recording a period
    again replaces its amount; the audit row keeps the old one. A value is never negative and belongs to a
    period that has begun."""
    require_in_scope(acting_user, CAPABILITY, region.code)
    errors: dict[str, list[str]] = {}
    note = _text(errors, "note", note, 200)
    today = timezone.localdate()
    if not FIRST_YEAR <= year <= today.year:
        errors["year"] = [_("a year from %(first)d to this year") % {"first": FIRST_YEAR}]
    if not 0 <= month <= 12:
        errors["month"] = [_("a month from 1 to 12, or none for the whole year")]
    elif (year, month) > (today.year, today.month):
        errors["month"] = [_("this period has not begun")]
    if region.level < Level.CITY:
        errors["region"] = [_("record a value for a city or a region below it")]
    try:
        amount = parse_value(value)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    else:
        if amount < 0:
            errors["value"] = [_("a value is not negative")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = (IndicatorValue.objects.select_for_update()
               .filter(indicator=indicator, region=region, year=year, month=month).first())
        before = str(row.value) if row else None
        if row is None:
            row = IndicatorValue.objects.create(indicator=indicator, region=region, year=year, month=month,
                                                value=amount, note=note, recorded_by=acting_user)
        else:
            row.value, row.note, row.recorded_by = amount, note, acting_user
            row.save(update_fields=["value", "note", "recorded_by", "updated_at"])
        audit_record("indicator.value", obj=row, region_code=region.code, user=acting_user,
                     changes={"indicator": indicator.code, "period": row.period, "value": [before, str(amount)],
                              "note": note})
    return row
