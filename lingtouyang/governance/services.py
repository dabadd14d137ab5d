"""Every change to checklists, village decisions and their compliance checks goes through these functions:
validate, save, write the audit row, in one transaction. A refusal raises ValidationError (translated) and
changes nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lingtouyang.audit.services import audit_record
from lingtouyang.core.workflow import require_in_scope
from lingtouyang.governance import quorum
from lingtouyang.governance.models import (
    Body,
    Checklist,
    ChecklistItem,
    ComplianceCheck,
    Decision,
    DecisionStep,
    Matter,
    Step,
)
from lingtouyang.people.codes import DIRECTOR_POSTS, Post
from lingtouyang.people.models import Appointment
from lingtouyang.regions.models import Level, Region

CAPABILITY = "record_decisions"
CHECKLIST_CAPABILITY = "manage_checklists"
MAX_AMOUNT = Decimal("999999999999.99")
MAX_ITEMS = 100


def _text(errors: dict[str, list[str]], field: str, raw: str, limit: int, required: bool = False) -> str:
    value = (raw or "").strip()
    if required and not value:
        errors.setdefault(field, []).append(_("this field is required"))
    if len(value) > limit:
        errors.setdefault(field, []).append(_("at most %(n)d characters") % {"n": limit})
    return value


# --- checklists ----------------------------------------------------------------------------------------


def _require_city(acting_user: Any) -> None:
    """Checklists are the city's policy: the capability, bound to a city (or above)."""
    if acting_user is None:
        return
    if not acting_user.has_capability(CHECKLIST_CAPABILITY) or len(acting_user.scope_prefix) > 4:
        raise ValidationError(_("checklists are kept by the city"))


def checklist_publish(*, acting_user: Any, code: str, name: str, effective_from: date,
                      items: Sequence[tuple[str, str]], note: str = "") -> Checklist:
    """A new version of a checklist (or the first of a new one): its measures as (aspect, text) in order. A
    published version is never edited; a new one takes effect after the latest and not in the past, so the
    version a decision was checked against stays what it was."""
    _require_city(acting_user)
    errors: dict[str, list[str]] = {}
    code = _text(errors, "code", code, 40, required=True)
    name = _text(errors, "name", name, 200, required=True)
    note = _text(errors, "note", note, 200)
    if code and not all(c.isascii() and (c.isalnum() or c in "_-") for c in code):
        errors["code"] = [_("letters, digits, - and _ only")]
    clean: list[tuple[str, str]] = []
    for n, (aspect, text) in enumerate(items, start=1):
        aspect, text = (aspect or "").strip(), (text or "").strip()
        if not text:
            continue
        if len(aspect) > 60 or len(text) > 500:
            errors.setdefault("items", []).append(_("measure %(n)d is too long (aspect 60, text 500 characters)")
                                                  % {"n": n})
        clean.append((aspect, text))
    if not clean:
        errors.setdefault("items", []).append(_("a checklist has at least one measure"))
    elif len(clean) > MAX_ITEMS:
        errors.setdefault("items", []).append(_("at most %(n)d measures") % {"n": MAX_ITEMS})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The latest version under a lock on its row: two publications cannot both take the next number.
        latest = Checklist.objects.select_for_update().filter(code=code).order_by("-version").first()
        if latest is not None:
            if effective_from <= latest.effective_from:
                raise ValidationError({"effective_from": _("a new version takes effect after the latest one (%(day)s)")
                                       % {"day": f"{latest.effective_from:%Y-%m-%d}"}})
            if effective_from < timezone.localdate():
                raise ValidationError({"effective_from": _("a new version cannot take effect in the past")})
        checklist = Checklist.objects.create(code=code, name=name, version=(latest.version + 1) if latest else 1,
                                             effective_from=effective_from, note=note, created_by=acting_user)
        ChecklistItem.objects.bulk_create([ChecklistItem(checklist=checklist, number=n, aspect=a, text=t)
                                           for n, (a, t) in enumerate(clean, start=1)])
        audit_record("checklist.publish", obj=checklist, user=acting_user,
                     changes={"code": code, "version": [latest.version if latest else None, checklist.version],
                              "effective_from": str(effective_from), "measures": len(clean)})
    return checklist


def checklist_in_force(code: str, on: date) -> Checklist | None:
    return Checklist.objects.filter(code=code, effective_from__lte=on).order_by("-effective_from").first()


# --- decisions -----------------------------------------------------------------------------------------


