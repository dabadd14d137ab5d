"""Writing .xlsx streams row by row (xlsxwriter's constant-memory mode), for exports of any size
up to what a sheet can hold."""

import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _

# A sheet holds 1,048,576 rows; one is the header.
MAX_ROWS = 1_048_575
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportTooLarge(Exception):
    pass


def write_xlsx(path: Path | str, headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str = "Sheet1",
               note: str = "") -> int:
    """Writes headers then rows; `note` (e.g. the export's scope) goes in a second sheet. Returns rows.
    Cell text is written as text, never as a formula or link, whatever it starts with."""
    options = {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
               "strings_to_urls": False}
    book = xlsxwriter.Workbook(str(path), options)
    try:
        bold = book.add_format({"bold": True, "bg_color": "#EEF1F4"})
        text = book.add_format({"num_format": "@"})
        ws = book.add_worksheet(sheet[:31])
        ws.set_column(0, len(headers) - 1, 16, text)
        ws.write_row(0, 0, list(headers), bold)
        count = 0
        for count, row in enumerate(rows, start=1):
            if count > MAX_ROWS:
                raise ExportTooLarge
            ws.write_row(count, 0, ["" if v is None else v for v in row])
        if note:
            info = book.add_worksheet(_("About this export")[:31])
            for i, line in enumerate(note.splitlines()):
                info.write(i, 0, line)
        return count
    finally:
        book.close()


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str = "Sheet1",
                  note: str = "") -> HttpResponse:
    tmp = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    try:
        write_xlsx(tmp.name, headers, rows, sheet=sheet, note=note)
    except ExportTooLarge:
        tmp.close()
        message = _("More than %(n)s rows: too many for one sheet. Narrow the export to a smaller region.")
        return HttpResponse(message % {"n": f"{MAX_ROWS:,}"}, status=400, content_type="text/plain; charset=utf-8")
    tmp.seek(0)
    return FileResponse(tmp, as_attachment=True, filename=filename, content_type=XLSX)
