"""Roster import: all or nothing. Pass 1 streams the sheet and checks every cell on its own;
pass 2 checks what needs the database (regions, duplicates, posts already held), a few queries
for the whole file; only a file without a single problem is written, set-based, in one
transaction. Messages are in the active language."""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import python_calamine
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from lingtouyang.audit.services import audit_record
from lingtouyang.core import crypto
from lingtouyang.core.bulk import allocate_ids, insert_rows
from lingtouyang.core.scope import in_prefix, user_prefix
from lingtouyang.people import roster_format as fmt
from lingtouyang.people import rules
from lingtouyang.people.codes import (
    EDUCATION_NAMES,
    ETHNICITY_NAMES,
    GENDER_NAMES,
    POLITICAL_STATUS_NAMES,
    POST_LABEL_ZH,
    POST_NAMES,
    SINGLE_HOLDER_POSTS,
    SOURCE_NAMES,
    Source,
)
from lingtouyang.people.idnumber import IdNumberError, compact, mask, parse_id_number
from lingtouyang.people.models import PERSON_BULK_FIELDS, Appointment, Person, phone_columns
from lingtouyang.people.naming import name_keys
from lingtouyang.people.normalize import CellError, parse_date, parse_phone, text
from lingtouyang.regions.models import Region

MAX_PROBLEMS = 1_000
HEADER_ROWS_ALLOWED = 5
# About 2 KB of sheet XML per roster row is already generous; a bigger sheet is refused unread.
MAX_SHEET_XML_BYTES = 400 * 1024 * 1024
# Everything else (shared strings, styles, workbook) of a 200,000-row roster is well under this.
MAX_UNPACKED_OTHER_BYTES = 100 * 1024 * 1024
PROGRESS_EVERY = 2_000
QUERY_CHUNK = 900  # below SQLite's bound-parameter limit
_POST_SPLIT = re.compile("[" + re.escape(fmt.POST_SEPARATORS) + r"\s]+")
_ID_LIKE = re.compile(r"\d{17}[\dXx]")
# How Python writes a big number from a number cell: an ID number typed there is 5.105211985030113e+17.
_E_NOTATION = re.compile(r"\d\.\d+e\+\d+")
_FORMULA = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^>]*>\s*<f[ >]')

Progress = Callable[[int, int], None]


@dataclass
class Problem:
    row: int  # as Excel numbers it; 0 for the file as a whole
    column: str
    value: str
    reason: str


@dataclass
class ImportResult:
    people: int = 0
    appointments: int = 0
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok:
            return _("Imported %(people)d people, %(appointments)d appointments.") % {
                "people": self.people, "appointments": self.appointments}
        n = len(self.problems) + self.more_problems
        return ngettext("Nothing was imported: %(n)d problem found.", "Nothing was imported: %(n)d problems found.",
                        n) % {"n": n}

    def report_lines(self) -> list[str]:
        lines = [self.summary()]
        for p in self.problems:
            where = _("row %(row)d, %(column)s") % {"row": p.row, "column": p.column} if p.row else _("file")
            value = f" «{p.value}»" if p.value else ""
            lines.append(f"{where}{value}: {p.reason}")
        if self.more_problems:
            lines.append(ngettext("… and %(n)d more problem.", "… and %(n)d more problems.", self.more_problems)
                         % {"n": self.more_problems})
        return lines


class _Problems:
    def __init__(self, result: ImportResult) -> None:
        self.result = result

    def add(self, row: int, column: str, value: Any, reason: str) -> None:
        if len(self.result.problems) < MAX_PROBLEMS:
            if isinstance(value, float) and value.is_integer():
                value = int(value)  # a number cell: its digits, not 5.105211985030113e+17, to mask
            shown = "" if value is None else str(value)
            if column == fmt.ID_NUMBER:
                shown = mask(compact(shown))  # reports are stored and shown; full numbers never are
            else:  # an ID number typed into the wrong column
                shown = _ID_LIKE.sub(lambda m: mask(m.group().upper()), text(shown))
            # The reason may quote the value too, as typed or as a number cell's float.
            reason = _E_NOTATION.sub(lambda m: str(int(float(m.group()))), reason)
            reason = _ID_LIKE.sub(lambda m: mask(m.group().upper()), reason)
            self.result.problems.append(Problem(row, column, shown[:60], reason))
        else:
            self.result.more_problems += 1


