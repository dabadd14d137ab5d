"""Resident ID numbers (公民身份号码, GB 11643-1999).

The checksum (ISO 7064 MOD 11-2, incl. the X check character) and the birth date come from
python-stdnum. Its birth-place check is not used: it tests the address code against the year of
birth, but numbers issued in 1999 carry the address code of that year, so real numbers fail it."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

from lingtouyang.people.codes import Gender

# Province-level address codes in use (GB/T 2260), first two digits.
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)


# 5.10521198503011E+17, as Excel shows a number too long for its cell.
_E_NOTATION = re.compile(r"\d+(?:\.\d+)?E\+\d+")


class IdNumberError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: date
    gender: str

    @property
    def masked(self) -> str:
        return mask(self.number)


def compact(raw: object) -> str:
    text = unicodedata.normalize("NFKC", str(raw if raw is not None else ""))
    return "".join(text.split()).upper()


def parse_id_number(raw: object, today: date | None = None) -> IdNumber:
    """`today`: for a batch (the importer), the day once, not a time-zone lookup per number."""
    number = compact(raw)
    # A number cell holds 15 significant digits: an ID number typed into one has lost its last digits
    # (and an X) before it reaches us, as a float, or as text like 5.10521198503011E+17 when copied.
    number_cell = isinstance(raw, int | float) and not isinstance(raw, bool)
    if number_cell or ("E" in number and _E_NOTATION.fullmatch(number)):
        raise IdNumberError(str(_("Excel stored the ID number as a number and lost its last digits; format the "
                                  "column as text and type the number again")))
    if len(number) != 18:
        raise IdNumberError(str(_("an ID number has 18 characters; this one has %(n)d") % {"n": len(number)}))
    # isascii: NFKC leaves digits of other scripts (e.g. Arabic-Indic) as they are, and they would be
    # stored and blind-indexed apart from the same number in ASCII.
    if not (number.isascii() and number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")):
        raise IdNumberError(str(_("an ID number is 17 digits followed by a digit or X")))
    if number[:2] not in PROVINCE_CODES:
        raise IdNumberError(str(_("the ID number's address code does not start with a province code")))
    if ric.calc_check_digit(number) != number[17]:
        raise IdNumberError(str(_("the ID number's check character is wrong (mistyped digit?)")))
    try:  # what ric.get_birth_date does, without cleaning the already compact number again
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise IdNumberError(str(_("the ID number holds no valid birth date"))) from exc
    if born > (today or timezone.localdate()):
        raise IdNumberError(str(_("the ID number holds no valid birth date")))
    gender = Gender.MALE if int(number[16]) % 2 else Gender.FEMALE
    return IdNumber(number=number, birth_date=born, gender=gender)


def mask(number: str) -> str:
    """510502********123X: the county and the last four stay, the birth date is hidden."""
    if len(number) != 18:
        return "*" * len(number)
    return number[:6] + "*" * 8 + number[14:]


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
