"""Every change to disclosures goes through these functions: validate, save, write the audit row, in one
transaction.

- The catalogue: the city (`manage_catalogue` at city level) adds items to its catalogue, a county adds its
  own; a change is a new version from a date on (never an edit; `retired` ends an item).
- A disclosure moves along TRANSITIONS (`MACHINE`): the village cadre drafts and submits (`draft_disclosure`),
  the supervision committee reviews or returns with a reason (`review_disclosure`), the township approves
  or returns (`approve_disclosure`), then it is published (township or village) — which appends it to the
  village's ledger in the same transaction and, once committed, re-renders the village's public pages.
- A published disclosure is never changed: `correction_create` starts a new version that names what it
  corrects and why, and goes through the same steps."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lingtouyang.audit.services import audit_record
from lingtouyang.core.scope import PREFIX_LENGTHS, in_prefix, user_prefix
from lingtouyang.core.workflow import StateMachine, lock_state, require_in_scope
from lingtouyang.disclosure import files, ledger, masking, periods, rules
from lingtouyang.disclosure.models import (
    Attachment,
    CatalogueItem,
    Category,
    Disclosure,
    FinanceLine,
    Frequency,
    LedgerHead,
)
from lingtouyang.regions.models import Level, Region

State = Disclosure.State
TRANSITIONS = {
    (State.DRAFT, State.SUBMITTED), (State.SUBMITTED, State.REVIEWED), (State.SUBMITTED, State.DRAFT),
    (State.REVIEWED, State.APPROVED), (State.REVIEWED, State.DRAFT), (State.APPROVED, State.PUBLISHED),
    (State.APPROVED, State.DRAFT),
}
MACHINE = StateMachine(TRANSITIONS, gettext_lazy("a disclosure that is “%(state)s” cannot become “%(to)s”"))
# Who may make each move (any one of the capabilities, in the village's jurisdiction).
MOVERS = {
    State.SUBMITTED: ("draft_disclosure",),
    State.REVIEWED: ("review_disclosure",),
    State.APPROVED: ("approve_disclosure",),
    State.PUBLISHED: ("approve_disclosure", "draft_disclosure"),
}
RETURNERS = {State.SUBMITTED: ("review_disclosure",), State.REVIEWED: ("approve_disclosure",),
             State.APPROVED: ("approve_disclosure",)}
ITEM_FIELDS = ["category", "title", "description", "frequency", "is_finance", "has_personal_data", "due_day",
               "due_months_after", "sort_order"]
CONTENT_FIELDS = ["title", "body", "tables", "opening_balance", "closing_balance"]
MAX_LINES = 500


def _errors() -> tuple[dict[str, list[str]], Any]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    return errors, add


def region_prefix(code: str) -> str:
    """The significant prefix of a full 12-digit code (510521000000 → 510521)."""
    return next(code[:n] for n in sorted(PREFIX_LENGTHS.values()) if set(code[n:]) <= {"0"})


def applies_to(item: CatalogueItem, village_code: str) -> bool:
    return in_prefix(village_code, region_prefix(item.region_code))


def _can(acting_user: Any, capabilities: Sequence[str], region_code: str) -> bool:
    if acting_user is None:
        return True
    for cap in capabilities:
        prefix = user_prefix(acting_user, cap)
        if prefix is not None and in_prefix(region_code, prefix):
            return True
    return False


# --- the catalogue ---------------------------------------------------------------------------------------


def item_in_force(key: str, on: date) -> CatalogueItem | None:
    region_code, _sep, code = key.partition(":")
    item = (CatalogueItem.objects.filter(region_code=region_code, code=code, effective_from__lte=on)
            .order_by("-effective_from", "-version").first())
    return None if item is None or item.retired else item


def _validate_item(item: CatalogueItem) -> None:
    errors, add = _errors()
    if not item.code.strip() or len(item.code) > 20 or not item.code.isascii():
        add("code", _("a code of up to 20 letters and digits is required"))
    if not item.title.strip():
        add("title", _("a title is required"))
    if item.category not in Category.values:
        add("category", _("no such category"))
    if item.frequency not in Frequency.values:
        add("frequency", _("no such frequency"))
    if not 1 <= (item.due_day or 0) <= 31:
        add("due_day", _("the due day is between 1 and 31"))
    if not 0 <= (item.due_months_after or 0) <= 12:
        add("due_months_after", _("the due month is 0 to 12 months after the period"))
    if errors:
        raise ValidationError(errors)


def catalogue_item_add(*, acting_user: Any, code: str, category: str, title: str, frequency: str,
                       effective_from: date, region_code: str | None = None, description: str = "",
                       is_finance: bool = False, has_personal_data: bool = False, due_day: int = 20,
                       due_months_after: int = 1, sort_order: int = 100, note: str = "") -> CatalogueItem:
    """A new item (version 1) of the acting user's catalogue: the city's, or a county's own."""
    if acting_user is not None:
        region_code = acting_user.region_id
    if not region_code or len(region_prefix(region_code)) not in (4, 6):
        raise ValidationError(_("only a city or a county keeps a catalogue"))
    require_in_scope(acting_user, "manage_catalogue", region_code)
    item = CatalogueItem(region_code=region_code, code=code.strip().upper(), version=1,
                         effective_from=effective_from, category=category, title=title.strip(),
                         description=description.strip(), frequency=frequency, is_finance=is_finance,
                         has_personal_data=has_personal_data, due_day=due_day, due_months_after=due_months_after,
                         sort_order=sort_order, note=note.strip())
    _validate_item(item)
    # A county's code must not shadow one of the city's (the public reads items by code).
    owners = [region_code, *[c for c in _ancestor_owner_codes(region_code)]]
    if CatalogueItem.objects.filter(region_code__in=owners, code=item.code).exists():
        raise ValidationError({"code": _("this catalogue already has an item with this code")})
    with transaction.atomic():
        item.save()
        audit_record("disclosure.catalogue_add", obj=item, region_code=region_code, user=acting_user,
                     changes={"code": item.code, "title": item.title, "frequency": item.frequency,
                              "effective_from": str(effective_from)})
    return item


