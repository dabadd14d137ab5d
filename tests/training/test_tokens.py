"""The check-in codes: genuine, still in their life, or refused with a reason; never a crash."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from lingtouyang.training import tokens
from lingtouyang.training.models import Sitting

NOW = timezone.now()


def _sitting(pk: int = 7, nonce: int = 3) -> Sitting:
    return Sitting(pk=pk, token_nonce=nonce)


def _code(exc: pytest.ExceptionInfo[ValidationError]) -> str | None:
    return exc.value.code


def test_a_fresh_code_names_its_sitting_and_nonce() -> None:
    claim = tokens.read_token(tokens.make_token(_sitting(), NOW), NOW + timedelta(seconds=30))
    assert (claim.sitting_id, claim.nonce) == (7, 3)
    assert abs((claim.issued_at - NOW).total_seconds()) < 1
    assert claim.expires_at == claim.issued_at + tokens.TOKEN_LIFE


def test_a_code_expires_after_its_life() -> None:
    token = tokens.make_token(_sitting(), NOW)
    tokens.read_token(token, NOW + tokens.TOKEN_LIFE - timedelta(seconds=1))
    with pytest.raises(ValidationError) as exc:
        tokens.read_token(token, NOW + tokens.TOKEN_LIFE + timedelta(seconds=2))
    assert _code(exc) == "expired"


def test_a_code_from_the_future_is_refused() -> None:
    token = tokens.make_token(_sitting(), NOW + timedelta(minutes=5))
    with pytest.raises(ValidationError) as exc:
        tokens.read_token(token, NOW)
    assert _code(exc) == "expired"


def test_a_tampered_code_is_refused() -> None:
    token = tokens.make_token(_sitting(), NOW)
    payload, rest = token.split(":", 1)
    forged = signing.dumps([8, 3, int(NOW.timestamp())], salt=tokens.SALT, compress=False).split(":", 1)[0]
    with pytest.raises(ValidationError) as exc:
        tokens.read_token(f"{forged}:{rest}", NOW)
    assert _code(exc) == "invalid"


def test_a_value_signed_for_another_purpose_is_refused() -> None:
    other = signing.dumps([7, 3, int(NOW.timestamp())], compress=False)  # the default salt
    with pytest.raises(ValidationError) as exc:
        tokens.read_token(other, NOW)
    assert _code(exc) == "invalid"


def test_a_genuine_value_of_the_wrong_shape_is_refused() -> None:
    for value in ({"s": 7}, [7, 3], "seven", [7, "x", 1]):
        with pytest.raises(ValidationError) as exc:
            tokens.read_token(signing.dumps(value, salt=tokens.SALT), NOW)
        assert _code(exc) == "invalid"


@given(st.text(max_size=200))
def test_anything_else_is_refused_cleanly(text: str) -> None:
    with pytest.raises(ValidationError):
        tokens.read_token(text, NOW)
