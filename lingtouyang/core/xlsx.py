"""Writing .xlsx streams row by row (xlsxwriter's constant-memory mode), for exports of any size."""

import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
from django.http import FileResponse


def write_xlsx(path: Path | str, headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str = "Sheet1",
               note: str = "") -> int:
    """Writes headers then rows; `note` (e.g. the export's scope) goes in a second sheet. Returns rows."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    try:
        bold = book.add_format({"bold": True, "bg_color": "#EEF1F4"})
        text = book.add_format({"num_format": "@"})
        ws = book.add_worksheet(sheet[:31])
        ws.set_column(0, len(headers) - 1, 16, text)
        ws.write_row(0, 0, list(headers), bold)
        count = 0
        for count, row in enumerate(rows, start=1):
            ws.write_row(count, 0, ["" if v is None else v for v in row])
        if note:
            info = book.add_worksheet("说明" if any("\u4e00" <= c <= "\u9fff" for c in sheet) else "About")
            for i, line in enumerate(note.splitlines()):
                info.write(i, 0, line)
        return count
    finally:
        book.close()


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str = "Sheet1",
                  note: str = "") -> FileResponse:
    tmp = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    write_xlsx(tmp.name, headers, rows, sheet=sheet, note=note)
    tmp.seek(0)
    return FileResponse(tmp, as_attachment=True, filename=filename,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
