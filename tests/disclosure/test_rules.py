from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from lingtouyang.disclosure import masking, rules
from lingtouyang.disclosure.models import Disclosure
from tests.disclosure.conftest import draft

money = st.decimals(min_value=0, max_value=10**8, places=2, allow_nan=False, allow_infinity=False)
lines = st.lists(st.tuples(st.sampled_from(["income", "expense"]), money), max_size=20)


@given(opening=money, lines=lines)
def test_closing_from_lines_always_reconciles(opening: Decimal, lines: list) -> None:
    closing = rules.expected_closing(opening, lines)
    assert rules.reconciles(opening, closing, lines)
    assert not rules.reconciles(opening, closing + Decimal("0.01"), lines)


@given(st.text(min_size=11, max_size=18, alphabet="0123456789X"))
def test_mask_keeps_only_ends(number: str) -> None:
    masked = masking.mask_id(number)
    assert masked[:6] == number[:6] and masked[-4:] == number[-4:] and len(masked) == len(number)
    assert set(masked[6:-4]) <= {"*"}


@pytest.mark.parametrize("value", [1.5, "1.234", "abc", "NaN", "Infinity", None, True])
def test_bad_money(value) -> None:
    assert rules.to_money(value) is None


@pytest.mark.django_db
def test_finance_disclosure_must_reconcile(users):
    with pytest.raises(ValidationError, match="reconcile|不平"):
        draft(users["village"], "F01", closing_balance="1150.49")
    with pytest.raises(ValidationError):
        draft(users["village"], "F01", lines=[{"kind": "income", "subject": "x", "amount": "-1"}])
    with pytest.raises(ValidationError):
        draft(users["village"], "F01", opening_balance=None)
    assert not Disclosure.objects.exists()
    d = draft(users["village"], "F01")
    assert d.lines.count() == 2 and d.closing_balance == Decimal("1150.50")
