"""One check for every uploaded file, before anything is stored or read: the type is what the bytes say,
never the name or the browser's content type; the size is capped; an empty file is refused. A refusal is
logged (who, from where, what was sent) on the "lingtouyang.security" logger."""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Collection
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lingtouyang.audit.context import current_actor

log = logging.getLogger("lingtouyang.security")

XLSX, PDF, JPEG, PNG = "xlsx", "pdf", "jpeg", "png"
CONTENT_TYPES = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    PDF: "application/pdf",
    JPEG: "image/jpeg",
    PNG: "image/png",
}
# The extensions a file of each kind may carry; a name with another one is a disguise.
EXTENSIONS = {XLSX: {"xlsx"}, PDF: {"pdf"}, JPEG: {"jpg", "jpeg"}, PNG: {"png"}}
LABELS = {XLSX: "Excel (.xlsx)", PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}
SIGNATURES = [(b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG), (b"PK\x03\x04", XLSX)]
# Parts every workbook has; a zip without them (or with macros) is not a workbook we read.
WORKBOOK_PARTS = {"[Content_Types].xml", "xl/workbook.xml"}
MACROS = "xl/vbaProject.bin"


def _is_workbook(upload: Any) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as book:  # reads the central directory only, nothing is unpacked
            names = set(book.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    finally:
        upload.seek(0)
    return WORKBOOK_PARTS <= names and MACROS not in names


def sniff(upload: Any) -> str | None:
    """The kind of file the bytes make, or None."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = next((k for magic, k in SIGNATURES if head.startswith(magic)), None)
    if kind == XLSX and not _is_workbook(upload):
        return None
    return kind


def _refuse(upload: Any, field: str | None, reason: str, message: str) -> ValidationError:
    actor = current_actor()
    log.warning("upload refused: %s; file %r, %s bytes, from %s (%s)", reason, str(getattr(upload, "name", ""))[-100:],
                getattr(upload, "size", "?"), actor.address or "-", getattr(actor.user, "username", "") or "-")
    return ValidationError({field: message} if field else message, code=reason)


def check_upload(upload: Any, *, kinds: Collection[str], max_bytes: int, field: str | None = None,
                 wrong_kind: str = "") -> str:
    """The upload's kind (one of `kinds`), or ValidationError with a message for the user. `field` names the
    form field in the error (a service's errors), `wrong_kind` words the refusal of another kind of file in
    the caller's terms."""
    size = int(getattr(upload, "size", 0) or 0)
    if size > max_bytes:
        raise _refuse(upload, field, "too_large", _("The file is larger than %(mb)d MB.") % {"mb": max_bytes // 2**20})
    if size == 0:
        raise _refuse(upload, field, "empty", _("The file is empty."))
    kind = sniff(upload)
    if kind not in kinds:
        accepted = ", ".join(LABELS[k] for k in kinds if k in LABELS)
        raise _refuse(upload, field, "wrong_kind", wrong_kind or _("This file is not of an accepted kind (%(kinds)s).")
                      % {"kinds": accepted})
    suffix = Path(str(getattr(upload, "name", "") or "")).suffix.lower().lstrip(".")
    if suffix and suffix not in EXTENSIONS[kind]:
        raise _refuse(upload, field, "disguised", _("The file is not what its name says: its content is %(kind)s.")
                      % {"kind": LABELS[kind]})
    return kind


def check_workbook(upload: Any, *, max_bytes: int, field: str | None = None) -> str:
    """An .xlsx upload (roster, score sheet, enrolment list)."""
    return check_upload(upload, kinds=(XLSX,), max_bytes=max_bytes, field=field,
                        wrong_kind=_("This is not an .xlsx file. Save it in Excel as “Excel workbook (*.xlsx)”."))


class WorkbookField(forms.FileField):
    """A form's .xlsx upload, checked by content and by IMPORT_MAX_BYTES while the form is validated."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload:
            check_workbook(upload, max_bytes=settings.IMPORT_MAX_BYTES)
        return upload
