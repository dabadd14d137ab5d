"""Working-day arithmetic: concrete 2026 cases counted by hand from the State Council's notice, and
properties that hold for any calendar."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lingtouyang.recruitment import workdays
from lingtouyang.recruitment.calendar_2026 import CALENDAR_2026

CAL = {d: w for d, w, _n in CALENDAR_2026}
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
calendars = st.dictionaries(st.dates(min_value=date(2020, 1, 1), max_value=date(2031, 6, 30)), st.booleans(),
                            max_size=40)


@pytest.mark.parametrize(("start", "n", "end"), [
    (date(2026, 3, 2), 5, date(2026, 3, 9)),  # Mon + 5: Tue Wed Thu Fri, next Mon
    (date(2026, 3, 6), 1, date(2026, 3, 9)),  # Fri + 1 skips the weekend
    (date(2026, 9, 30), 5, date(2026, 10, 13)),  # 国庆 1–7 off; Thu 8, Fri 9, Sat 10 (worked), Mon 12, Tue 13
    (date(2026, 2, 13), 1, date(2026, 2, 14)),  # Sat 14 Feb is worked (春节调休)
    (date(2026, 2, 13), 2, date(2026, 2, 24)),  # then 春节 15–23 off
    (date(2026, 4, 30), 3, date(2026, 5, 8)),  # 劳动节 1–5 off: Wed 6, Thu 7, Fri 8
    (date(2026, 5, 8), 1, date(2026, 5, 9)),  # Sat 9 May is worked
    (date(2025, 12, 31), 1, date(2026, 1, 4)),  # 元旦 1–3 off, Sun 4 Jan worked
    (date(2026, 6, 18), 1, date(2026, 6, 22)),  # 端午 19–21 off
])
def test_2026_holidays(start: date, n: int, end: date) -> None:
    assert workdays.add_workdays(start, n, CAL) == end
    assert workdays.workdays_between(start, end, CAL) == n


def test_the_2026_data_as_published() -> None:
    off = sorted(d for d, w in CAL.items() if not w)
    worked = sorted(d for d, w in CAL.items() if w)
    assert len(off) == 3 + 9 + 3 + 5 + 3 + 3 + 7
    assert worked == [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20),
                      date(2026, 10, 10)]
    assert all(d.weekday() >= 5 for d in worked)  # adjusted working days are weekends


@pytest.mark.django_db
def test_the_stored_calendar_is_used_and_editable() -> None:
    from lingtouyang.recruitment.models import CalendarDay

    assert workdays.notice_end(date(2026, 9, 30), 5) == date(2026, 10, 13)
    CalendarDay.objects.filter(date=date(2026, 10, 10)).update(is_workday=False)
    assert workdays.notice_end(date(2026, 9, 30), 5) == date(2026, 10, 14)


@given(days, st.integers(min_value=1, max_value=60), calendars)
def test_the_end_is_a_working_day_n_working_days_on(start: date, n: int, cal: dict[date, bool]) -> None:
    end = workdays.add_workdays(start, n, cal)
    assert end > start
    assert workdays.is_workday(end, cal)
    assert workdays.workdays_between(start, end, cal) == n
    # No working day is skipped: the day before the end is n - 1 working days on.
    assert workdays.workdays_between(start, end - timedelta(days=1), cal) == n - 1


@given(days, st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=40), calendars)
def test_more_working_days_never_end_earlier(start: date, a: int, b: int, cal: dict[date, bool]) -> None:
    low, high = sorted((a, b))
    assert workdays.add_workdays(start, low, cal) <= workdays.add_workdays(start, high, cal)


@given(days, st.integers(min_value=1, max_value=30), st.dates(min_value=date(2020, 1, 1), max_value=date(2031, 6, 30)))
def test_a_holiday_never_ends_a_notice_earlier(start: date, n: int, holiday: date) -> None:
    assert workdays.add_workdays(start, n, {holiday: False}) >= workdays.add_workdays(start, n, {})


@given(days.filter(lambda d: d.weekday() < 5))
def test_without_exceptions_five_working_days_are_a_week(start: date) -> None:
    assert workdays.add_workdays(start, 5, {}) == start + timedelta(days=7)


@given(days.filter(lambda d: d.weekday() >= 5))
def test_a_worked_weekend_day_counts(day: date) -> None:
    assert not workdays.is_workday(day, {})
    assert workdays.is_workday(day, {day: True})
    assert workdays.add_workdays(day - timedelta(days=1), 1, {day: True}) == day