def _amount(errors: dict[str, list[str]], raw: Any) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).strip()).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        errors["amount"] = [_("an amount in yuan, e.g. 50000")]
        return None
    if not value.is_finite() or not Decimal(0) <= value <= MAX_AMOUNT:
        errors["amount"] = [_("an amount in yuan, e.g. 50000")]
        return None
    return value


def decision_create(*, acting_user: Any, region: Region, title: str, matter: str, amount: Any = None,
                    major: bool = True) -> Decision:
    """A village decision to be taken through the six steps."""
    require_in_scope(acting_user, CAPABILITY, region.code)
    errors: dict[str, list[str]] = {}
    title = _text(errors, "title", title, 200, required=True)
    if region.level != Level.VILLAGE:
        errors["region"] = [_("a decision belongs to a village or community")]
    if matter not in Matter.values:
        errors["matter"] = [_("choose what the decision is about")]
    value = _amount(errors, amount)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        decision = Decision.objects.create(region=region, title=title, matter=matter, amount=value, major=major,
                                           created_by=acting_user)
        audit_record("decision.create", obj=decision, region_code=region.code, user=acting_user,
                     changes={"title": [None, title], "matter": [None, matter],
                              "amount": [None, str(value) if value is not None else None], "major": [None, major]})
    return decision


def holds_both_top_posts(village: str, on: date) -> bool:
    """一肩挑: the village's party secretary on that day is also its (villagers' or residents') director."""
    current = Appointment.objects.filter(region_id=village).current(on)
    secretaries = current.filter(post=Post.PARTY_SECRETARY).values("person_id")
    return current.filter(post__in=DIRECTOR_POSTS, person_id__in=secretaries).exists()


def _count(errors: dict[str, list[str]], field: str, raw: Any) -> int:
    if raw in (None, ""):
        errors[field] = [_("this field is required")]
        return 0
    try:
        value = int(raw)
    except (TypeError, ValueError):
        errors[field] = [_("a whole number")]
        return 0
    if value < 0:
        errors[field] = [_("counts are not negative")]
    return value


def decision_step_record(*, acting_user: Any, decision: Decision, step: int, held_on: date, merge: bool = False,
                         body: str = "", entitled: Any = None, present: Any = None, approve: Any = None,
                         place: str = "", note: str = "") -> DecisionStep:
    """Records the decision's next step. Steps come in order, each on or after the one before and not in the
    future; step 2 merges into step 1 only where the secretary is also the director (一肩挑) on that day;
    steps 3 and 4 are meetings whose counts are checked by quorum.check (a meeting that fails is recorded
    and may be held again); steps 5 and 6 say where the publication was made."""
    require_in_scope(acting_user, CAPABILITY, decision.region_id)
    errors: dict[str, list[str]] = {}
    note = _text(errors, "note", note, 500)
    place = _text(errors, "place", place, 200, required=step in (5, 6))
    if step not in Step.values:
        raise ValidationError({"step": _("no such step")})
    if held_on > timezone.localdate():
        errors["held_on"] = [_("a step cannot be recorded for a day in the future")]
    if merge and step != Step.PROPOSAL:
        errors["merge"] = [_("only the proposal can be merged with the deliberation")]
    counts: tuple[int, int, int] | None = None
    verdict: quorum.Verdict | None = None
    if step in quorum.STEP_BODIES:
        if body not in quorum.STEP_BODIES[step]:
            errors["body"] = [_("choose the meeting that voted")]
        elif step == Step.RESOLUTION and decision.matter in quorum.ASSEMBLY_ONLY and body == Body.REPRESENTATIVES:
            errors["body"] = [_("this matter is for the villagers' meeting to decide (Organic Law of the Villagers' Committees, art. 24)")]
        counts = (_count(errors, "entitled", entitled), _count(errors, "present", present),
                  _count(errors, "approve", approve))
        if not errors and (problem := quorum.counts_problem(*counts)):
            errors["present"] = [problem]
        if not errors:
            verdict = quorum.check(body, *counts)
    else:
        body = ""
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        fresh = Decision.objects.select_for_update().get(pk=decision.pk)
        decision.steps_done, decision.failed, decision.last_step_on = fresh.steps_done, fresh.failed, fresh.last_step_on
        expected = decision.steps_done + 1
        if decision.steps_done == 6:
            raise ValidationError({"step": _("every step of this decision is recorded")})
        if step != expected:
            raise ValidationError({"step": _("steps are recorded in order: the next one is %(n)d, %(label)s")
                                   % {"n": expected, "label": Step(expected).label}})
        if decision.last_step_on and held_on < decision.last_step_on:
            raise ValidationError({"held_on": _("the step before was on %(day)s; this one cannot come earlier")
                                   % {"day": f"{decision.last_step_on:%Y-%m-%d}"}})
        if merge and not holds_both_top_posts(decision.region_id, held_on):
            raise ValidationError({"merge": _("the deliberation merges with the proposal only where the party "
                                              "secretary is also the director; on %(day)s this village's "
                                              "are not one person") % {"day": f"{held_on:%Y-%m-%d}"}})
        entitled_, present_, approve_ = counts if counts else (None, None, None)
        passed = verdict.passed if verdict else True
        row = DecisionStep.objects.create(decision=decision, step=step, held_on=held_on, body=body,
                                          entitled=entitled_, present=present_, approve=approve_, passed=passed,
                                          place=place, note=note, recorded_by=acting_user)
        before = [decision.steps_done, decision.failed]
        if merge:
            DecisionStep.objects.create(decision=decision, step=Step.DELIBERATION, held_on=held_on, merged=True,
                                        note=note, recorded_by=acting_user)
        if passed:
            decision.steps_done = step + (1 if merge else 0)
        decision.failed, decision.last_step_on = not passed, held_on
        decision.save(update_fields=["steps_done", "failed", "last_step_on", "updated_at"])
        changes: dict[str, Any] = {"step": step, "held_on": str(held_on), "merged": merge, "passed": passed,
                                   "steps_done": [before[0], decision.steps_done], "failed": [before[1], decision.failed]}
        if counts:
            changes.update(body=body, entitled=entitled_, present=present_, approve=approve_,
                           quorate=verdict.quorate if verdict else None)
        if place:
            changes["place"] = place
        audit_record("decision.step", obj=decision, region_code=decision.region_id, user=acting_user, changes=changes)
    return row


