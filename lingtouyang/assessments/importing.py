"""Scores from an .xlsx list: a header row, then one row per score — ID number, component (its name in
the scheme), score. The roster importer's package guards apply (a workbook, no formulas, no zip bomb, a
bounded size); each row is checked on its own and against the township (assessed here, component of the
scheme, a draft result), with a few queries for the whole file. What passes is previewed; the officer
confirms and `services.scores_record` checks it again and writes it, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from lingtouyang.assessments import engine, services
from lingtouyang.assessments.models import Result, ResultState, Scheme
from lingtouyang.core import crypto
from lingtouyang.people.idnumber import IdNumberError, mask, parse_id_number
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region

MAX_ROWS = 20_000  # a township's cadres times its components, with room to spare


class ListRejected(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Row:
    row: int
    label: str  # masked ID number, or what the row said
    component: str
    value: str
    name: str = ""
    reason: str = ""


@dataclass
class ImportPreview:
    clean: list[Row] = field(default_factory=list)
    refused: list[Row] = field(default_factory=list)
    entries: list[tuple[int, int, int]] = field(default_factory=list)  # (person, component, points)


def read_rows(path: Path | str) -> list[tuple[int, list[Any]]]:
    """(row number, first three cells) of each non-empty row after the header, through the roster
    importer's package guards."""
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
    found = [(n, (list(row) + [None, None, None])[:3]) for n, row in enumerate(rows[1:], start=2)
             if row and any(c not in (None, "") for c in row[:3])]
    if not found:
        raise ListRejected(_("The file has headers but no rows to import."))
    if len(found) > MAX_ROWS:
        raise ListRejected(_("The list has %(n)d rows; at most %(max)d can be read at once. Split it.")
                           % {"n": len(found), "max": MAX_ROWS})
    return found


def check_rows(scheme: Scheme, township: Region, rows: list[tuple[int, list[Any]]]) -> ImportPreview:
    """Each row clean or refused with its reason; a few queries for the whole list."""
    today = timezone.localdate()
    components = {c.name: c.pk for c in scheme.components.all()}
    assessed = services.assessed_regions(township.prefix, scheme.year)
    preview = ImportPreview()
    parsed: list[tuple[Row, str, int, int]] = []
    seen: dict[tuple[str, int], int] = {}
    for n, (raw_id, raw_component, raw_score) in rows:
        row = Row(n, str(raw_id or "")[:20], str(raw_component or "").strip(), str(raw_score if raw_score is not None else ""))
        try:
            number = parse_id_number(raw_id, today).number
        except IdNumberError as exc:
            row.reason = exc.message
            preview.refused.append(row)
            continue
        row.label = mask(number)
        if row.component not in components:
            row.reason = _("no component of this name in the scheme")
        else:
            try:
                points = engine.to_points(raw_score)
            except engine.BadScore:
                row.reason = _("a score is a number from 0 to 100 with at most two decimals")
            else:
                index = crypto.blind_index(number)
                key = (index, components[row.component])
                if key in seen:
                    row.reason = _("the same person and component as row %(row)d") % {"row": seen[key]}
                else:
                    seen[key] = n
                    parsed.append((row, index, components[row.component], points))
        if row.reason:
            preview.refused.append(row)
    people = {i: (pk, name) for i, pk, name in Person.objects.filter(id_index__in={p[1] for p in parsed})
              .values_list("id_index", "id", "name")}
    ids = [people[p[1]][0] for p in parsed if p[1] in people]
    states = dict(Result.objects.filter(year=scheme.year, person_id__in=ids).values_list("person_id", "state"))
    for row, index, component_id, points in parsed:
        if index not in people:
            row.reason = _("not on the roster")
        elif people[index][0] not in assessed:
            row.reason = _("not assessed in this township (no two-committee post here on the assessment day)")
        elif states.get(people[index][0], ResultState.DRAFT) != ResultState.DRAFT:
            row.reason = _("this person's result is no longer a draft")
        if row.reason:
            preview.refused.append(row)
            continue
        row.name = people[index][1]
        preview.clean.append(row)
        preview.entries.append((people[index][0], component_id, points))
    preview.refused.sort(key=lambda r: r.row)
    return preview
