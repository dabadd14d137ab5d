"""Working-day arithmetic for public notices (公示). Weekends are days off and Monday to Friday are working
days, except where the calendar (CalendarDay rows: public holidays and the adjusted working weekends,
调休) says otherwise. The calendar is data; these functions only count."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

# How far the arithmetic looks ahead before giving up: no real calendar has a month without a working day.
MAX_SPAN_DAYS = 3660


def is_workday(day: date, exceptions: Mapping[date, bool]) -> bool:
    """A calendar exception decides; otherwise Monday to Friday."""
    if day in exceptions:
        return exceptions[day]
    return day.weekday() < 5


def add_workdays(start: date, n: int, exceptions: Mapping[date, bool]) -> date:
    """The n-th working day after `start` (start itself not counted); n = 0 is `start`."""
    if n < 0:
        raise ValueError("n must not be negative")
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if (day - start).days > MAX_SPAN_DAYS:
            raise ValueError("no working days in the calendar")
        if is_workday(day, exceptions):
            counted += 1
    return day


def workdays_between(start: date, end: date, exceptions: Mapping[date, bool]) -> int:
    """Working days in (start, end]: the inverse of add_workdays."""
    return sum(1 for i in range(1, (end - start).days + 1) if is_workday(start + timedelta(days=i), exceptions))


def calendar_exceptions(start: date, end: date) -> dict[date, bool]:
    """The stored exceptions from start to end, in one query."""
    from lingtouyang.recruitment.models import CalendarDay

    return dict(CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "is_workday"))


def notice_end(start: date, n: int) -> date:
    """The last day of a notice of n working days starting on `start`, by the stored calendar."""
    return add_workdays(start, n, calendar_exceptions(start, start + timedelta(days=max(31, n * 3 + 31))))
