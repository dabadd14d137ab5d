"""The roster's rules as plain functions, shared by the forms, the API and the importer.
Each returns None when the value is fine, or the message to show."""

from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _

from lingtouyang.people.codes import COMMUNITY_ONLY_POSTS, VILLAGE_ONLY_POSTS
from lingtouyang.people.idnumber import IdNumber, age_on
from lingtouyang.people.normalize import Precision
from lingtouyang.regions.models import Kind, Level

MIN_AGE = getattr(settings, "CADRE_MIN_AGE", 18)
MAX_AGE = getattr(settings, "CADRE_MAX_AGE", 75)
TERM_ANCHOR_YEAR = getattr(settings, "TERM_ANCHOR_YEAR", 2021)
TERM_YEARS = getattr(settings, "TERM_YEARS", 5)


def term_for(day: date) -> int:
    """The election year of the term a date falls in (village terms: five years since 2018)."""
    return TERM_ANCHOR_YEAR + (day.year - TERM_ANCHOR_YEAR) // TERM_YEARS * TERM_YEARS


def start_date_problem(start: date, born: date | None, today: date) -> str | None:
    """An appointment's start: not in the future, not before the person was born."""
    if start > today:
        return _("the start date is in the future")
    if born is not None and start < born:
        return _("the start date is before the birth date")
    return None


def overlaps(start: date, end: date | None, other_start: date, other_end: date | None) -> bool:
    """Whether two terms of office share a day. A term runs from its start up to, not including, its
    end (None: still open), so a successor may start the day the predecessor ended."""
    return (other_end is None or start < other_end) and (end is None or other_start < end)


def birth_date_problem(id_info: IdNumber, born: date | None, precision: Precision = Precision.DAY) -> str | None:
    if born is None:
        return None
    same = (born.year, born.month) == (id_info.birth_date.year, id_info.birth_date.month)
    if precision is Precision.DAY:
        same = born == id_info.birth_date
    if not same:
        return _("the birth date does not agree with the ID number (%(date)s)") % {
            "date": id_info.birth_date.isoformat()
        }
    return None


def gender_problem(id_info: IdNumber, gender: str | None) -> str | None:
    if gender and gender != id_info.gender:
        return _("the gender does not agree with the ID number")
    return None


def age_problem(born: date, today: date) -> str | None:
    age = age_on(born, today)
    if not MIN_AGE <= age <= MAX_AGE:
        return _("age %(age)d is not plausible for a cadre (%(low)d–%(high)d)") % {
            "age": age, "low": MIN_AGE, "high": MAX_AGE,
        }
    return None


def region_problem(level: int | None) -> str | None:
    if level is None:
        return _("no such village or community")
    if level != Level.VILLAGE:
        return _("this region is not a village or community")
    return None


def post_problem(post: str, kind: str) -> str | None:
    if post in VILLAGE_ONLY_POSTS and kind == Kind.COMMUNITY:
        return _("a community has a residents' committee, not a villagers' committee")
    if post in COMMUNITY_ONLY_POSTS and kind == Kind.VILLAGE:
        return _("a village has a villagers' committee, not a residents' committee")
    return None