def _ancestor_owner_codes(region_code: str) -> list[str]:
    prefix = region_prefix(region_code)
    return [prefix[:n].ljust(12, "0") for n in (4, 6) if n < len(prefix)]


def catalogue_item_revise(*, acting_user: Any, item: CatalogueItem, effective_from: date, note: str,
                          retired: bool = False, **changes: Any) -> CatalogueItem:
    """A new version of `item` in force from `effective_from` (after the latest version's date and not in the
    past), with the changed fields; `retired` ends the item from that date."""
    require_in_scope(acting_user, "manage_catalogue", item.region_code)
    if acting_user is not None and acting_user.region_id != item.region_code:
        raise ValidationError(_("only the catalogue's owner may change its items"))
    latest = (CatalogueItem.objects.filter(region_code=item.region_code, code=item.code)
              .order_by("-version").first())
    errors, add = _errors()
    if effective_from < timezone.localdate():
        add("effective_from", _("a new version cannot start in the past"))
    if latest and effective_from <= latest.effective_from:
        add("effective_from", _("a new version starts after the latest one (%(date)s)")
            % {"date": latest.effective_from.isoformat()})
    if not note.strip():
        add("note", _("say why the item changes"))
    if latest and latest.retired:
        add("retired", _("this item was retired"))
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        add("__all__", _("these fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if errors:
        raise ValidationError(errors)
    base = latest or item
    new = CatalogueItem(region_code=base.region_code, code=base.code, version=base.version + 1,
                        effective_from=effective_from, retired=retired, note=note.strip(),
                        **{f: changes.get(f, getattr(base, f)) for f in ITEM_FIELDS})
    _validate_item(new)
    with transaction.atomic():
        new.save()
        audit_record("disclosure.catalogue_revise", obj=new, region_code=new.region_code, user=acting_user,
                     changes={"code": new.code, "version": new.version, "retired": retired,
                              "effective_from": str(effective_from),
                              **{f: [str(getattr(base, f)), str(getattr(new, f))] for f in ITEM_FIELDS
                                 if getattr(base, f) != getattr(new, f)}})
    return new


# --- drafting --------------------------------------------------------------------------------------------


def _parse_lines(raw: Iterable[Any]) -> tuple[list[FinanceLine], list[str]]:
    out, problems = [], []
    for n, entry in enumerate(raw, start=1):
        get = entry.get if isinstance(entry, Mapping) else (lambda k, _e=entry: dict(
            zip(("kind", "subject", "amount"), _e, strict=False)).get(k))
        kind, subject, amount = get("kind"), str(get("subject") or "").strip(), rules.to_money(get("amount"))
        if kind not in FinanceLine.Kind.values:
            problems.append(_("line %(n)d: say whether it is income or expense") % {"n": n})
        elif not subject or len(subject) > 100:
            problems.append(_("line %(n)d: a subject of up to 100 characters is required") % {"n": n})
        elif amount is None or amount < 0:
            problems.append(_("line %(n)d: the amount must be a number of yuan with at most two decimals, "
                              "not negative") % {"n": n})
        else:
            out.append(FinanceLine(kind=kind, subject=subject, amount=amount, position=n))
    return out, problems


def _validate_content(d: Disclosure, item: CatalogueItem, lines: list[FinanceLine], problems: list[str]) -> None:
    errors, add = _errors()
    if not d.title.strip():
        add("title", _("a title is required"))
    if len(d.body) > 50_000:
        add("body", _("the text is too long"))
    for p in problems:
        add("lines", p)
    if len(lines) > MAX_LINES:
        add("lines", _("at most %(n)d lines") % {"n": MAX_LINES})
    if item.is_finance:
        if d.opening_balance is None:
            add("opening_balance", _("a finance disclosure needs the opening balance"))
        if d.closing_balance is None:
            add("closing_balance", _("a finance disclosure needs the closing balance"))
        if not problems and d.opening_balance is not None and d.closing_balance is not None:
            pairs = [(ln.kind, ln.amount) for ln in lines]
            if not rules.reconciles(d.opening_balance, d.closing_balance, pairs):
                add("closing_balance", _("the accounts do not reconcile: opening %(o)s + income − expense = "
                                         "%(e)s, but the closing balance is %(c)s")
                    % {"o": d.opening_balance, "e": rules.expected_closing(d.opening_balance, pairs),
                       "c": d.closing_balance})
    elif lines or d.opening_balance is not None or d.closing_balance is not None:
        add("lines", _("only finance items carry income and expense lines"))
    if errors:
        raise ValidationError(errors)


def _money_field(value: Any, name: str) -> Decimal | None:
    if value in (None, ""):
        return None
    amount = rules.to_money(value)
    if amount is None:
        raise ValidationError({name: _("enter an amount of yuan with at most two decimals")})
    return amount


def _period(item: CatalogueItem, period_start: date, period_label: str = "") -> periods.Period:
    p = periods.period_containing(item.frequency, period_start)
    if item.frequency == Frequency.ON_OCCURRENCE and period_label.strip():
        return periods.Period(period_label.strip()[:40], p.start, p.end)
    return p


def _original_exists(village_code: str, item_key: str, start: date, exclude: int | None = None) -> bool:
    qs = Disclosure.objects.filter(region_id=village_code, item_key=item_key, period_start=start,
                                   corrects__isnull=True)
    if exclude:
        qs = qs.exclude(pk=exclude)
    return qs.exists()


def disclosure_create(*, acting_user: Any, village: Region, item: CatalogueItem, period_start: date,
                      title: str, body: str = "", tables: Any = None, opening_balance: Any = None,
                      closing_balance: Any = None, lines: Iterable[Any] = (), period_label: str = "") -> Disclosure:
    """A draft of `village`'s disclosure of `item` for the period holding `period_start` (on-occurrence items:
    that date; `period_label` may name the occurrence)."""
    require_in_scope(acting_user, "draft_disclosure", village.code)
    if village.level != Level.VILLAGE:
        raise ValidationError({"village": _("disclosures are made by villages and communities")})
    if not applies_to(item, village.code):
        raise ValidationError({"item": _("this item is not in this village's catalogue")})
    current = item_in_force(item.key, timezone.localdate())
    if current is None:
        raise ValidationError({"item": _("this item is not in force")})
    if period_start > timezone.localdate():
        raise ValidationError({"period_start": _("a period cannot start in the future")})
    p = _period(current, period_start, period_label)
    if current.frequency != Frequency.ON_OCCURRENCE and _original_exists(village.code, current.key, p.start):
        raise ValidationError({"period_start": _("this item already has a disclosure for %(p)s; correct that one "
                                                 "instead") % {"p": p.label}})
    parsed, problems = _parse_lines(lines)
    d = Disclosure(region=village, item=current, item_key=current.key, period_label=p.label, period_start=p.start,
                   period_end=p.end, title=title.strip()[:200], body=body.strip(),
                   tables=masking.clean_tables(tables),
                   opening_balance=_money_field(opening_balance, "opening_balance"),
                   closing_balance=_money_field(closing_balance, "closing_balance"), created_by=_user(acting_user))
    _validate_content(d, current, parsed, problems)
    with transaction.atomic():
        d.save()
        _save_lines(d, parsed)
        audit_record("disclosure.create", obj=d, region_code=village.code, user=acting_user,
                     changes={"item": d.item_key, "period": d.period_label, "title": d.title,
                              "lines": len(parsed)})
    return d


def _user(acting_user: Any) -> Any:
    return acting_user if getattr(acting_user, "is_authenticated", False) else None


def _save_lines(d: Disclosure, parsed: list[FinanceLine]) -> None:
    for ln in parsed:
        ln.disclosure = d
    FinanceLine.objects.bulk_create(parsed)


def disclosure_update(*, acting_user: Any, disclosure: Disclosure, lines: Iterable[Any] | None = None,
                      **data: Any) -> Disclosure:
    """Changes a draft's content (title, body, tables, balances; `lines` replaces all finance lines)."""
    require_in_scope(acting_user, "draft_disclosure", disclosure.region_id)
    unknown = set(data) - set(CONTENT_FIELDS)
    if unknown:
        raise ValidationError(_("these fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))})
    with transaction.atomic():
        lock_state(disclosure)
        if disclosure.state != State.DRAFT:
            raise ValidationError(_("only a draft can be changed"))
        before = {f: getattr(disclosure, f) for f in CONTENT_FIELDS}
        for key in ("title", "body"):
            if key in data:
                setattr(disclosure, key, str(data[key] or "").strip()[:200 if key == "title" else None])
        if "tables" in data:
            disclosure.tables = masking.clean_tables(data["tables"])
        for key in ("opening_balance", "closing_balance"):
            if key in data:
                setattr(disclosure, key, _money_field(data[key], key))
        if lines is None:
            parsed, problems = list(disclosure.lines.all()), []
        else:
            parsed, problems = _parse_lines(lines)
        _validate_content(disclosure, disclosure.item, parsed, problems)
        disclosure.save()
        if lines is not None:
            disclosure.lines.all().delete()
            _save_lines(disclosure, parsed)
        changed = {f: ["…" if f in ("body", "tables") else str(before[f]), "…" if f in ("body", "tables")
                       else str(getattr(disclosure, f))] for f in CONTENT_FIELDS
                   if before[f] != getattr(disclosure, f)}
        if lines is not None:
            changed["lines"] = len(parsed)
        audit_record("disclosure.update", obj=disclosure, region_code=disclosure.region_id, user=acting_user,
                     changes=changed)
    return disclosure


def attachment_add(*, acting_user: Any, disclosure: Disclosure, upload: Any) -> Attachment:
    """Attaches a PDF, PNG or JPEG (checked by its bytes) to a draft; a refused file leaves nothing behind."""
    require_in_scope(acting_user, "draft_disclosure", disclosure.region_id)
    content_type, extension = files.check(upload)
    stored, sha = files.store(upload, extension)
    try:
        with transaction.atomic():
            lock_state(disclosure)
            if disclosure.state != State.DRAFT:
                raise ValidationError(_("only a draft can be changed"))
            if disclosure.attachments.count() >= 20:
                raise ValidationError({"file": _("at most 20 attachments")})
            name = (str(upload.name or "").replace("/", "_").replace("\\", "_").strip() or f"file.{extension}")[-200:]
            att = Attachment.objects.create(disclosure=disclosure, name=name, content_type=content_type,
                                            size=upload.size, sha256=sha, stored_name=stored)
            audit_record("disclosure.attachment_add", obj=disclosure, region_code=disclosure.region_id,
                         user=acting_user, changes={"file": name, "sha256": sha, "size": upload.size})
    except Exception:
        files.remove(stored)
        raise
    return att


def attachment_remove(*, acting_user: Any, attachment: Attachment) -> None:
    d = attachment.disclosure
    require_in_scope(acting_user, "draft_disclosure", d.region_id)
    with transaction.atomic():
        lock_state(d)
        if d.state != State.DRAFT:
            raise ValidationError(_("only a draft can be changed"))
        Attachment.objects.filter(pk=attachment.pk).delete()
        audit_record("disclosure.attachment_remove", obj=d, region_code=d.region_id, user=acting_user,
                     changes={"file": attachment.name})
        transaction.on_commit(lambda: files.remove(attachment.stored_name))


# --- the workflow ----------------------------------------------------------------------------------------


def _move(acting_user: Any, d: Disclosure, to: str, capabilities: Sequence[str], action: str,
          reason: str = "") -> Disclosure:
    if not _can(acting_user, capabilities, d.region_id):
        raise ValidationError(_("you may not do this for this village"))
    with transaction.atomic():
        if to == State.PUBLISHED:
            # One publication at a time per village: the ledger's numbering depends on it.
            Region.objects.select_for_update().filter(code=d.region_id).first()
        lock_state(d)
        before = MACHINE.check(d, to)
        d.state = to
        if to == State.DRAFT:
            d.return_reason = reason
        elif to == State.REVIEWED:
            d.reviewed_by, d.return_reason = _user(acting_user), ""
        elif to == State.APPROVED:
            d.approved_by = _user(acting_user)
        elif to == State.PUBLISHED:
            _check_publishable(d)
            d.published_at = timezone.now()
        d.save()
        changes: dict[str, Any] = {"state": [before, to]}
        if reason:
            changes["reason"] = reason
        if to == State.PUBLISHED:
            entry = ledger.append(d)
            _head_before_today(d.region_id)
            changes.update({"ledger_entry": entry.seq, "content_hash": entry.content_hash})
            code = d.region_id
            transaction.on_commit(lambda: _render(code))
        audit_record(action, obj=d, region_code=d.region_id, user=acting_user, changes=changes)
    return d


def _render(code: str) -> None:
    from lingtouyang.portal.render import render_village

    render_village(code)


def _head_before_today(code: str) -> None:
    """The daily head of yesterday, if the nightly command has not published it yet."""
    yesterday = timezone.localdate() - timedelta(days=1)
    if not LedgerHead.objects.filter(region_id=code, date=yesterday).exists():
        ledger.publish_heads(yesterday, code)


def _check_publishable(d: Disclosure) -> None:
    if d.corrects_id is None:
        if d.item.frequency != Frequency.ON_OCCURRENCE and Disclosure.objects.published().filter(
                region_id=d.region_id, item_key=d.item_key, period_start=d.period_start,
                corrects__isnull=True).exclude(pk=d.pk).exists():
            raise ValidationError(_("this period is already published; correct it instead"))
    elif Disclosure.objects.published().filter(corrects_id=d.corrects_id).exclude(pk=d.pk).exists():
        raise ValidationError(_("the disclosure this corrects was already corrected; correct the latest version"))


def disclosure_submit(*, acting_user: Any, disclosure: Disclosure) -> Disclosure:
    return _move(acting_user, disclosure, State.SUBMITTED, MOVERS[State.SUBMITTED], "disclosure.submit")


def disclosure_review(*, acting_user: Any, disclosure: Disclosure) -> Disclosure:
    return _move(acting_user, disclosure, State.REVIEWED, MOVERS[State.REVIEWED], "disclosure.review")


def disclosure_approve(*, acting_user: Any, disclosure: Disclosure) -> Disclosure:
    return _move(acting_user, disclosure, State.APPROVED, MOVERS[State.APPROVED], "disclosure.approve")


def disclosure_publish(*, acting_user: Any, disclosure: Disclosure) -> Disclosure:
    return _move(acting_user, disclosure, State.PUBLISHED, MOVERS[State.PUBLISHED], "disclosure.publish")


def disclosure_return(*, acting_user: Any, disclosure: Disclosure, reason: str) -> Disclosure:
    """Back to the drafter with a reason: by the supervision committee while in review, by the township after."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("say why it is returned")})
    capabilities = RETURNERS.get(disclosure.state, ())
    if not capabilities:
        MACHINE.check(disclosure, State.DRAFT)
    return _move(acting_user, disclosure, State.DRAFT, capabilities, "disclosure.return", reason[:300])


def correction_create(*, acting_user: Any, disclosure: Disclosure, reason: str, **content: Any) -> Disclosure:
    """A new version of a published disclosure that says what it corrects and why: a draft holding the same
    content (and copies of its attachments) unless `content` changes it, for the usual steps."""
    require_in_scope(acting_user, "draft_disclosure", disclosure.region_id)
    reason = (reason or "").strip()
    errors, add = _errors()
    if not reason:
        add("correction_reason", _("say what is corrected and why"))
    if disclosure.state != State.PUBLISHED:
        add("__all__", _("only a published disclosure can be corrected"))
    elif Disclosure.objects.filter(corrects=disclosure).exists():
        add("__all__", _("this version already has a correction; correct the latest version"))
    if errors:
        raise ValidationError(errors)
    lines = content.pop("lines", None)
    unknown = set(content) - set(CONTENT_FIELDS)
    if unknown:
        raise ValidationError(_("these fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))})
    source_lines = [{"kind": ln.kind, "subject": ln.subject, "amount": ln.amount} for ln in disclosure.lines.all()]
    parsed, problems = _parse_lines(source_lines if lines is None else lines)
    d = Disclosure(region_id=disclosure.region_id, item=disclosure.item, item_key=disclosure.item_key,
                   period_label=disclosure.period_label, period_start=disclosure.period_start,
                   period_end=disclosure.period_end, corrects=disclosure, correction_reason=reason[:2000],
                   version=disclosure.version + 1, created_by=_user(acting_user),
                   title=str(content.get("title", disclosure.title)).strip()[:200],
                   body=str(content.get("body", disclosure.body)).strip(),
                   tables=masking.clean_tables(content.get("tables", disclosure.tables)),
                   opening_balance=_money_field(content.get("opening_balance", disclosure.opening_balance),
                                                "opening_balance"),
                   closing_balance=_money_field(content.get("closing_balance", disclosure.closing_balance),
                                                "closing_balance"))
    _validate_content(d, disclosure.item, parsed, problems)
    copied: list[str] = []
    try:
        with transaction.atomic():
            d.save()
            _save_lines(d, parsed)
            for a in disclosure.attachments.all():
                stored = _copy_file(a)
                copied.append(stored)
                Attachment.objects.create(disclosure=d, name=a.name, content_type=a.content_type, size=a.size,
                                          sha256=a.sha256, stored_name=stored)
            audit_record("disclosure.correction_create", obj=d, region_code=d.region_id, user=acting_user,
                         changes={"corrects": disclosure.pk, "version": d.version, "reason": reason[:300]})
    except Exception:
        for name in copied:
            files.remove(name)
        raise
    return d


def _copy_file(a: Attachment) -> str:
    import secrets
    import shutil

    name = f"{secrets.token_hex(16)}{files.path_of(a.stored_name).suffix}"
    source = files.path_of(a.stored_name)
    if source.exists():
        shutil.copyfile(source, files.path_of(name))
    return name
