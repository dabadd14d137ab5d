"""The project's hash function for hash chains, chosen in settings: SM3 (GB/T 32905, national
cryptography) where the installed cryptography/OpenSSL offers it, SHA-256 otherwise.

Rows that are chained record the algorithm they were hashed with, so a chain begun under SHA-256 still
verifies after the setting moves to SM3 (and back)."""

from __future__ import annotations

import hashlib
from functools import cache

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SHA256 = "sha256"
SM3 = "sm3"
ALGORITHMS = (SHA256, SM3)
# Both algorithms give 32 bytes: 64 hex digits.
GENESIS = "0" * 64


@cache
def sm3_available() -> bool:
    """Whether the installed OpenSSL (through cryptography) computes SM3. Some builds (FIPS, older
    distributions) leave it out; the answer is checked once by hashing, not guessed from version numbers."""
    try:
        h = hashes.Hash(hashes.SM3())
        h.update(b"abc")
        # The GB/T 32905 test vector: a build that claims SM3 but computes something else is not SM3.
        return h.finalize().hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    except (UnsupportedAlgorithm, AttributeError):
        return False


def available() -> list[str]:
    return [SHA256, *([SM3] if sm3_available() else [])]


def check(name: str) -> str:
    """`name` if this machine can hash with it; ImproperlyConfigured with the reason otherwise."""
    if name not in ALGORITHMS:
        raise ImproperlyConfigured(f"hash algorithm must be one of {', '.join(ALGORITHMS)}, not {name!r}")
    if name == SM3 and not sm3_available():
        raise ImproperlyConfigured("hash algorithm sm3 was chosen (HASH_ALGORITHM) but the installed "
                                   "cryptography/OpenSSL does not offer SM3; choose sha256 or install an OpenSSL with SM3")
    return name


def algorithm() -> str:
    """The configured algorithm for new hashes (LINGTOUYANG_HASH_ALGORITHM, env HASH_ALGORITHM)."""
    return check(getattr(settings, "LINGTOUYANG_HASH_ALGORITHM", SHA256))


def _hash(name: str) -> hashes.HashAlgorithm:
    return hashes.SM3() if check(name) == SM3 else hashes.SHA256()


def digest(data: bytes, name: str | None = None) -> str:
    """H(data) as 64 hex digits, with `name` or the configured algorithm."""
    name = name or algorithm()
    if name == SHA256:
        return hashlib.sha256(data).hexdigest()
    h = hashes.Hash(_hash(name))
    h.update(data)
    return h.finalize().hex()


def mac(key: bytes, data: bytes, name: str | None = None) -> str:
    """HMAC-H(key, data) as 64 hex digits: what only the holder of the key can compute."""
    h = crypto_hmac.HMAC(key, _hash(name or algorithm()))
    h.update(data)
    return h.finalize().hex()
