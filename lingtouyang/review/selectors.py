"""Reads of the joint review, always through the scoped querysets. A candidate's status is derived from
the verdicts (never stored), so it cannot disagree with them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from lingtouyang.review.models import RULE_FIELDS, Candidate, Department, ReviewRound, Rule, RuleSet, Verdict

CLEARED, FAILED, PENDING = "cleared", "failed", "pending"


def round_list(user: Any) -> QuerySet[ReviewRound]:
    return (ReviewRound.objects.visible_to(user).select_related("region", "rule_set")
            .annotate(candidate_count=Count("candidates")).order_by("region_id", "-id"))


@dataclass
class Row:
    candidate: Candidate
    cells: list[Verdict | None]  # one per department, in the round's order
    automatic: list[Verdict]
    status: str = PENDING
    failures: list[Verdict] = field(default_factory=list)


@dataclass
class Progress:
    department: Department
    done: int
    total: int

    @property
    def lagging(self) -> bool:
        return self.done < self.total


@dataclass
class Matrix:
    departments: list[Department]
    rows: list[Row]
    progress: list[Progress]

    @property
    def laggards(self) -> list[Progress]:
        return sorted((p for p in self.progress if p.lagging), key=lambda p: p.done - p.total)

    @property
    def cleared(self) -> int:
        return sum(1 for r in self.rows if r.status == CLEARED)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.rows if r.status == FAILED)


def status_of(cells: list[Verdict | None], automatic: list[Verdict]) -> str:
    """Cleared only when every department passed and no automatic rule failed; one fail blocks."""
    given = [v for v in [*cells, *automatic] if v is not None]
    if any(not v.passed for v in given):
        return FAILED
    return CLEARED if all(v is not None for v in cells) else PENDING


def round_matrix(review_round: ReviewRound) -> Matrix:
    """Candidates × departments, in three queries whatever the size of the round."""
    departments = list(review_round.departments.order_by("order", "id"))
    candidates = list(review_round.candidates.select_related("person", "person__region").order_by("id"))
    verdicts = (Verdict.objects.filter(candidate__round=review_round)
                .select_related("department", "decided_by", "rule").order_by("id"))
    by_dept: dict[tuple[int, int], Verdict] = {}
    auto: dict[int, list[Verdict]] = {}
    for v in verdicts:
        if v.department_id is None:
            auto.setdefault(v.candidate_id, []).append(v)
        else:
            by_dept[(v.candidate_id, v.department_id)] = v
    rows = []
    for c in candidates:
        cells = [by_dept.get((c.pk, d.pk)) for d in departments]
        automatic = auto.get(c.pk, [])
        row = Row(c, cells, automatic, status_of(cells, automatic))
        row.failures = [v for v in [*automatic, *cells] if v is not None and not v.passed]
        rows.append(row)
    progress = [Progress(d, sum(1 for r in rows if r.cells[i] is not None), len(rows))
                for i, d in enumerate(departments)]
    return Matrix(departments, rows, progress)


def reviewer_queue(user: Any, department: Department | None) -> QuerySet[Candidate]:
    """Candidates in open rounds of the reviewer's county that their department has yet to decide."""
    if department is None:
        return Candidate.objects.none()
    mine = Verdict.objects.filter(candidate=OuterRef("pk"), department=department)
    return (Candidate.objects.visible_to(user, "review_verdict")
            .filter(round__state=ReviewRound.State.OPEN, round__departments=department)
            .filter(~Exists(mine)).select_related("person", "person__region", "round")
            .order_by("round_id", "id"))


def reviewer_done(user: Any, department: Department | None) -> QuerySet[Verdict]:
    """The verdicts this department has recorded in the reviewer's county, latest first."""
    if department is None:
        return Verdict.objects.none()
    visible = Candidate.objects.visible_to(user, "review_verdict")
    return (Verdict.objects.filter(department=department, candidate__in=visible)
            .select_related("candidate__person", "candidate__round", "department", "rule", "decided_by")
            .order_by("-id"))


@dataclass
class Clearance:
    status: str  # CLEARED, FAILED or PENDING
    candidate: Candidate