class FileRejected(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _first_sheet_xml(archive: zipfile.ZipFile) -> str:
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    book = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    rid = re.search(r'<sheet\b[^>]*\br:id="([^"]+)"', book) or re.search(r'<sheet\b[^>]*\bid="([^"]+)"', book)
    if rid:
        rel = re.escape(rid.group(1))
        target = re.search(rf'<Relationship\b[^>]*Id="{rel}"[^>]*Target="([^"]+)"', rels)
        if target is None:
            target = re.search(rf'<Relationship\b[^>]*Target="([^"]+)"[^>]*Id="{rel}"', rels)
        if target:
            path = target.group(1).lstrip("/")
            return path if path.startswith("xl/") else "xl/" + path
    return "xl/worksheets/sheet1.xml"


def _too_many_rows(count: int | None) -> str:
    if count is None:
        return _("The file has more than %(max)d rows; at most %(max)d can be imported at once. Split it.") % {
            "max": settings.IMPORT_MAX_ROWS}
    return _("The file has %(n)d rows; at most %(max)d can be imported at once. Split it.") % {
        "n": count, "max": settings.IMPORT_MAX_ROWS}


def _check_unpacked_size(archive: zipfile.ZipFile, sheet: str) -> None:
    """A small upload must not unpack into gigabytes (a zip bomb): calamine loads the sheet and the
    shared strings whole. Sizes are counted while decompressing, not taken from the zip's say-so."""
    total = 0
    for info in archive.infolist():
        if info.filename == sheet or not info.filename.endswith(".xml"):
            continue  # the sheet was counted row by row already; images and the like are never read
        with archive.open(info) as member:
            while chunk := member.read(1 << 20):
                total += len(chunk)
                if total > MAX_UNPACKED_OTHER_BYTES:
                    raise FileRejected(_("This file unpacks to far more data than a roster holds; it is refused."))


def _inspect_package(path: Path) -> None:
    """What calamine hides: formulas (we want typed values) — found by scanning the sheet's XML."""
    with path.open("rb") as fh:
        if fh.read(4) != b"PK\x03\x04":
            raise FileRejected(_("This is not an .xlsx file. Save it in Excel as “Excel workbook (*.xlsx)”."))
    try:
        with zipfile.ZipFile(path) as archive:
            sheet = _first_sheet_xml(archive)
            if archive.getinfo(sheet).file_size > MAX_SHEET_XML_BYTES:
                raise FileRejected(_too_many_rows(None))
            tail = b""
            rows = unpacked = 0
            with archive.open(sheet) as xml:
                while chunk := xml.read(1 << 20):
                    found = _FORMULA.search(tail + chunk)
                    if found:
                        raise FileRejected(
                            _("Cell %(cell)s holds a formula. Copy the sheet and paste it as values, then upload again.")
                            % {"cell": found.group(1).decode()})
                    # Counted here, before calamine loads the whole sheet into memory.
                    rows += chunk.count(b"<row ")
                    unpacked += len(chunk)
                    if rows > settings.IMPORT_MAX_ROWS + HEADER_ROWS_ALLOWED or unpacked > MAX_SHEET_XML_BYTES:
                        raise FileRejected(_too_many_rows(None))
                    tail = chunk[-200:]
            _check_unpacked_size(archive, sheet)
    except (zipfile.BadZipFile, KeyError, zlib.error, EOFError) as exc:  # zlib, EOF: garbled or cut-off data
        raise FileRejected(_("This .xlsx file is damaged or not a workbook.")) from exc


def _header_map(rows: Iterable[list[Any]]) -> tuple[int, dict[str, int]]:
    """The header row may follow a title row or two; find it among the first five rows."""
    for number, row in enumerate(rows, start=1):
        names = [text(c).replace("（", "(").replace("）", ")") for c in row]
        names = [fmt.ALIASES.get(n, n) for n in names]
        if fmt.NAME in names and fmt.ID_NUMBER in names:
            columns: dict[str, int] = {}
            for i, n in enumerate(names):
                if n in fmt.HEADERS:
                    if n in columns:
                        raise FileRejected(_("The column “%(name)s” appears twice.") % {"name": n})
                    columns[n] = i
            missing = [h for h in fmt.HEADERS if h in fmt.REQUIRED and h not in columns]
            if missing:
                raise FileRejected(_("Required columns are missing: %(names)s. Download the template to see them.")
                                   % {"names": "、".join(missing)})
            return number, columns
        if number >= HEADER_ROWS_ALLOWED:
            break
    raise FileRejected(_("No header row found. The first rows must hold the template's headers (姓名, 公民身份号码, …)."))


def _filled(value: Any) -> bool:
    """text(value) != "", without building the text of a date or number cell (never empty)."""
    return value is not None and (not isinstance(value, str) or text(value) != "")


def _on_roster(indexes: list[str]) -> set[str]:
    """Those of the blind indexes that a person on the roster has. On PostgreSQL one array parameter
    per 20,000 (the ORM's IN (...) renders and quotes a placeholder per value: twice the time)."""
    taken: set[str] = set()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for i in range(0, len(indexes), 20_000):
                cursor.execute(f"SELECT id_index FROM {Person._meta.db_table} WHERE id_index = ANY(%s)",  # noqa: S608
                               [indexes[i : i + 20_000]])
                taken.update(index for (index,) in cursor.fetchall())
        return taken
    for i in range(0, len(indexes), QUERY_CHUNK):
        taken.update(Person.objects.filter(id_index__in=indexes[i : i + QUERY_CHUNK]).values_list("id_index", flat=True))
    return taken


@dataclass(slots=True)
class _Row:
    number: int
    person: tuple[Any, ...]  # region, name, gender, ethnicity, birth date, ID number, political, education, phone, source
    region: str
    posts: list[str]
    start: date | None
    index: str


class RosterImporter:
    def __init__(self, path: Path | str, *, acting_user: Any = None, progress: Progress | None = None,
                 file_name: str = "") -> None:
        self.path = Path(path)
        self.file_name = file_name or self.path.name  # as the user named it (uploads are stored renamed)
        self.user = acting_user
        self.progress = progress
        self.result = ImportResult()
        self.problems = _Problems(self.result)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.rows: list[_Row] = []
        self._codes: dict[str, str] = {}
        self._ix: dict[str, int] = {}
        self.seen: dict[str, int] = {}

    # Pass 1 --------------------------------------------------------------------------------
    def _required(self, n: int, column: str, value: str) -> bool:
        """`value` is the cell as text()."""
        if not value:
            self.problems.add(n, column, "", _("this cell is required"))
            return False
        return True

    def _check_row(self, n: int, row: list[Any]) -> None:
        ix = self._ix
        bad = len(self.result.problems) + self.result.more_problems
        add = self.problems.add
        name = text(row[ix[fmt.NAME]])
        if self._required(n, fmt.NAME, name) and len(name) > 50:
            add(n, fmt.NAME, name, _("a name has at most 50 characters"))
        info = None
        raw_id = row[ix[fmt.ID_NUMBER]]
        if self._required(n, fmt.ID_NUMBER, text(raw_id)):
            try:
                info = parse_id_number(raw_id, self.today)
            except IdNumberError as exc:
                add(n, fmt.ID_NUMBER, raw_id, exc.message)
        gender = None
        raw = row[ix[fmt.GENDER]]
        if value := text(raw):
            gender = GENDER_NAMES.get(value) or {"1": "1", "2": "2"}.get(value)
            if gender is None:
                add(n, fmt.GENDER, raw, _("write 男 or 女"))
            elif info and (problem := rules.gender_problem(info, gender)):
                add(n, fmt.GENDER, raw, problem)
        raw = row[ix[fmt.BIRTH_DATE]]
        if _filled(raw):  # read even when the ID number is bad: every bad cell is reported
            try:
                born, precision = parse_date(raw)
            except CellError as exc:
                add(n, fmt.BIRTH_DATE, raw, exc.message)
            else:
                if info and (problem := rules.birth_date_problem(info, born, precision)):
                    add(n, fmt.BIRTH_DATE, raw, problem)
        if info and (problem := rules.age_problem(info.birth_date, self.today)):
            add(n, fmt.ID_NUMBER, raw_id, problem)
        ethnicity = self._coded(n, row, fmt.ETHNICITY, ETHNICITY_NAMES, gettext_noop("not one of the 56 ethnic groups"))
        political = self._coded(n, row, fmt.POLITICAL_STATUS, POLITICAL_STATUS_NAMES,
                                gettext_noop("not a political status we know (e.g. 中共党员, 群众)"))
        education = self._coded(n, row, fmt.EDUCATION, EDUCATION_NAMES,
                                gettext_noop("not an education level we know (e.g. 大专, 高中)"))
        region = text(row[ix[fmt.REGION_CODE]])
        if self._required(n, fmt.REGION_CODE, region) and not (region.isdigit() and len(region) == 12):
            add(n, fmt.REGION_CODE, region, _("a village or community code has 12 digits"))
        posts: list[str] = []
        # Split before text() drops whitespace: a space or line break between two posts separates them.
        for part in filter(None, map(text, _POST_SPLIT.split(str(row[ix[fmt.POSTS]] or "")))):
            post = POST_NAMES.get(part)
            if post is None:
                add(n, fmt.POSTS, part, _("not a post we know; use e.g. %(examples)s")
                    % {"examples": "、".join(list(POST_LABEL_ZH.values())[:5])})
            elif post in posts:
                add(n, fmt.POSTS, part, _("this post is listed twice"))
            else:
                posts.append(post)
        start = None
        raw = row[ix[fmt.START_DATE]]
        if text(raw):
            try:
                start, _precision = parse_date(raw)
            except CellError as exc:
                add(n, fmt.START_DATE, raw, exc.message)
            else:
                if problem := rules.start_date_problem(start, info.birth_date if info else None, self.today):
                    add(n, fmt.START_DATE, raw, problem)
        elif posts:
            add(n, fmt.START_DATE, "", _("a start date is required when a post is given"))
        phone = ""
        raw = row[ix[fmt.PHONE]]
        if text(raw):
            try:
                phone = parse_phone(raw)
            except CellError as exc:
                add(n, fmt.PHONE, raw, exc.message)
        source = Source.OTHER
        raw = row[ix[fmt.SOURCE]]
        if value := text(raw):
            source = SOURCE_NAMES.get(value)
            if source is None:
                add(n, fmt.SOURCE, raw, _("not a source we know (e.g. 优秀农民工, 退役军人, 致富能手, 大学生, 返乡创业)"))
        if info is None:
            return
        index = crypto.blind_index(info.number)
        first = self.seen.setdefault(index, n)
        if first != n:
            add(n, fmt.ID_NUMBER, raw_id, _("the same ID number is on row %(row)d") % {"row": first})
        if self.result.problems or len(self.result.problems) + self.result.more_problems > bad:
            return  # the file will not be written; keep nothing
        # What is derived from these (pinyin, ciphertext, masked number) is made as it is written: held
        # here for 100,000 rows, beside the sheet calamine holds, it was a fifth of the peak memory.
        region = self._codes.setdefault(region, region)  # one string per village, not per row
        person = (region, name, info.gender, ethnicity, info.birth_date, info.number, political, education, phone,
                  source)
        self.rows.append(_Row(n, person, region, posts, start, index))

    def _coded(self, n: int, row: list[Any], column: str, mapping: dict[str, str], reason: str) -> str | None:
        """`reason`: untranslated (gettext_noop); translated only for a cell that is wrong."""
        raw = row[self._ix[column]]
        value = text(raw)
        if not self._required(n, column, value):
            return None
        code = mapping.get(value)
        if code is None:
            self.problems.add(n, column, raw, _(reason))
        return code

    def read(self) -> None:
        _inspect_package(self.path)
        try:
            book = python_calamine.CalamineWorkbook.from_path(str(self.path))
            sheet = book.get_sheet_by_index(0)
        except Exception as exc:  # calamine raises its own error types for broken files
            raise FileRejected(_("This .xlsx file is damaged or not a workbook.")) from exc
        if sheet.merged_cell_ranges:
            (r0, c0), _end = sheet.merged_cell_ranges[0]
            raise FileRejected(_("The sheet has merged cells (e.g. at row %(row)d). Unmerge them so that every row stands alone.")
                               % {"row": r0 + 1})
        total = sheet.end[0] + 1 if sheet.end else 0  # rows incl. the header; total_height is the last row's index
        if total - 1 > settings.IMPORT_MAX_ROWS:
            raise FileRejected(_too_many_rows(total - 1))
        rows = sheet.iter_rows()
        header_row, self.columns = _header_map(rows)
        pad = max(self.columns.values()) + 1  # an optional column the file lacks points here
        self._ix = {header: self.columns.get(header, pad) for header in fmt.HEADERS}
        width = pad + 1
        count = 0
        for n, row in enumerate(rows, start=header_row + 1):
            if not any(c not in (None, "") for c in row):
                continue
            if len(row) < width:
                row.extend([None] * (width - len(row)))
            count += 1
            self._check_row(n, row)
            if self.progress and count % PROGRESS_EVERY == 0:
                self.progress(count, total)
        self.result.rows = count
        if count == 0:
            raise FileRejected(_("The file has headers but no rows to import."))

    # Pass 2 --------------------------------------------------------------------------------
    def check_against_database(self) -> None:
        codes = sorted({r.region for r in self.rows})
        regions: dict[str, tuple[int, str]] = {}
        for i in range(0, len(codes), QUERY_CHUNK):
            chunk = codes[i : i + QUERY_CHUNK]
            regions.update((c, (lv, k)) for c, lv, k in Region.objects.filter(code__in=chunk).values_list("code", "level", "kind"))
        prefix = "" if self.user is None else user_prefix(self.user, "import_people")
        if prefix is None:
            raise FileRejected(_("Your role may not import rosters."))
        indexes = [r.index for r in self.rows]
        # While the blind-index key is being rotated (rotate-keys --blind-index), a person not yet recomputed
        # carries the index under the previous key: look for that too, counted as the row's own.
        previous = {crypto.blind_index(r.person[5], settings.BLIND_INDEX_OLD_KEY): r.index for r in self.rows} \
            if settings.BLIND_INDEX_OLD_KEY else {}
        taken = _on_roster(indexes + list(previous))
        taken |= {previous[i] for i in taken if i in previous}
        # The file's appointments are open-ended from their start: one clashes with a holder whose term
        # has not ended by then (rules.overlaps). Per village and post, the latest end (date.max: open).
        held: dict[tuple[str, str], date] = {}
        earliest = min((r.start for r in self.rows if r.start and r.posts), default=None)
        for i in range(0, len(codes) if earliest else 0, QUERY_CHUNK):  # no query for a file without posts
            for code, post, end in (
                Appointment.objects.filter(region_id__in=codes[i : i + QUERY_CHUNK], post__in=SINGLE_HOLDER_POSTS)
                .filter(Q(end_date__isnull=True) | Q(end_date__gt=earliest))
                .values_list("region_id", "post", "end_date")
            ):
                held[code, post] = max(held.get((code, post), date.min), end or date.max)
        in_file: dict[tuple[str, str], int] = {}
        add = self.problems.add
        for r in self.rows:
            level, kind = regions.get(r.region, (None, None))
            if problem := rules.region_problem(level):
                add(r.number, fmt.REGION_CODE, r.region, problem)
                continue
            if not in_prefix(r.region, prefix):
                add(r.number, fmt.REGION_CODE, r.region, _("this village or community is outside your jurisdiction"))
                continue
            if r.index in taken:
                add(r.number, fmt.ID_NUMBER, r.person[5], _("a person with this ID number is already on the roster"))
            for post in r.posts:
                if problem := rules.post_problem(post, kind):
                    add(r.number, fmt.POSTS, POST_LABEL_ZH[post], problem)
                elif post in SINGLE_HOLDER_POSTS:
                    if held.get((r.region, post), date.min) > r.start:
                        add(r.number, fmt.POSTS, POST_LABEL_ZH[post],
                            _("this village already has a holder of this post on or after this start date"))
                    elif (first := in_file.setdefault((r.region, post), r.number)) != r.number:
                        add(r.number, fmt.POSTS, POST_LABEL_ZH[post],
                            _("row %(row)d already gives this village this post") % {"row": first})

    # Write ---------------------------------------------------------------------------------
    def _person_row(self, pk: int, r: _Row) -> tuple[Any, ...]:
        region, name, gender, ethnicity, born, number, political, education, phone, source = r.person
        full, initials = name_keys(name)
        return (pk, region, name, full, initials, gender, ethnicity, born, crypto.encrypt(number), r.index, mask(number),
                political, education, *phone_columns(phone), source, self.now, self.now)

    def write(self) -> None:
        now = self.now
        with transaction.atomic():
            ids = allocate_ids(Person, len(self.rows))
            insert_rows(Person, PERSON_BULK_FIELDS, (self._person_row(pk, r) for pk, r in zip(ids, self.rows, strict=True)))
            appointments = [
                (pk, r.region, post, rules.term_for(r.start), r.start, "", now, now)
                for pk, r in zip(ids, self.rows, strict=True) if r.start
                for post in r.posts
            ]
            insert_rows(Appointment, ["person_id", "region_id", "post", "term", "start_date", "end_reason",
                                      "created_at", "updated_at"], appointments)
            # One audit event for the whole import, naming every person it created by id range: who,
            # when, from where and what, without a second write of every row (and its indexes).
            actor = self.user if getattr(self.user, "is_authenticated", False) else None
            audit_record("roster.import", user=actor, region_code=getattr(actor, "scope_prefix", ""),
                         changes={"file": self.file_name, "people": len(ids), "appointments": len(appointments),
                                  "person_ids": id_ranges(ids)})
        self.result.people = len(ids)
        self.result.appointments = len(appointments)

    def run(self) -> ImportResult:
        try:
            self.read()
            if self.result.ok:
                self.check_against_database()
            if self.result.ok:
                self.write()
        except FileRejected as exc:
            self.problems.add(0, "", "", exc.reason)
        return self.result


def id_ranges(ids: list[int]) -> list[list[int]]:
    """[[first, last], …] of consecutive runs: 100,000 ids reserved together are one pair."""
    runs: list[list[int]] = []
    for pk in sorted(ids):
        if runs and pk == runs[-1][1] + 1:
            runs[-1][1] = pk
        else:
            runs.append([pk, pk])
    return runs


def import_roster(path: Path | str, *, acting_user: Any = None, progress: Progress | None = None,
                  file_name: str = "") -> ImportResult:
    return RosterImporter(path, acting_user=acting_user, progress=progress, file_name=file_name).run()
