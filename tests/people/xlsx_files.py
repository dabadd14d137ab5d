"""Roster spreadsheets built inside the tests: one good row by default, any cell overridable,
and the ways real files go wrong (title rows, merged cells, formulas, renamed CSVs, broken zips)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from lingtouyang.people import roster_format as fmt
from tests import factories

Row = dict[str, Any]


def row(region: str = factories.TANBA, *, born: date = date(1985, 3, 1), gender: str = "1",
        seq: int | None = None, **cells: Any) -> Row:
    """A valid roster row keyed by header. `cells` override columns by their names in COLUMN
    (posts="党组织书记") or by the header itself."""
    number = factories.id_number(region[:6], born, gender, seq=seq)
    values: Row = {
        fmt.NAME: "张三",
        fmt.GENDER: "男" if gender == "1" else "女",
        fmt.ETHNICITY: "汉族",
        fmt.ID_NUMBER: number,
        fmt.BIRTH_DATE: born.isoformat(),
        fmt.POLITICAL_STATUS: "中共党员",
        fmt.EDUCATION: "大学专科",
        fmt.REGION_CODE: region,
        fmt.POSTS: "",
        fmt.START_DATE: "",
        fmt.PHONE: "13800000000",
        fmt.SOURCE: "优秀农民工",
    }
    for key, value in cells.items():
        values[COLUMN.get(key, key)] = value
    return values


# Python-friendly names for the Chinese headers, for row(..., posts="党组织书记").
COLUMN = {
    "name": fmt.NAME, "gender_cell": fmt.GENDER, "ethnicity": fmt.ETHNICITY, "id_number": fmt.ID_NUMBER,
    "birth_date": fmt.BIRTH_DATE, "political_status": fmt.POLITICAL_STATUS, "education": fmt.EDUCATION,
    "region_code": fmt.REGION_CODE, "posts": fmt.POSTS, "start_date": fmt.START_DATE, "phone": fmt.PHONE,
    "source": fmt.SOURCE,
}  # fmt: skip


def write_roster(
    path: Path,
    rows: Sequence[Row],
    *,
    headers: Sequence[str] = fmt.HEADERS,
    titles: Sequence[str] = (),
    leading_blank_rows: int = 0,
    tweak: Callable[[Worksheet], None] | None = None,
) -> Path:
    """An .xlsx with optional title rows above the headers; each row is written in `headers` order,
    looking a header up through its canonical name when it is an alias (身份证号 → 公民身份号码)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "花名册"
    for _ in range(leading_blank_rows):
        sheet.append([])
    for title in titles:
        sheet.append([title])
    sheet.append(list(headers))
    for values in rows:
        sheet.append([values.get(fmt.ALIASES.get(h, h), values.get(h)) for h in headers])
    if tweak is not None:
        tweak(sheet)
    book.save(path)
    return path


def write_text_as_xlsx(path: Path, content: str) -> Path:
    """What users upload when they rename a .csv or .txt to .xlsx."""
    path.write_text(content, encoding="utf-8")
    return path


def truncate(source: Path, target: Path, keep: int = 1_500) -> Path:
    """A download cut short: the zip's central directory is gone."""
    target.write_bytes(source.read_bytes()[:keep])
    return target


def corrupt_sheet(source: Path, target: Path) -> Path:
    """A zip whose directory is intact but whose sheet data is garbled (a bad disk, a bad copy)."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    name_len = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_len = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    for k in range(start + 10, min(start + 60, start + info.compress_size)):
        data[k] ^= 0xFF
    target.write_bytes(bytes(data))
    return target