def clearance(person_ids: Iterable[int]) -> dict[int, Clearance]:
    """Each person's standing in the latest opened round they were a candidate in, in one query. People
    never put through a round are absent: for the appointment and recruitment checks, not cleared."""
    rows = (Candidate.objects.filter(person_id__in=list(person_ids))
            .exclude(round__state=ReviewRound.State.DRAFT).select_related("round")
            .annotate(department_count=Count("round__departments", distinct=True),
                      passes=Count("verdicts", filter=Q(verdicts__department__isnull=False, verdicts__passed=True),
                                   distinct=True),
                      fails=Count("verdicts", filter=Q(verdicts__passed=False), distinct=True))
            .order_by("person_id", "-round_id"))
    found: dict[int, Clearance] = {}
    for c in rows:
        if c.person_id in found:
            continue
        status = FAILED if c.fails else CLEARED if c.passes >= c.department_count else PENDING
        found[c.person_id] = Clearance(status, c)
    return found


@dataclass
class CandidateForm:
    """Everything the printed joint-review form shows for one candidate, read in a few queries."""

    round: ReviewRound
    candidate: Candidate
    cells: list[tuple[Department, Verdict | None]]  # one per participating department, in the round's order
    automatic: list[Verdict]
    status: str


def candidate_form(candidate: Candidate) -> CandidateForm:
    review_round = candidate.round
    departments = list(review_round.departments.order_by("order", "id"))
    verdicts = list(Verdict.objects.filter(candidate=candidate)
                    .select_related("department", "decided_by", "rule").order_by("id"))
    by_dept = {v.department_id: v for v in verdicts if v.department_id is not None}
    automatic = [v for v in verdicts if v.department_id is None]
    cells = [(d, by_dept.get(d.pk)) for d in departments]
    return CandidateForm(review_round, candidate, cells, automatic, status_of([v for _, v in cells], automatic))


# --- eligibility rule versions -------------------------------------------------------------------

IN_FORCE, SCHEDULED, SUPERSEDED = "in_force", "scheduled", "superseded"


@dataclass
class Version:
    rule_set: RuleSet
    standing: str  # IN_FORCE, SCHEDULED or SUPERSEDED


def rule_versions(today: date) -> list[Version]:
    """Every published version, newest first, with its standing today: the one in force, the ones
    scheduled to take effect later, and the ones superseded."""
    current = RuleSet.objects.current(today)
    return [Version(v, IN_FORCE if current is not None and v.pk == current.pk
                    else SCHEDULED if v.effective_from > today else SUPERSEDED)
            for v in RuleSet.objects.select_related("published_by").order_by("-version")]


@dataclass
class FieldChange:
    field: str
    label: str
    before: Any
    after: Any


@dataclass
class RuleChange:
    before: Rule
    after: Rule
    fields: list[FieldChange]

    @property
    def code(self) -> str:
        return self.after.code


@dataclass
class RulesDiff:
    changed: list[RuleChange]
    added: list[Rule]
    removed: list[Rule]

    @property
    def empty(self) -> bool:
        return not (self.changed or self.added or self.removed)


def _shown(rule: Rule, name: str) -> Any:
    """A rule's field as a reader sees it: labels for choices, the department's name."""
    if name == "department":
        return rule.department.name if rule.department_id else ""
    if name in ("severity", "automatic", "applies_to"):
        return getattr(rule, f"get_{name}_display")()
    return getattr(rule, name)


def _label(name: str) -> str:
    return str(_("order")) if name == "order" else str(Rule._meta.get_field(name).verbose_name)


def rules_diff(old: Iterable[Rule], new: Iterable[Rule]) -> RulesDiff:
    """What changed between two lists of rules (saved or not), matched by code, in the new order."""
    before = {r.code: r for r in old}
    after = list(new)
    changed = []
    for rule in after:
        was = before.get(rule.code)
        if was is None:
            continue
        fields = [FieldChange(f, _label(f), _shown(was, f), _shown(rule, f))
                  for f in RULE_FIELDS
                  if (getattr(was, f"{f}_id") if f == "department" else getattr(was, f))
                  != (getattr(rule, f"{f}_id") if f == "department" else getattr(rule, f))]
        if fields:
            changed.append(RuleChange(was, rule, fields))
    codes = {r.code for r in after}
    return RulesDiff(changed, [r for r in after if r.code not in before],
                     [r for r in before.values() if r.code not in codes])


def ruleset_diff(old: RuleSet, new: RuleSet) -> RulesDiff:
    """From one published version to another, in two queries."""
    def rules(rule_set: RuleSet) -> list[Rule]:
        return list(rule_set.rules.select_related("department").order_by("order", "id"))
    return rules_diff(rules(old), rules(new))
