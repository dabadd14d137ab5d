"""The one small engine that decides the rules data can decide. Pure functions: the services feed them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _


def age_on(birth_date: date, day: date) -> int:
    """Completed years on `day` (a person born on 29 February turns a year older on 1 March)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


@dataclass(frozen=True)
class Outcome:
    passed: bool
    reason: str


def check_max_age(birth_date: date, election_date: date, limit: int) -> Outcome:
    age = age_on(birth_date, election_date)
    if age > limit:
        return Outcome(False, _("aged %(age)d at the election, over the limit of %(limit)d")
                       % {"age": age, "limit": limit})
    return Outcome(True, _("aged %(age)d at the election, within the limit of %(limit)d")
                   % {"age": age, "limit": limit})


def applies(applies_to: str, standing_for: str) -> bool:
    return applies_to == "all" or applies_to == standing_for
