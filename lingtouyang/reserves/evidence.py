"""Evidence files: the type is what the bytes say, never the name; stored by a random name outside any
public URL and read back only through a scoped view."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from lingtouyang.core import uploads

# The cap as it was before LINGTOUYANG_UPLOAD_MAX_BYTES (whose default it still is); check() reads the setting.
MAX_BYTES = 10 * 1024 * 1024
KINDS = (uploads.PDF, uploads.JPEG, uploads.PNG)
# Stored extension of each kind.
EXTENSION = {uploads.PDF: "pdf", uploads.JPEG: "jpg", uploads.PNG: "png"}


def directory() -> Path:
    return Path(settings.MEDIA_ROOT) / "reserves"


def check(upload: Any) -> tuple[str, str]:
    """(content type, extension) of an acceptable upload; refuses a wrong type, an empty or too large file."""
    kind = uploads.check_upload(upload, kinds=KINDS, max_bytes=settings.LINGTOUYANG_UPLOAD_MAX_BYTES,
                                field="evidence", wrong_kind=_("Evidence must be a PDF, JPEG or PNG file."))
    return uploads.CONTENT_TYPES[kind], EXTENSION[kind]


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