def decision_reference_day(decision: Decision) -> date:
    """The day a decision's checklists are read for: its proposal's, or the day it was entered."""
    first = decision.steps.filter(step=Step.PROPOSAL).order_by("id").values_list("held_on", flat=True).first()
    return first or timezone.localdate(decision.created_at)


def decision_checks_record(*, acting_user: Any, decision: Decision, checklist: Checklist,
                           answers: Mapping[int, tuple[bool, str]]) -> int:
    """Records, for measures of a checklist, whether the decision complied (and a note); answering a
    measure again replaces the answer (the audit row keeps the old). The checklist must be the version in
    force on the decision's proposal day. Returns the number of answers written."""
    require_in_scope(acting_user, CAPABILITY, decision.region_id)
    day = decision_reference_day(decision)
    in_force = checklist_in_force(checklist.code, day)
    if in_force is None or in_force.pk != checklist.pk:
        raise ValidationError(_("check this decision against the version in force on %(day)s") % {"day": f"{day:%Y-%m-%d}"})
    items = {i.pk: i for i in ChecklistItem.objects.filter(checklist=checklist)}
    if not answers:
        raise ValidationError(_("answer at least one measure"))
    unknown = [k for k in answers if k not in items]
    if unknown:
        raise ValidationError(_("these are not measures of this checklist: %(ids)s")
                              % {"ids": ", ".join(str(k) for k in unknown)})
    errors: list[str] = []
    for item_id, (_complied, note) in answers.items():
        if len(note.strip()) > 300:
            errors.append(_("measure %(n)d: the note has at most 300 characters") % {"n": items[item_id].number})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Decision.objects.select_for_update().only("id").get(pk=decision.pk)
        before = {item: [c, n] for item, c, n in ComplianceCheck.objects.filter(decision=decision, item_id__in=answers)
                  .values_list("item_id", "complied", "note")}
        rows = [ComplianceCheck(decision=decision, item_id=k, complied=bool(c), note=n.strip(), recorded_by=acting_user)
                for k, (c, n) in sorted(answers.items())]
        ComplianceCheck.objects.bulk_create(rows, update_conflicts=True, unique_fields=["decision", "item"],
                                            update_fields=["complied", "note", "recorded_by", "updated_at"])
        changes = {str(items[r.item_id].number): [before.get(r.item_id), [r.complied, r.note]] for r in rows
                   if before.get(r.item_id) != [r.complied, r.note]}
        audit_record("decision.checks", obj=decision, region_code=decision.region_id, user=acting_user,
                     changes={"checklist": f"{checklist.code} v{checklist.version}", "answers": changes})
    return len(rows)
