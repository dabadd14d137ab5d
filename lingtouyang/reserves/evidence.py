"""Evidence files: the type is what the bytes say, never the name; stored by a random name outside any
public URL and read back only through a scoped view."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
# Magic bytes → (content type, extension).
SIGNATURES = [
    (b"%PDF-", ("application/pdf", "pdf")),
    (b"\x89PNG\r\n\x1a\n", ("image/png", "png")),
    (b"\xff\xd8\xff", ("image/jpeg", "jpg")),
]


def directory() -> Path:
    return Path(settings.MEDIA_ROOT) / "reserves"


def sniff(head: bytes) -> tuple[str, str] | None:
    return next((kind for magic, kind in SIGNATURES if head.startswith(magic)), None)


def check(upload: Any) -> tuple[str, str]:
    """(content type, extension) of an acceptable upload; refuses a wrong type or a file too large."""
    if upload.size > MAX_BYTES:
        raise ValidationError({"evidence": _("The evidence file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // 2**20}})
    if upload.size == 0:
        raise ValidationError({"evidence": _("The evidence file is empty.")})
    upload.seek(0)
    kind = sniff(upload.read(16))
    upload.seek(0)
    if kind is None:
        raise ValidationError({"evidence": _("Evidence must be a PDF, JPEG or PNG file.")})
    return kind


def store(upload: Any, extension: str) -> str:
    """Writes the upload under a random name; returns that name (relative to the directory)."""
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{extension}"
    with (folder / name).open("xb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return name


def path_of(name: str) -> Path:
    return directory() / Path(name).name


def remove(name: str) -> None:
    path_of(name).unlink(missing_ok=True)
