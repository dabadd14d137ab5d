"""The backup archive's two layers, both streamed so that a dump of many gigabytes never sits in memory.

Outside: an encrypted, authenticated stream. A clear header (magic, format version, cipher, a random salt and
nonce prefix, a key check) followed by chunks of at most CHUNK bytes of plaintext, each sealed with AES-256-GCM
under a key derived from the backup key and the archive's own salt (HKDF-SHA256), so no two archives share a
key and a nonce never repeats. Each chunk's nonce is the archive's 7-byte prefix, the chunk's 4-byte counter and
a last-chunk flag, and the header is every chunk's associated data: a chunk altered, dropped, moved, or the
stream cut at a chunk boundary, or the header changed, fails authentication.

Inside: a sequence of named entries, each its data in length-prefixed segments, then an end mark."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import struct
from collections.abc import Iterator
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.utils.translation import gettext as _

MAGIC = b"LINGTOUYANG-BACKUP\n"
FORMAT = 1
CIPHER = "AES-256-GCM"
CHUNK = 1024 * 1024
_LEN = struct.Struct(">I")
_CHECK = b"lingtouyang backup key check"


class ArchiveError(Exception):
    """The archive cannot be used: wrong key, altered, truncated, or of a format this version cannot read."""


def parse_key(value: str) -> bytes:
    try:
        key = base64.b64decode(value, validate=True)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise ArchiveError(_("The backup key must be 32 random bytes, base64-encoded (set BACKUP_KEY)."))
    return key


def _subkey(key: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"lingtouyang backup v1").derive(key)


def _key_check(subkey: bytes) -> str:
    return hmac.new(subkey, _CHECK, hashlib.sha256).hexdigest()[:32]


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


class EncryptingWriter:
    """A write-only file: what is written comes out sealed, chunk by chunk, into `out`."""

    def __init__(self, out: IO[bytes], key: bytes) -> None:
        salt, self._prefix = os.urandom(32), os.urandom(7)
        subkey = _subkey(key, salt)
        header = json.dumps({"format": FORMAT, "cipher": CIPHER, "kdf": "HKDF-SHA256", "chunk": CHUNK,
                             "salt": base64.b64encode(salt).decode(),
                             "nonce_prefix": base64.b64encode(self._prefix).decode(),
                             "key_check": _key_check(subkey)}, sort_keys=True).encode()
        self._aad = MAGIC + _LEN.pack(len(header)) + header
        self._aead = AESGCM(subkey)
        self._out = out
        self._buffer = bytearray()
        self._counter = 0
        out.write(self._aad)

    def write(self, data: bytes) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:  # keep at least one byte back: the last chunk must carry the flag
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def _seal(self, plain: bytes, *, last: bool) -> None:
        if self._counter >= 2**32 - 1:
            raise ArchiveError("archive too large")
        sealed = self._aead.encrypt(_nonce(self._prefix, self._counter, last), plain, self._aad)
        self._out.write(_LEN.pack(len(sealed)) + sealed)
        self._counter += 1

    def close(self) -> None:
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()


def _read_exact(src: IO[bytes], n: int) -> bytes:
    data = src.read(n)
    return data if data is not None else b""


def read_header(src: IO[bytes]) -> tuple[dict[str, Any], bytes]:
    if _read_exact(src, len(MAGIC)) != MAGIC:
        raise ArchiveError(_("This file is not a lingtouyang backup."))
    raw_len = _read_exact(src, _LEN.size)
    if len(raw_len) != _LEN.size:
        raise ArchiveError(_("The backup is truncated."))
    (length,) = _LEN.unpack(raw_len)
    raw = _read_exact(src, length) if length <= 64 * 1024 else b""
    try:
        header = json.loads(raw)
    except ValueError as exc:
        raise ArchiveError(_("The backup's header is damaged.")) from exc
    if not isinstance(header, dict) or not isinstance(header.get("format"), int):
        raise ArchiveError(_("The backup's header is damaged."))
    if header["format"] > FORMAT:
        raise ArchiveError(_("This backup was made by a newer version of lingtouyang (format %(found)d; this "
                             "version reads up to %(known)d). Restore it with that version or a later one.")
                           % {"found": header["format"], "known": FORMAT})
    if header.get("cipher") != CIPHER:
        raise ArchiveError(_("The backup uses a cipher this version cannot read: %(cipher)s.")
                           % {"cipher": str(header.get("cipher"))[:40]})
    return header, MAGIC + raw_len + raw


def decrypted_chunks(src: IO[bytes], key: bytes) -> Iterator[bytes]:
    """The plaintext, one authenticated chunk at a time; raises ArchiveError at the first chunk that fails."""
    header, aad = read_header(src)
    try:
        salt = base64.b64decode(header["salt"])
        prefix = base64.b64decode(header["nonce_prefix"])
    except (KeyError, ValueError) as exc:
        raise ArchiveError(_("The backup's header is damaged.")) from exc
    subkey = _subkey(key, salt)
    if not hmac.compare_digest(str(header.get("key_check", "")), _key_check(subkey)):
        raise ArchiveError(_("Wrong backup key: this archive was made with another key."))
    aead = AESGCM(subkey)
    counter = 0
    while True:
        raw_len = _read_exact(src, _LEN.size)
        if not raw_len:
            raise ArchiveError(_("The backup is truncated: its last part is missing."))
        if len(raw_len) != _LEN.size:
            raise ArchiveError(_("The backup is truncated."))
        (length,) = _LEN.unpack(raw_len)
        if length > CHUNK + 16:
            raise ArchiveError(_("The backup has been altered or damaged (chunk %(n)d).") % {"n": counter + 1})
        sealed = _read_exact(src, length)
        if len(sealed) != length:
            raise ArchiveError(_("The backup is truncated."))
        last = False
        try:
            plain = aead.decrypt(_nonce(prefix, counter, False), sealed, aad)
        except InvalidTag:
            try:
                plain = aead.decrypt(_nonce(prefix, counter, True), sealed, aad)
                last = True
            except InvalidTag:
                raise ArchiveError(_("The backup has been altered or damaged (chunk %(n)d).")
                                   % {"n": counter + 1}) from None
        yield plain
        counter += 1
        if last:
            if src.read(1):
                raise ArchiveError(_("The backup has been altered: there is data after its end."))
            return


# The inner container ------------------------------------------------------------------------------------

_ENTRY, _END = b"E", b"Z"


class ContainerWriter:
    def __init__(self, out: EncryptingWriter) -> None:
        self._out = out

    def add_stream(self, name: str, src: IO[bytes]) -> int:
        """Copies `src` to an entry; returns the number of bytes."""
        meta = json.dumps({"name": name}).encode()
        self._out.write(_ENTRY + _LEN.pack(len(meta)) + meta)
        size = 0
        while block := src.read(CHUNK):
            self._out.write(_LEN.pack(len(block)))
            self._out.write(block)
            size += len(block)
        self._out.write(_LEN.pack(0))
        return size

    def add_bytes(self, name: str, data: bytes) -> None:
        import io

        self.add_stream(name, io.BytesIO(data))

    def close(self) -> None:
        self._out.write(_END)
        self._out.close()


class _Plain:
    """Reads exact byte counts from the stream of decrypted chunks."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = bytearray()

    def read(self, n: int) -> bytes:
        while len(self._buffer) < n:
            try:
                self._buffer += next(self._chunks)
            except StopIteration:
                raise ArchiveError(_("The backup is truncated.")) from None
        data = bytes(self._buffer[:n])
        del self._buffer[:n]
        return data

    def drained(self) -> bool:
        if self._buffer:
            return False
        return all(not chunk for chunk in self._chunks)


