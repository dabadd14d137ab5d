"""Field encryption and blind indexes for sensitive identifiers (ID numbers).

Ciphertext layout: one version byte, a 12-byte nonce, then AES-GCM output. The version byte
leaves room for other keys or ciphers (key rotation, SM4) without touching stored rows."""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

VERSION_AES_GCM = 1


@lru_cache(maxsize=4)
def _aead(key_b64: str) -> AESGCM:
    key = base64.b64decode(key_b64)
    if len(key) != 32:
        raise ValueError("FIELD_ENCRYPTION_KEY must be 32 bytes, base64-encoded")
    return AESGCM(key)


@lru_cache(maxsize=4)
def _index_key(key_b64: str) -> bytes:
    return base64.b64decode(key_b64)


def encrypt(plaintext: str) -> bytes:
    nonce = os.urandom(12)
    body = _aead(settings.FIELD_ENCRYPTION_KEY).encrypt(nonce, plaintext.encode(), None)
    return bytes([VERSION_AES_GCM]) + nonce + body


def decrypt(blob: bytes | memoryview) -> str:
    data = bytes(blob)
    if data[0] != VERSION_AES_GCM:
        raise ValueError("unknown ciphertext version")
    return _aead(settings.FIELD_ENCRYPTION_KEY).decrypt(data[1:13], data[13:], None).decode()


def blind_index(value: str) -> str:
    """Keyed hash for equality lookup and uniqueness without storing the value."""
    key = _index_key(settings.BLIND_INDEX_KEY)
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]
