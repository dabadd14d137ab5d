"""Reads for the public portal. Only regions and published disclosures: nothing here needs an account."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection

from lingtouyang.core.scope import PREFIX_LENGTHS
from lingtouyang.regions.models import Level, Region

SEARCH_LIMIT = 20
# A term longer than any village's name or pinyin matches nothing; bounding it keeps the query cheap.
TERM_MAX = 40
_ASCII_TERM = re.compile(r"^[a-z]+$")


@dataclass(frozen=True)
class Place:
    """A search result: the village with the township and county it belongs to."""

    code: str
    name: str
    township: str
    county: str


def clean_term(raw: str) -> str:
    """The term as searched: trimmed, lower-case pinyin without spaces or apostrophes (hong yan → hongyan)."""
    term = (raw or "").strip()[:TERM_MAX]
    if term.isascii():
        term = re.sub(r"[\s']+", "", term.lower())
    return term


# The inner query picks the page of codes (the index's range in order; a run of equal keys — 700 villages
# are "hyc" — is sorted by code alone, without joins); the names above are joined for those rows only.
_SEARCH_SQL = """
SELECT r.code, r.short_name, t.short_name, c.short_name
FROM (SELECT r.code, r.{column} AS k FROM regions_region r
      WHERE r.level = %s AND {match} {within}
      ORDER BY r.{column}, r.code LIMIT %s) page
JOIN regions_region r ON r.code = page.code
LEFT JOIN regions_region t ON t.code = r.parent_id
LEFT JOIN regions_region c ON c.code = t.parent_id
ORDER BY page.k, page.code"""


def search_villages(term: str, within: str = "", limit: int = SEARCH_LIMIT) -> list[Place]:
    """Villages and communities whose name starts with `term`, or whose pinyin or pinyin initials do
    (红岩村: hongyancun, hyc), optionally within a county or township's code prefix; at most `limit`: the
    initials matches first, then the pinyin ones, each in (column, code) order.

    Each branch is one statement over an indexed prefix range, capped at `limit` rows by the index itself:
    ordering by the matched column keeps the capped scan in index order, so a one-letter term over the
    country's 620,573 villages reads about `limit` index entries, not the tens of thousands it matches.
    Pinyin and initials hold only a–z (the loader writes them so), where every collation orders as bytes do:
    the prefix is the range [term, next), served by the plain B-tree index. Names (Chinese) use LIKE on the
    varchar_pattern_ops index of `short_name`. Plain SQL (the same on SQLite and PostgreSQL): this is the
    portal's busiest dynamic endpoint, and the ORM's query building cost more than the query."""
    term = clean_term(term)
    if not term:
        return []
    if term.isascii():
        if not _ASCII_TERM.match(term):
            return []
        next_ = term[:-1] + chr(ord(term[-1]) + 1)
        branches = [(column, f"r.{column} >= %s AND r.{column} < %s", [term, next_])
                    for column in ("initials", "pinyin")]
    else:
        like = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        escape = " ESCAPE '\\'" if connection.vendor == "sqlite" else ""
        branches = [("short_name", f"r.short_name LIKE %s{escape}", [like])]
    bounds = [within.ljust(12, "0"), within.ljust(12, "9")] if within else []
    places: list[Place] = []
    seen: set[str] = set()
    with connection.cursor() as cursor:
        for column, match, params in branches:
            sql = _SEARCH_SQL.format(match=match, column=column,
                                     within="AND r.code BETWEEN %s AND %s" if within else "")
            cursor.execute(sql, [Level.VILLAGE, *params, *bounds, limit])
            for code, name, township, county in cursor.fetchall():
                if code not in seen and len(places) < limit:
                    seen.add(code)
                    places.append(Place(code, name, township or "", county or ""))
            if len(places) >= limit:
                break
    return places


def region_or_none(code: str, levels: tuple[int, ...]) -> Region | None:
    """The region with this 12-digit code at one of these levels, or None (malformed codes too)."""
    if not (isinstance(code, str) and len(code) == 12 and code.isdigit()):
        return None
    return Region.objects.filter(code=code, level__in=levels).select_related("parent__parent").first()


def region_prefix(region: Region) -> str:
    return region.code[: PREFIX_LENGTHS[region.level]]


def counties(parent_code: str) -> list[Region]:
    """The counties (and districts) of the home page's region: their own pages list their townships."""
    parent = Region.objects.filter(code=parent_code).first()
    if parent is None:
        return []
    prefix = region_prefix(parent)
    return list(Region.objects.filter(code__gte=prefix.ljust(12, "0"), code__lte=prefix.ljust(12, "9"),
                                      level=Level.COUNTY).order_by("code"))


def children(region: Region) -> list[Region]:
    return list(Region.objects.filter(parent=region).order_by("code"))


__all__ = ["Place", "search_villages", "clean_term", "region_or_none", "counties", "children"]
