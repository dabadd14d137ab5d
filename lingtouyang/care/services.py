"""Every change to a care record goes through these functions: validate, save, write the audit row, in one
transaction. A refusal raises ValidationError and changes nothing. Amounts are exact Decimal yuan with at
most two decimals (refused, not rounded: they come from a payment voucher)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lingtouyang.audit.services import audit_record
from lingtouyang.care.models import CareRecord, Kind
from lingtouyang.core.workflow import require_in_scope
from lingtouyang.people.models import Person

CAPABILITY = "manage_care"
FIELDS = ["kind", "date", "by_whom", "note", "amount", "follow_up_due"]
EDITABLE = ["date", "by_whom", "note", "amount", "follow_up_due"]
FOLLOW_UP = ["follow_up_done", "follow_up_note"]
LIMITS = {"by_whom": 100, "note": 500}
MAX_AMOUNT = Decimal("99999999.99")


def _values(r: CareRecord, fields: list[str]) -> dict[str, Any]:
    return {f: (str(v) if isinstance(v, (date, Decimal)) else v) for f in fields
            if (v := getattr(r, f)) not in (None, "")}


def _amount(value: Any) -> Decimal | None | str:
    """The amount as Decimal, None when not given, or "bad" when it is not a number of yuan."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return "bad"
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")) or amount > MAX_AMOUNT:
        return "bad"
    return amount


def _validate(r: CareRecord) -> None:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if r.kind not in Kind.values:
        errors["kind"] = [_("choose the kind of care")]
    if not isinstance(r.date, date):
        errors["date"] = [_("give the date")]
    elif r.date > today:
        errors["date"] = [_("a care record cannot be dated in the future")]
    if not r.by_whom:
        errors["by_whom"] = [_("say who visited, talked or assisted")]
    for name, limit in LIMITS.items():
        if len(getattr(r, name)) > limit:
            errors.setdefault(name, []).append(_("at most %(n)d characters") % {"n": limit})
    amount = _amount(r.amount)
    if amount == "bad":
        errors["amount"] = [_("give the amount in yuan with at most two decimals, e.g. 2000.00")]
    elif amount is not None and amount < 0:
        errors["amount"] = [_("the amount cannot be negative")]
    elif r.kind == Kind.HARDSHIP and not amount:
        errors["amount"] = [_("hardship assistance needs the amount given")]
    elif r.kind == Kind.REMINDER and amount is not None:
        errors["amount"] = [_("a reminder talk has no amount")]
    else:  # exact already (checked above): quantize only fixes the scale, as the column stores it
        r.amount = amount.quantize(Decimal("0.01")) if isinstance(amount, Decimal) else amount
    if r.kind == Kind.REMINDER:
        if r.follow_up_due is None:
            errors["follow_up_due"] = [_("a reminder talk needs a follow-up date")]
        elif isinstance(r.date, date) and r.follow_up_due < r.date:
            errors["follow_up_due"] = [_("the follow-up is due on or after the talk")]
    elif r.follow_up_due is not None:
        errors["follow_up_due"] = [_("only a reminder talk has a follow-up")]
    if errors:
        raise ValidationError(errors)


def _clean(data: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    return {k: (v.strip() if isinstance(v, str) and k != "amount" else v) for k, v in data.items() if k in fields}


def record_create(*, acting_user: Any, person: Person, kind: str, date: date, by_whom: str, note: str = "",
                  amount: Any = None, follow_up_due: date | None = None) -> CareRecord:
    require_in_scope(acting_user, CAPABILITY, person.region_id)
    r = CareRecord(person=person, region_id=person.region_id, recorded_by=acting_user,
                   **_clean({"kind": kind, "date": date, "by_whom": by_whom or "", "note": note or "",
                             "amount": amount, "follow_up_due": follow_up_due}, FIELDS))
    _validate(r)
    with transaction.atomic():
        r.save()
        audit_record("care_record.create", obj=r, region_code=r.region_id, user=acting_user,
                     changes={"person": [None, person.pk], **{k: [None, v] for k, v in _values(r, FIELDS).items()}})
    return r


def record_update(*, acting_user: Any, record: CareRecord, **data: Any) -> CareRecord:
    """Corrects a record; its person and kind stay (another kind is another record)."""
    require_in_scope(acting_user, CAPABILITY, record.region_id)
    before = _values(record, EDITABLE)
    for key, value in _clean(data, EDITABLE).items():
        setattr(record, key, value)
    try:
        _validate(record)
        if record.follow_up_done and record.follow_up_done < record.date:
            raise ValidationError({"date": _("the follow-up was done on %(day)s, before this date")
                                   % {"day": f"{record.follow_up_done:%Y-%m-%d}"}})
    except ValidationError:
        record.refresh_from_db()
        raise
    with transaction.atomic():
        record.save()
        after = _values(record, EDITABLE)
        audit_record("care_record.update", obj=record, region_code=record.region_id, user=acting_user,
                     changes={k: [before.get(k), after.get(k)] for k in set(before) | set(after)
                              if before.get(k) != after.get(k)})
    return record


def follow_up_record(*, acting_user: Any, record: CareRecord, done_on: date, note: str) -> CareRecord:
    """A reminder talk's follow-up: done on a day from the talk to today, with what was found."""
    require_in_scope(acting_user, CAPABILITY, record.region_id)
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if record.kind != Kind.REMINDER:
        raise ValidationError(_("only a reminder talk has a follow-up"))
    if not isinstance(done_on, date):
        errors["done_on"] = [_("give the date")]
    elif done_on < record.date:
        errors["done_on"] = [_("the follow-up comes on or after the talk (%(day)s)") % {"day": f"{record.date:%Y-%m-%d}"}]
    elif done_on > timezone.localdate():
        errors["done_on"] = [_("a care record cannot be dated in the future")]
    if not note:
        errors["note"] = [_("say what the follow-up found")]
    elif len(note) > 500:
        errors["note"] = [_("at most %(n)d characters") % {"n": 500}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        fresh = CareRecord.objects.select_for_update().get(pk=record.pk)
        before = _values(fresh, FOLLOW_UP)
        record.follow_up_done, record.follow_up_note = done_on, note
        record.save(update_fields=["follow_up_done", "follow_up_note", "updated_at"])
        after = _values(record, FOLLOW_UP)
        audit_record("care_record.follow_up", obj=record, region_code=record.region_id, user=acting_user,
                     changes={k: [before.get(k), after.get(k)] for k in FOLLOW_UP})
    return record
