"""Field encryption and blind indexes for personal data at rest (ID numbers, phone numbers).

Ciphertext layouts (the first byte says which):

    1  | nonce (12) | AES-256-GCM ciphertext+tag           legacy rows: no key id, read only
    2  | key id (2) | nonce (12) | AES-256-GCM ciphertext+tag
    3  | key id (2) | nonce (12) | SM4-GCM ciphertext+tag   (GB/T 32907, national cryptography)

Layout 1 predates key rotation. Its first byte cannot also mean "AES with a key id", or a legacy row and a
new one could not be told apart, so keyed AES rows start with 2 and SM4 rows with 3. In layouts 2 and 3 the
first three bytes are authenticated as associated data, so the header cannot be altered either.

Keys. FIELD_ENCRYPTION_KEY (32 random bytes, base64) encrypts everything new; FIELD_ENCRYPTION_OLD_KEYS
(a list of the same) only decrypt, so rows written before a rotation stay readable until `lingtouyang
rotate-keys` has re-encrypted them. The key id is the first two bytes of SHA-256("lingtouyang field key id"
+ key): it names the key without revealing anything usable about it; two configured keys with the same id
are refused. The cipher is LINGTOUYANG_FIELD_CIPHER: "aes-gcm" (default) uses the 32-byte key as it is;
"sm4-gcm" uses a 16-byte key derived from it with HKDF-SM3 (info "lingtouyang field encryption SM4-GCM"),
so one configured key serves both ciphers and switching cipher needs no new key, only a rotate-keys run.

Blind indexes are HMAC-SHA256 under BLIND_INDEX_KEY (equality lookup and uniqueness without the value).
While BLIND_INDEX_KEY is being rotated, BLIND_INDEX_OLD_KEY gives the index under the previous key too, so
duplicate checks see rows not yet recomputed (see `blind_index_candidates` and rotate-keys --blind-index)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION_AES_GCM_LEGACY = 1
VERSION_AES_GCM = 2
VERSION_SM4_GCM = 3

CIPHERS = {"aes-gcm": VERSION_AES_GCM, "sm4-gcm": VERSION_SM4_GCM}
NONCE = 12
TAG = 16
KEY_ID = 2
HEADER = 1 + KEY_ID
_SM4_INFO = b"lingtouyang field encryption SM4-GCM"


class DecryptionError(ValueError):
    """The value is not a ciphertext any configured key opens (unknown layout or key, or tampered)."""


def sm4_available() -> bool:
    """Whether the installed cryptography/OpenSSL offers SM4 in GCM mode and SM3 (for the key derivation)."""
    try:
        key, nonce = bytes(16), bytes(NONCE)
        enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
        enc.update(b"x")
        enc.finalize()
        HKDF(hashes.SM3(), 16, None, _SM4_INFO).derive(bytes(32))
    except (UnsupportedAlgorithm, AttributeError, ValueError):
        return False
    return True


def check_cipher(name: str) -> str:
    """The cipher name if it is known and usable here; ImproperlyConfigured otherwise."""
    if name not in CIPHERS:
        raise ImproperlyConfigured(f"FIELD_CIPHER (LINGTOUYANG_FIELD_CIPHER) must be one of {', '.join(CIPHERS)}, not {name!r}")
    if name == "sm4-gcm" and not sm4_available():
        raise ImproperlyConfigured("FIELD_CIPHER (LINGTOUYANG_FIELD_CIPHER) is sm4-gcm, but this cryptography/OpenSSL build "
                                   "offers no SM4-GCM or SM3; use aes-gcm")
    return name


def decode_key(value: str, name: str = "FIELD_ENCRYPTION_KEY") -> bytes:
    try:
        key = base64.b64decode(value, validate=True)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise ImproperlyConfigured(f"{name} must be 32 random bytes, base64-encoded")
    return key


def key_id(key: bytes) -> bytes:
    return hashlib.sha256(b"lingtouyang field key id" + key).digest()[:KEY_ID]


@dataclass(frozen=True)
class _Key:
    raw: bytes
    id: bytes

    def seal(self, version: int, plaintext: bytes) -> bytes:
        header = bytes([version]) + self.id
        nonce = os.urandom(NONCE)
        if version == VERSION_SM4_GCM:
            enc = Cipher(algorithms.SM4(_sm4_key(self.raw)), modes.GCM(nonce)).encryptor()
            enc.authenticate_additional_data(header)
            body = enc.update(plaintext) + enc.finalize() + enc.tag
        else:
            body = AESGCM(self.raw).encrypt(nonce, plaintext, header)
        return header + nonce + body

    def open(self, data: bytes) -> bytes:
        version = data[0]
        if version == VERSION_AES_GCM_LEGACY:
            return AESGCM(self.raw).decrypt(data[1:1 + NONCE], data[1 + NONCE:], None)
        header, nonce, body = data[:HEADER], data[HEADER:HEADER + NONCE], data[HEADER + NONCE:]
        if version == VERSION_AES_GCM:
            return AESGCM(self.raw).decrypt(nonce, body, header)
        if len(body) < TAG:
            raise InvalidTag
        dec = Cipher(algorithms.SM4(_sm4_key(self.raw)), modes.GCM(nonce, body[-TAG:])).decryptor()
        dec.authenticate_additional_data(header)
        return dec.update(body[:-TAG]) + dec.finalize()


@lru_cache(maxsize=16)
def _sm4_key(raw: bytes) -> bytes:
    return HKDF(hashes.SM3(), 16, None, _SM4_INFO).derive(raw)


@dataclass(frozen=True)
class KeyRing:
    current: _Key
    others: tuple[_Key, ...]
    version: int

    @property
    def header(self) -> bytes:
        """What a value encrypted now starts with: rows starting otherwise need re-encrypting."""
        return bytes([self.version]) + self.current.id

    def candidates(self, data: bytes) -> list[_Key]:
        if data[0] == VERSION_AES_GCM_LEGACY:
            return [self.current, *self.others]  # no key id: try each (GCM tells a wrong key)
        kid = data[1:HEADER]
        return [k for k in (self.current, *self.others) if k.id == kid]


@lru_cache(maxsize=8)
def _ring(current: str, old: tuple[str, ...], cipher: str) -> KeyRing:
    version = CIPHERS[check_cipher(cipher)]
    keys = [_Key(raw, key_id(raw)) for raw in [decode_key(current)] +
            [decode_key(v, "FIELD_ENCRYPTION_OLD_KEYS") for v in old]]
    unique = {k.raw: k for k in keys}
    if len({k.id for k in unique.values()}) != len(unique):
        raise ImproperlyConfigured("two encryption keys share a key id; generate another new key")
    return KeyRing(keys[0], tuple(k for raw, k in unique.items() if raw != keys[0].raw), version)


def key_ring() -> KeyRing:
    """The configured keys and cipher (cached per configuration, so settings overrides take effect)."""
    old = tuple(getattr(settings, "FIELD_ENCRYPTION_OLD_KEYS", ()) or ())
    cipher = getattr(settings, "LINGTOUYANG_FIELD_CIPHER", "aes-gcm") or "aes-gcm"
    return _ring(settings.FIELD_ENCRYPTION_KEY, old, cipher)


def encrypt(plaintext: str) -> bytes:
    ring = key_ring()
    return ring.current.seal(ring.version, plaintext.encode())


def decrypt(blob: bytes | memoryview) -> str:
    data = bytes(blob)
    if not data or data[0] not in (VERSION_AES_GCM_LEGACY, VERSION_AES_GCM, VERSION_SM4_GCM):
        raise DecryptionError("unknown ciphertext version")
    minimum = 1 + NONCE + TAG if data[0] == VERSION_AES_GCM_LEGACY else HEADER + NONCE + TAG
    if len(data) < minimum:
        raise DecryptionError("ciphertext too short")
    for key in key_ring().candidates(data):
        try:
            return key.open(data).decode()
        except InvalidTag:
            continue
    raise DecryptionError("no configured key opens this value (unknown key, or altered)")


def is_current(blob: bytes | memoryview | None) -> bool:
    """Whether a stored value is already under the current key and cipher (rotate-keys skips it)."""
    return blob is None or bytes(blob[:HEADER]) == key_ring().header


def reencrypt(blob: bytes | memoryview) -> bytes:
    return encrypt(decrypt(blob))


def generate_key() -> str:
    """A new random key, in the form the settings take."""
    return base64.b64encode(os.urandom(32)).decode()


@lru_cache(maxsize=4)
def _index_key(key_b64: str) -> bytes:
    return base64.b64decode(key_b64)


def blind_index(value: str, key_b64: str | None = None) -> str:
    """Keyed hash for equality lookup and uniqueness without storing the value."""
    key = _index_key(key_b64 or settings.BLIND_INDEX_KEY)
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def blind_index_candidates(value: str) -> list[str]:
    """The value's index under the current key and, during a blind-index rotation, the previous one."""
    indexes = [blind_index(value)]
    old = getattr(settings, "BLIND_INDEX_OLD_KEY", "")
    if old and old != settings.BLIND_INDEX_KEY:
        indexes.append(blind_index(value, old))
    return indexes


def mask_phone(phone: str) -> str:
    """138****1234 for a mobile number; a short number keeps its last two digits only."""
    phone = phone.strip()
    if not phone:
        return ""
    if len(phone) >= 7:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:] if len(phone) > 7 else "***" + phone[-4:]
    return "*" * (len(phone) - 2) + phone[-2:]
