"""Attachments: the type is what the bytes say, never the name; the size is capped; stored by a random name
under UPLOAD_DIR/disclosure/ (outside the web root, no URL serves it) and read back only through views that
check who may see the disclosure, with nosniff and a download disposition."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SIGNATURES = [
    (b"%PDF-", ("application/pdf", "pdf")),
    (b"\x89PNG\r\n\x1a\n", ("image/png", "png")),
    (b"\xff\xd8\xff", ("image/jpeg", "jpg")),
]
EXTENSIONS = {"pdf": {"pdf"}, "png": {"png"}, "jpg": {"jpg", "jpeg"}}


def max_bytes() -> int:
    return int(getattr(settings, "LINGTOUYANG_DISCLOSURE_MAX_BYTES", 10 * 1024 * 1024))


def directory() -> Path:
    return Path(settings.UPLOAD_DIR) / "disclosure"


def sniff(head: bytes) -> tuple[str, str] | None:
    return next((kind for magic, kind in SIGNATURES if head.startswith(magic)), None)


def check(upload: Any) -> tuple[str, str]:
    """(content type, extension) of an acceptable upload: a PDF, PNG or JPEG by its bytes, whose name says
    the same, not empty and not above the cap."""
    if upload.size > max_bytes():
        raise ValidationError({"file": _("The file is larger than %(mb)d MB.") % {"mb": max_bytes() // 2**20}})
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    upload.seek(0)
    kind = sniff(upload.read(16))
    upload.seek(0)
    if kind is None:
        raise ValidationError({"file": _("Attachments must be PDF, PNG or JPEG files.")})
    suffix = Path(upload.name or "").suffix.lower().lstrip(".")
    if suffix and suffix not in EXTENSIONS[kind[1]]:
        raise ValidationError({"file": _("The file is not what its name says: its content is %(kind)s.")
                               % {"kind": kind[1].upper()}})
    return kind


def store(upload: Any, extension: str) -> tuple[str, str]:
    """Writes the upload under a random name; (that name, sha256 of the bytes)."""
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{extension}"
    h = hashlib.sha256()
    with (folder / name).open("xb") as out:
        for chunk in upload.chunks():
            h.update(chunk)
            out.write(chunk)
    return name, h.hexdigest()


def path_of(stored_name: str) -> Path:
    return directory() / Path(stored_name).name


def remove(stored_name: str) -> None:
    path_of(stored_name).unlink(missing_ok=True)
