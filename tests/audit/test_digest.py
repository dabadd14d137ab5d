import hashlib

import pytest
from django.core.exceptions import ImproperlyConfigured

from lingtouyang.core import digest


def test_sha256_is_sha256(settings):
    settings.LINGTOUYANG_HASH_ALGORITHM = "sha256"
    assert digest.digest(b"abc") == hashlib.sha256(b"abc").hexdigest()


def test_sm3_gives_the_standards_test_vector(settings):
    if not digest.sm3_available():
        pytest.skip("this OpenSSL has no SM3")
    settings.LINGTOUYANG_HASH_ALGORITHM = "sm3"
    # GB/T 32905-2016, appendix A.1.
    assert digest.digest(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert digest.available() == ["sha256", "sm3"]


def test_the_algorithm_is_the_settings(settings):
    settings.LINGTOUYANG_HASH_ALGORITHM = "sha256"
    assert digest.digest(b"x") != digest.digest(b"x", "sm3")
    assert len(digest.mac(b"k", b"x", "sm3")) == len(digest.mac(b"k", b"x", "sha256")) == 64


def test_an_unknown_algorithm_is_refused(settings):
    settings.LINGTOUYANG_HASH_ALGORITHM = "md5"
    with pytest.raises(ImproperlyConfigured, match="sha256, sm3"):
        digest.digest(b"x")


def test_sm3_without_openssl_support_is_refused_with_the_reason(settings, monkeypatch):
    monkeypatch.setattr(digest, "sm3_available", lambda: False)
    settings.LINGTOUYANG_HASH_ALGORITHM = "sm3"
    with pytest.raises(ImproperlyConfigured, match="does not offer SM3"):
        digest.algorithm()
    assert digest.available() == ["sha256"]
    assert digest.check("sha256") == "sha256"
