"""Every change to the joint review goes through these functions: validate, save, write the audit
row, in one transaction. A round's state changes only along TRANSITIONS, checked by `MACHINE` (the one state machine)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lingtouyang.audit.services import audit_record
from lingtouyang.core.scope import in_prefix
from lingtouyang.core.workflow import StateMachine, lock_state, require_in_scope
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Level, Region
from lingtouyang.review import engine
from lingtouyang.review.models import RULE_FIELDS, Candidate, Department, ReviewRound, Rule, RuleSet, Verdict

State = ReviewRound.State
# The state machine: every allowed move, and nothing else.
TRANSITIONS = {(State.DRAFT, State.OPEN), (State.OPEN, State.CLOSED)}
RULE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")
MAX_AGE_LIMITS = (18, 100)
NOTE_LENGTH = 200
MACHINE = StateMachine(TRANSITIONS, gettext_lazy("a round that is %(state)s cannot become %(to)s"))








# --- departments and rules -------------------------------------------------------------------


def reviewer_department(user: Any) -> Department | None:
    """A reviewer's account names its department by the department's name (User.department)."""
    name = (getattr(user, "department", "") or "").strip()
    return Department.objects.filter(name=name).first() if name else None


def _rule_error(message: str, code: str, field: str | None, added: bool) -> ValidationError:
    """An error about one rule, carrying which rule and which field, so a page can show it on its row."""
    return ValidationError(message, code="rule", params={"rule": code, "field": field, "added": added})


def _rule_errors(rule: Rule, added: bool) -> list[ValidationError]:
    code = rule.code
    if not RULE_CODE.match(code or ""):
        return [_rule_error(_('"%(rule)s" is not a rule code: use 1 to 20 letters, digits, - or _'), code, "code", added)]
    errors = []
    if not (rule.text or "").strip():
        errors.append(_rule_error(_("rule %(rule)s has no text"), code, "text", added))
    if rule.automatic and rule.parameter is None:
        errors.append(_rule_error(_("rule %(rule)s is checked automatically and needs a parameter"), code,
                                  "parameter", added))
    elif rule.automatic == Rule.Check.MAX_AGE and not MAX_AGE_LIMITS[0] <= rule.parameter <= MAX_AGE_LIMITS[1]:
        errors.append(_rule_error(_("rule %(rule)s: an age limit is between %(low)d and %(high)d"), code, "parameter",
                                  added))
        errors[-1].params.update(low=MAX_AGE_LIMITS[0], high=MAX_AGE_LIMITS[1])
    if not rule.automatic and rule.parameter is not None:
        errors.append(_rule_error(_("rule %(rule)s has a parameter but no automatic check"), code, "parameter", added))
    if not rule.automatic and rule.department_id is None:
        errors.append(_rule_error(_("rule %(rule)s needs an attesting department or an automatic check"), code,
                                  "department", added))
    if errors:
        return errors
    try:  # choices, lengths, ranges
        rule.full_clean(exclude=["rule_set"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                error = _rule_error(_("rule %(rule)s, %(label)s: %(error)s"), code, field, added)
                label = Rule._meta.get_field(field).verbose_name if field != "__all__" else ""
                error.params.update(error=message, label=label)
                errors.append(error)
    return errors


def ruleset_check(
    *, effective_from: date, edits: dict[str, dict[str, Any]] | None = None, added: Iterable[dict[str, Any]] = (),
    removed: Iterable[str] = (), base_version: int | None = None,
) -> tuple[RuleSet | None, list[Rule]]:
    """The latest version and the rules a new version would hold (unsaved), or every reason it cannot be.
    Rule errors are gathered under "rules", each naming its rule (params "rule", "field", "added")."""
    latest = RuleSet.objects.order_by("-version").first()
    if base_version is not None and (latest.version if latest else 0) != base_version:
        raise ValidationError(_("version %(v)d has been published since; start again from it")
                              % {"v": latest.version if latest else 0})
    if latest is not None and effective_from < latest.effective_from:
        raise ValidationError({"effective_from": _("a new version cannot take effect before the current one")})
    old = list(latest.rules.select_related("department")) if latest else []
    rows = {r.code: {f: getattr(r, f) for f in RULE_FIELDS} for r in old}
    removed = set(removed)
    unknown = sorted((set(edits or {}) | removed) - set(rows))
    if unknown:
        raise ValidationError(_("no such rule: %(codes)s") % {"codes": ", ".join(unknown)})
    errors: list[ValidationError] = []
    for code, changes in (edits or {}).items():
        rows[code].update({k: v for k, v in changes.items() if k in RULE_FIELDS})
    new_codes = set()
    for rule in added:
        code = (rule.get("code") or "").strip()
        if not code or code in rows:
            errors.append(_rule_error(_("each new rule needs a code of its own"), code, "code", True))
            continue
        rows[code] = {f: rule.get(f) for f in RULE_FIELDS}
        if rows[code]["order"] is None:  # unless placed, a new rule comes last
            rows[code]["order"] = max((r["order"] or 0 for r in rows.values()), default=-1) + 1
        new_codes.add(code)
    for code in removed:
        del rows[code]
    rules = []
    for code, row in rows.items():
        values = {k: v for k, v in row.items() if v is not None or k in ("parameter", "department")}
        values["automatic"] = values.get("automatic") or ""
        values["text"] = (values.get("text") or "").strip()
        rule = Rule(code=code, **values)
        errors += _rule_errors(rule, code in new_codes)
        rules.append(rule)
    if errors:
        raise ValidationError({"rules": errors})
    if latest is not None and not _differs(old, rules):
        raise ValidationError(_("these rules are the same as version %(v)d; change something first")
                              % {"v": latest.version})
    return latest, rules


def _differs(old: list[Rule], new: list[Rule]) -> bool:
    def key(r: Rule) -> tuple[Any, ...]:
        return (r.code, *(r.department_id if f == "department" else getattr(r, f) for f in RULE_FIELDS))
    return sorted(map(key, old), key=str) != sorted(map(key, new), key=str)


def ruleset_publish(
    *, acting_user: Any, effective_from: date, note: str = "", edits: dict[str, dict[str, Any]] | None = None,
    added: Iterable[dict[str, Any]] = (), removed: Iterable[str] = (), base_version: int | None = None,
) -> RuleSet:
    """A new version: a copy of the latest one with `edits` (by rule code), `added` rules and `removed`
    codes. The old version and every verdict that used it stay as they were. `base_version`, when given,
    is the version the editor started from: publishing over a newer one is refused."""
    if acting_user is not None and not acting_user.has_capability("manage_rules"):
        raise ValidationError(_("this is outside your jurisdiction"))
    note = (note or "").strip()
    if len(note) > NOTE_LENGTH:
        raise ValidationError({"note": _("a note is at most %(n)d characters") % {"n": NOTE_LENGTH}})
    added, removed = list(added), list(removed)
    with transaction.atomic():
        latest, rules = ruleset_check(effective_from=effective_from, edits=edits, added=added, removed=removed,
                                      base_version=base_version)
        # The version number follows the one the rules were copied from; if someone published that
        # number meanwhile, the unique version refuses this one instead of silently dropping their change.
        version = (latest.version if latest else 0) + 1
        try:
            with transaction.atomic():
                rule_set = RuleSet.objects.create(version=version, effective_from=effective_from, note=note,
                                                  published_by=acting_user)
        except IntegrityError:
            raise ValidationError(_("version %(v)d has been published since; start again from it")
                                  % {"v": version}) from None
        for rule in rules:
            rule.rule_set = rule_set
        Rule.objects.bulk_create(rules)
        before = {r.code for r in latest.rules.all()} if latest else set()
        after = {r.code for r in rules}
        edited = sorted(code for code in (edits or {}) if code in after)
        audit_record("ruleset.publish", obj=rule_set, region_code=getattr(acting_user, "region_id", "") or "",
                     user=acting_user, changes={
                         "version": [latest.version if latest else None, version],
                         "effective_from": [str(latest.effective_from) if latest else None, str(effective_from)],
                         "rules": [len(before), len(rules)], "edited": [None, edited],
                         "added": [None, sorted(after - before)], "removed": [None, sorted(before - after)]})
    return rule_set


# --- rounds ------------------------------------------------------------------------------------


def round_create(
    *, acting_user: Any, region: Region, name: str, election_date: date, departments: Iterable[Department],
) -> ReviewRound:
    require_in_scope(acting_user, "run_review", region.code)
    departments = list(departments)
    errors: dict[str, list[str]] = {}
    if region.level != Level.COUNTY:
        errors.setdefault("region", []).append(_("a round is held by a county"))
    if not name.strip():
        errors.setdefault("name", []).append(_("a name is required"))
    if not departments:
        errors.setdefault("departments", []).append(_("choose at least one department"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        review_round = ReviewRound.objects.create(region=region, name=name.strip(), election_date=election_date,
                                                  created_by=acting_user)
        review_round.departments.set(departments)
        audit_record("review.round_create", obj=review_round, region_code=region.code, user=acting_user,
                     changes={"name": [None, review_round.name], "election_date": [None, str(election_date)],
                              "departments": [None, [d.name for d in departments]]})
    return review_round


def round_add_candidates(
    *, acting_user: Any, review_round: ReviewRound, people: Iterable[Person],
    standing_for: str = Candidate.StandingFor.PRINCIPAL,
) -> list[Candidate]:
    """All or nothing: one person outside the county or already in the round refuses the lot."""
    require_in_scope(acting_user, "run_review", review_round.region_id)
    people = list(people)
    if standing_for not in Candidate.StandingFor.values:
        raise ValidationError({"standing_for": _("choose what the candidates stand for")})
    if not people:
        raise ValidationError({"people": _("choose at least one person")})
    county = review_round.region.prefix
    outside = [p.name for p in people if not in_prefix(p.region_id, county)]
    if outside:
        raise ValidationError({"people": _("not on this county's roster: %(names)s") % {"names": "、".join(outside)}})
    ids = [p.pk for p in people]
    already = set(Candidate.objects.filter(round=review_round, person_id__in=ids).values_list("person_id", flat=True))
    twice = {i for i in ids if ids.count(i) > 1}
    if already or twice:
        names = "、".join(sorted({p.name for p in people if p.pk in already | twice}))
        raise ValidationError({"people": _("already a candidate in this round: %(names)s") % {"names": names}})
    with transaction.atomic():
        lock_state(review_round)
        if review_round.state != State.DRAFT:
            raise ValidationError(_("candidates can only be added while the round is a draft"))
        candidates = Candidate.objects.bulk_create(
            [Candidate(round=review_round, person=p, standing_for=standing_for) for p in people])
        audit_record("review.candidates_add", obj=review_round, region_code=review_round.region_id, user=acting_user,
                     changes={"people": [None, ids], "standing_for": [None, standing_for]})
    return candidates


def _automatic_verdicts(review_round: ReviewRound, rule_set: RuleSet) -> list[Verdict]:
    rules = [r for r in rule_set.rules.all() if r.automatic]
    verdicts = []
    for candidate in review_round.candidates.select_related("person"):
        for rule in rules:
            if not engine.applies(rule.applies_to, candidate.standing_for):
                continue
            if rule.automatic == Rule.Check.MAX_AGE:
                outcome = engine.check_max_age(candidate.person.birth_date, review_round.election_date, rule.parameter)
                verdicts.append(Verdict(candidate=candidate, rule=rule, passed=outcome.passed, reason=outcome.reason))
    return verdicts


def round_open(*, acting_user: Any, review_round: ReviewRound) -> ReviewRound:
    """Draft → open: the rules in force on the election day are pinned, and data-decidable rules are
    checked at once and recorded as the system's verdicts."""
    require_in_scope(acting_user, "run_review", review_round.region_id)
    with transaction.atomic():
        lock_state(review_round)
        before = MACHINE.check(review_round, State.OPEN)
        if not review_round.candidates.exists():
            raise ValidationError(_("add at least one candidate before opening the round"))
        rule_set = RuleSet.objects.current(review_round.election_date)
        if rule_set is None:
            raise ValidationError(_("no eligibility rules are in force on the election date"))
        review_round.state, review_round.rule_set = State.OPEN, rule_set
        review_round.opened_at = timezone.now()
        review_round.save(update_fields=["state", "rule_set", "opened_at"])
        verdicts = Verdict.objects.bulk_create(_automatic_verdicts(review_round, rule_set))
        audit_record("review.round_open", obj=review_round, region_code=review_round.region_id, user=acting_user,
                     changes={"state": [before, review_round.state], "rule_set": [None, rule_set.version],
                              "automatic_failures": [None, sum(1 for v in verdicts if not v.passed)]})
    return review_round


