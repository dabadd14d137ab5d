"""Periods and due dates of the catalogue's frequencies. A period is (label, first day, last day); the
disclosure of a period is due on the item's `due_day` of the `due_months_after`-th month after the period
ends (clamped to the month's length)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from lingtouyang.disclosure.models import PERIOD_MONTHS, CatalogueItem, Frequency


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    total = year * 12 + (month - 1) + n
    return total // 12, total % 12 + 1


def period_label(frequency: str, start: date) -> str:
    # Labels are data shown on notice boards, always in Chinese like the official forms.
    if frequency == Frequency.MONTHLY:
        return f"{start.year}年{start.month}月"
    if frequency == Frequency.QUARTERLY:
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    if frequency == Frequency.HALF_YEARLY:
        return f"{start.year}年{'上' if start.month <= 6 else '下'}半年"
    if frequency == Frequency.YEARLY:
        return f"{start.year}年"
    return f"{start:%Y-%m-%d}"


def period_containing(frequency: str, day: date) -> Period:
    """The period of `frequency` that holds `day` (on occurrence: the day itself)."""
    months = PERIOD_MONTHS.get(frequency)
    if months is None:
        return Period(period_label(frequency, day), day, day)
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    ey, em = _add_months(day.year, first_month, months - 1)
    end = date(ey, em, calendar.monthrange(ey, em)[1])
    return Period(period_label(frequency, start), start, end)


def is_period_start(frequency: str, start: date, end: date) -> bool:
    """Whether (start, end) is exactly one period of `frequency`."""
    p = period_containing(frequency, start)
    return p.start == start and p.end == end


def due_date(item: CatalogueItem, period: Period) -> date | None:
    if item.frequency not in PERIOD_MONTHS:
        return None
    y, m = _add_months(period.end.year, period.end.month, item.due_months_after)
    return date(y, m, min(item.due_day, calendar.monthrange(y, m)[1]))


def due_periods(item: CatalogueItem, since: date, on: date) -> list[tuple[Period, date]]:
    """The item's periods whose due date falls in [since, on], oldest first."""
    if item.frequency not in PERIOD_MONTHS:
        return []
    out = []
    # Start a year and a half before `since`: a period is due at most ~13 months after it starts.
    p = period_containing(item.frequency, since - timedelta(days=550))
    while p.start <= on:
        due = due_date(item, p)
        if due is not None and since <= due <= on:
            out.append((p, due))
        p = period_containing(item.frequency, p.end + timedelta(days=1))
    return out