class Entry:
    def __init__(self, name: str, plain: _Plain) -> None:
        self.name = name
        self._plain = plain
        self._done = False

    def blocks(self) -> Iterator[bytes]:
        while not self._done:
            (length,) = _LEN.unpack(self._plain.read(_LEN.size))
            if length == 0:
                self._done = True
                return
            if length > CHUNK:
                raise ArchiveError(_("The backup's contents are damaged."))
            yield self._plain.read(length)

    def read_all(self, limit: int = 64 * 1024 * 1024) -> bytes:
        data = bytearray()
        for block in self.blocks():
            data += block
            if len(data) > limit:
                raise ArchiveError(_("The backup's contents are damaged."))
        return bytes(data)

    def skip(self) -> None:
        for _block in self.blocks():
            pass


def entries(src: IO[bytes], key: bytes) -> Iterator[Entry]:
    """Each entry in order; an entry not read to its end by the caller is skipped."""
    plain = _Plain(decrypted_chunks(src, key))
    while True:
        mark = plain.read(1)
        if mark == _END:
            if not plain.drained():
                raise ArchiveError(_("The backup's contents are damaged."))
            return
        if mark != _ENTRY:
            raise ArchiveError(_("The backup's contents are damaged."))
        (length,) = _LEN.unpack(plain.read(_LEN.size))
        try:
            name = json.loads(plain.read(length))["name"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ArchiveError(_("The backup's contents are damaged.")) from exc
        entry = Entry(str(name), plain)
        yield entry
        entry.skip()