def pending_count(review_round: ReviewRound) -> int:
    """Department verdicts still missing: candidates × departments − verdicts given."""
    expected = review_round.candidates.count() * review_round.departments.count()
    given = Verdict.objects.filter(candidate__round=review_round, department__isnull=False).count()
    return expected - given


def round_close(*, acting_user: Any, review_round: ReviewRound, force: bool = False, reason: str = "") -> ReviewRound:
    """Open → closed. With verdicts still pending only when forced, and a forced close says why."""
    require_in_scope(acting_user, "run_review", review_round.region_id)
    reason = reason.strip()
    with transaction.atomic():
        lock_state(review_round)
        before = MACHINE.check(review_round, State.CLOSED)
        pending = pending_count(review_round)
        if pending and not force:
            raise ValidationError(_("%(n)d verdicts are still pending; close anyway only with a reason")
                                  % {"n": pending})
        if pending and not reason:
            raise ValidationError({"reason": _("say why the round closes with verdicts pending")})
        review_round.state, review_round.close_reason = State.CLOSED, reason if pending else ""
        review_round.closed_at = timezone.now()
        review_round.save(update_fields=["state", "close_reason", "closed_at"])
        audit_record("review.round_close", obj=review_round, region_code=review_round.region_id, user=acting_user,
                     changes={"state": [before, review_round.state], "pending": [None, pending],
                              **({"reason": [None, reason]} if pending else {})})
    return review_round


