"""China's 2026 public-holiday arrangement, as data. Source: 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)
(the State Council General Office's notice on the 2026 holidays). Loaded by a data migration; the days are
ordinary CalendarDay rows afterwards, which administrators correct or extend on the calendar page."""

from __future__ import annotations

from datetime import date, timedelta


def _span(first: date, last: date, note: str) -> list[tuple[date, bool, str]]:
    return [(first + timedelta(days=i), False, note) for i in range((last - first).days + 1)]


HOLIDAYS_2026: list[tuple[date, bool, str]] = [
    *_span(date(2026, 1, 1), date(2026, 1, 3), "元旦"),
    *_span(date(2026, 2, 15), date(2026, 2, 23), "春节"),
    *_span(date(2026, 4, 4), date(2026, 4, 6), "清明节"),
    *_span(date(2026, 5, 1), date(2026, 5, 5), "劳动节"),
    *_span(date(2026, 6, 19), date(2026, 6, 21), "端午节"),
    *_span(date(2026, 9, 25), date(2026, 9, 27), "中秋节"),
    *_span(date(2026, 10, 1), date(2026, 10, 7), "国庆节"),
]
# Weekends worked instead (调休上班).
WORKED_WEEKENDS_2026: list[tuple[date, bool, str]] = [
    (date(2026, 1, 4), True, "元旦调休上班"),
    (date(2026, 2, 14), True, "春节调休上班"),
    (date(2026, 2, 28), True, "春节调休上班"),
    (date(2026, 5, 9), True, "劳动节调休上班"),
    (date(2026, 9, 20), True, "国庆节调休上班"),
    (date(2026, 10, 10), True, "国庆节调休上班"),
]
CALENDAR_2026 = HOLIDAYS_2026 + WORKED_WEEKENDS_2026
# The shortest public notice for recruited village cadres: five working days.
DEFAULT_MIN_NOTICE_WORKDAYS = 5
