"""Turning messy spreadsheet cells into clean values. Accept what is unambiguous; for the rest
raise CellError with a message for the person who typed it."""

import re
import unicodedata
from datetime import date, datetime, timedelta
from enum import Enum

from django.utils.translation import gettext_lazy as _

EXCEL_EPOCH = date(1899, 12, 30)
# Serial numbers of 1927-05-19 .. 2119-01-05: any date a roster can hold.
SERIAL_RANGE = (10_000, 80_000)


class CellError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Precision(Enum):
    DAY = "day"
    MONTH = "month"


_WHITESPACE = re.compile(r"\s")


def text(value: object) -> str:
    """NFKC folds full-width digits and letters; whitespace anywhere, incl. U+3000, goes."""
    if value is None:
        return ""
    if value.__class__ is str:
        # Most cells are already clean; skip the Unicode machinery for them (a roster has ~12 per row).
        if unicodedata.is_normalized("NFKC", value) and _WHITESPACE.search(value) is None:  # type: ignore[arg-type]
            return value  # type: ignore[return-value]
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    folded = unicodedata.normalize("NFKC", str(value))
    return "".join(folded.split())


_PATTERNS = [
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"), Precision.DAY),
    (re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"), Precision.DAY),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), Precision.DAY),
    (re.compile(r"^(\d{4})[-/.](\d{1,2})$"), Precision.MONTH),
    (re.compile(r"^(\d{4})年(\d{1,2})月?$"), Precision.MONTH),
    (re.compile(r"^(\d{4})(\d{2})$"), Precision.MONTH),
]


def _make(year: int, month: int, day: int) -> date:
    if not 1900 <= year <= 2100:
        raise CellError(str(_("the year %(year)d is out of range") % {"year": year}))
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise CellError(str(_("there is no such date"))) from exc


def _from_number(value: float) -> tuple[date, Precision]:
    if SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1]:
        return EXCEL_EPOCH + timedelta(days=int(value)), Precision.DAY
    if value.is_integer() and len(digits := str(int(value))) in (6, 8):
        # 19850301 or 198503 typed into a number cell, read as the same text would be. Serial numbers
        # have five digits: the two never meet.
        if len(digits) == 8:
            return _make(int(digits[:4]), int(digits[4:6]), int(digits[6:])), Precision.DAY
        return _make(int(digits[:4]), int(digits[4:]), 1), Precision.MONTH
    year = int(value)
    # round(): at most two digits after the point (1985.12); 1985.001 or 1985.123 is no month.
    if 1900 <= year <= 2100 and not float(value).is_integer() and round(value, 2) == value:
        # 1985.3 typed into a number cell. 1985.1 may have been 1985.10 before Excel dropped the 0.
        digits = f"{value:.2f}".split(".")[1].rstrip("0")
        if digits == "1":
            raise CellError(str(_("%(value)s is ambiguous (January or October?); type it as text, e.g. 1985-10")
                                % {"value": value}))
        return _make(year, int(digits), 1), Precision.MONTH
    raise CellError(str(_("%(value)s is not a date; write it as 1985-03-01") % {"value": value}))


def parse_date(value: object) -> tuple[date, Precision]:
    """A date and whether the day was given. Month-only forms (1985.3, 1985年3月) give the 1st."""
    if isinstance(value, datetime):
        return value.date(), Precision.DAY
    if isinstance(value, date):
        return value, Precision.DAY
    if isinstance(value, bool):
        raise CellError(str(_("this is not a date")))
    if isinstance(value, int | float):
        return _from_number(float(value))
    raw = text(value)
    if not raw:
        raise CellError(str(_("a date is required")))
    for pattern, precision in _PATTERNS:
        match = pattern.match(raw)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            day = int(match.group(3)) if precision is Precision.DAY else 1
            return _make(year, month, day), precision
    if raw.isdigit() and SERIAL_RANGE[0] <= int(raw) <= SERIAL_RANGE[1]:
        return EXCEL_EPOCH + timedelta(days=int(raw)), Precision.DAY
    raise CellError(str(_("%(value)s is not a date we can read unambiguously; write it as 1985-03-01")
                        % {"value": raw}))


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(0\d{2,3})-?(\d{7,8})$")


def parse_phone(value: object) -> str:
    raw = text(value).replace("－", "-")
    if raw.startswith("+86"):
        raw = raw[3:]
    digits = raw.replace("-", "")
    if _MOBILE.match(digits):
        return digits
    match = _LANDLINE.match(raw)
    if match:
        return f"{match.group(1)}-{match.group(2)}"
    raise CellError(str(_("%(value)s is not a mobile number (11 digits, 1…) or a landline (0830-1234567)")
                        % {"value": raw}))


def parse_region_code(value: object) -> str:
    raw = text(value)
    if not (raw.isdigit() and len(raw) == 12):
        raise CellError(str(_("a village or community code has 12 digits")))
    return raw
