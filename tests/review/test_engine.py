"""The automatic age rule, around its limit."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from lingtouyang.review.engine import age_on, check_max_age

days = st.dates(min_value=date(1930, 1, 1), max_value=date(2010, 12, 31))


@given(born=days, limit=st.integers(min_value=18, max_value=80), offset=st.integers(min_value=-400, max_value=400))
def test_the_limit_is_inclusive_and_decided_by_the_birthday(born: date, limit: int, offset: int) -> None:
    election = born.replace(year=born.year + limit) if (born.month, born.day) != (2, 29) else date(born.year + limit, 3, 1)
    election += timedelta(days=offset)
    outcome = check_max_age(born, election, limit)
    age = age_on(born, election)
    assert outcome.passed == (age <= limit)
    # One day before the birthday that takes the candidate past the limit they still pass.
    if 0 <= offset < 365:
        assert age == limit and outcome.passed


@given(born=days, election=days)
def test_age_is_completed_years(born: date, election: date) -> None:
    age = age_on(born, election)
    if election >= born:
        assert age >= 0
        assert date(born.year, 1, 1) <= election
    assert (age + 1) > (election - born).days / 366 - 1


def test_a_leap_day_birthday_turns_on_the_first_of_march() -> None:
    born = date(1964, 2, 29)
    assert age_on(born, date(2024, 2, 28)) == 59
    assert age_on(born, date(2024, 2, 29)) == 60
    assert age_on(born, date(2025, 2, 28)) == 60
    assert age_on(born, date(2025, 3, 1)) == 61
