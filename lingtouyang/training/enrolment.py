"""Who a batch enrolment is about: the people an audience rule picks in a region, or the ID numbers of an
Excel list. Both resolve to person ids in bulk (a few queries whatever the size); the checks (scope,
duplicates, clashes, capacity) are the services' (`services.enrolment_preview`).

The rules follow the term structure report (elections/figures.py): the "two committees" are
TWO_COMMITTEE_POSTS; a region's term is the latest term of the two-committee appointments in it; a new
secretary is a secretary of that term who was not the village's secretary in the village's term before."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import Exists, Max, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lingtouyang.core import crypto
from lingtouyang.elections.figures import TWO_COMMITTEE_POSTS
from lingtouyang.people.codes import Post
from lingtouyang.people.idnumber import IdNumberError, mask, parse_id_number
from lingtouyang.people.models import Appointment, Person
from lingtouyang.regions.models import Kind

# The audiences a rule can pick (Audience values; reserves are enrolled one by one or from a list).
RULE_KINDS: list[tuple[str, Any]] = [
    ("new_secretaries", gettext_lazy("new-term secretaries (not the village's secretary in the term before)")),
    ("secretaries", gettext_lazy("all secretaries of the current term")),
    ("all_cadres", gettext_lazy("all current two-committee members")),
    ("community_cadres", gettext_lazy("community cadres (current two-committee members of communities)")),
]
MAX_LIST_ROWS = 5_000  # an enrolment list is a class or a few, never a roster


def latest_term(prefix: str) -> int | None:
    return (Appointment.objects.within(prefix).filter(post__in=TWO_COMMITTEE_POSTS)
            .aggregate(t=Max("term"))["t"])


def rule_people(kind: str, prefix: str) -> QuerySet[Person]:
    """The people the rule picks among the current posts within `prefix`, as one queryset."""
    current = Appointment.objects.within(prefix).current()
    if kind in ("secretaries", "new_secretaries"):
        term = latest_term(prefix)
        posts = current.filter(post=Post.PARTY_SECRETARY, term=term if term is not None else -1)
        if kind == "new_secretaries":
            previous = (Appointment.objects.filter(region_id=OuterRef("region_id"), term__lt=term or 0,
                                                   post__in=TWO_COMMITTEE_POSTS)
                        .order_by("-term").values("term")[:1])
            was_secretary = Appointment.objects.filter(region_id=OuterRef("region_id"), term=OuterRef("previous"),
                                                       person_id=OuterRef("person_id"), post=Post.PARTY_SECRETARY)
            # A village without a term before has no "new" secretary to speak of: nothing to compare with.
            posts = (posts.annotate(previous=Subquery(previous)).filter(previous__isnull=False)
                     .filter(~Exists(was_secretary)))
    elif kind == "all_cadres":
        posts = current.filter(post__in=TWO_COMMITTEE_POSTS)
    elif kind == "community_cadres":
        posts = current.filter(post__in=TWO_COMMITTEE_POSTS, region__kind=Kind.COMMUNITY)
    else:
        return Person.objects.none()
    return Person.objects.filter(pk__in=posts.values("person_id"))


@dataclass
class ListProblem:
    row: int
    label: str  # the number as typed, masked when it is a valid number
    reason: str


@dataclass
class ListResolution:
    person_ids: list[int]
    problems: list[ListProblem]
    rows: int


class ListRejected(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_id_column(path: Path | str) -> list[tuple[int, Any]]:
    """(row number, first cell) of each non-empty row after the header, through the roster importer's
    guards (not a workbook, formulas, a zip bomb)."""
    import python_calamine

    from lingtouyang.people.importer import FileRejected, _inspect_package

    try:
        _inspect_package(Path(path))
    except FileRejected as exc:
        raise ListRejected(exc.reason) from exc
    try:
        rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    except Exception as exc:  # calamine raises its own error types for broken files
        raise ListRejected(_("This .xlsx file is damaged or not a workbook.")) from exc
    found = [(n, row[0]) for n, row in enumerate(rows[1:], start=2) if row and row[0] not in (None, "")]
    if not found:
        raise ListRejected(_("The file has headers but no rows to import."))
    if len(found) > MAX_LIST_ROWS:
        raise ListRejected(_("The list has %(n)d rows; at most %(max)d can be enrolled at once. Split it.")
                           % {"n": len(found), "max": MAX_LIST_ROWS})
    return found


def resolve_id_numbers(cells: list[tuple[int, Any]]) -> ListResolution:
    """The people with these ID numbers, found by blind index in one query; each bad or unknown number
    is a problem with its row."""
    today = timezone.localdate()
    problems: list[ListProblem] = []
    by_index: dict[str, tuple[int, str]] = {}
    for row, raw in cells:
        try:
            number = parse_id_number(raw, today).number
        except IdNumberError as exc:
            problems.append(ListProblem(row, str(raw)[:20], exc.message))
            continue
        index = crypto.blind_index(number)
        if index in by_index:
            problems.append(ListProblem(row, mask(number), _("appears more than once in the list (row %(row)d)")
                                        % {"row": by_index[index][0]}))
            continue
        by_index[index] = (row, number)
    found = dict(Person.objects.filter(id_index__in=list(by_index)).values_list("id_index", "id"))
    problems += [ListProblem(row, mask(number), _("not on the roster"))
                 for index, (row, number) in by_index.items() if index not in found]
    return ListResolution(person_ids=[found[i] for i in by_index if i in found],
                          problems=sorted(problems, key=lambda p: p.row), rows=len(cells))
