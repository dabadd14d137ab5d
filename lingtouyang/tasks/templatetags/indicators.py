"""Indicator amounts as people write them: 238.6, 68, 20,000 (no trailing zeros, thousands grouped)."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def amount(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"
