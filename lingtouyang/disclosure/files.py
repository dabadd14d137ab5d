"""Attachments: the type is what the bytes say, never the name; the size is capped; stored by a random name
under UPLOAD_DIR/disclosure/ (outside the web root, no URL serves it) and read back only through views that
check who may see the disclosure, with nosniff and a download disposition."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from lingtouyang.core import uploads

KINDS = (uploads.PDF, uploads.PNG, uploads.JPEG)
# Stored extension of each kind.
EXTENSION = {uploads.PDF: "pdf", uploads.PNG: "png", uploads.JPEG: "jpg"}


def max_bytes() -> int:
    return int(settings.LINGTOUYANG_UPLOAD_MAX_BYTES)


def directory() -> Path:
    return Path(settings.UPLOAD_DIR) / "disclosure"


def check(upload: Any) -> tuple[str, str]:
    """(content type, extension) of an acceptable upload: a PDF, PNG or JPEG by its bytes, whose name says
    the same, not empty and not above the cap."""
    kind = uploads.check_upload(upload, kinds=KINDS, max_bytes=max_bytes(), field="file",
                                wrong_kind=_("Attachments must be PDF, PNG or JPEG files."))
    return uploads.CONTENT_TYPES[kind], EXTENSION[kind]


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
