"""The reconciliation rule of a finance disclosure (明白账): opening balance + income − expense = closing
balance, to the cent (amounts are entered with at most two decimals; nothing is rounded)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")


def to_money(value: Any) -> Decimal | None:
    """A Decimal with at most two decimals, or None when the value is not such an amount."""
    if value is None or isinstance(value, float | bool):
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite() or amount != amount.quantize(CENT) or abs(amount) >= Decimal("1e12"):
        return None
    return amount.quantize(CENT)


def expected_closing(opening: Decimal, lines: Iterable[tuple[str, Decimal]]) -> Decimal:
    """opening + Σ income − Σ expense; `lines` are (kind, amount) with kind "income" or "expense"."""
    total = opening
    for kind, amount in lines:
        total += amount if kind == "income" else -amount
    return total


def reconciles(opening: Decimal, closing: Decimal, lines: Iterable[tuple[str, Decimal]]) -> bool:
    return expected_closing(opening, lines) == closing