# --- verdicts ----------------------------------------------------------------------------------


def verdict_record(
    *, acting_user: Any, candidate: Candidate, passed: bool, reason: str = "", department: Department | None = None,
) -> Verdict:
    """A reviewer's pass or fail for their own department, in their own county, on an open round.
    `department` is for the command line only (demo data); a reviewer's department is their account's."""
    review_round = candidate.round
    require_in_scope(acting_user, "review_verdict", review_round.region_id)
    if acting_user is not None or department is None:
        department = reviewer_department(acting_user)
    if department is None or not review_round.departments.filter(pk=department.pk).exists():
        raise ValidationError(_("your department does not take part in this round"))
    reason = reason.strip()
    if not passed and not reason:
        raise ValidationError({"reason": _("a fail needs a reason")})
    with transaction.atomic():
        lock_state(review_round)
        if review_round.state != State.OPEN:
            raise ValidationError(_("verdicts can only be recorded while the round is open"))
        if Verdict.objects.filter(candidate=candidate, department=department).exists():
            raise ValidationError(_("your department has already given its verdict on this candidate"))
        verdict = Verdict.objects.create(candidate=candidate, department=department, passed=passed, reason=reason,
                                         decided_by=acting_user)
        audit_record("review.verdict", obj=verdict, region_code=review_round.region_id, user=acting_user,
                     changes={"candidate": [None, candidate.pk], "person": [None, candidate.person_id],
                              "department": [None, department.name], "passed": [None, passed],
                              **({"reason": [None, reason]} if reason else {})})
    return verdict
