"""The term structure report (换届 "两升一降"): a region's village two committees in one term beside
the term before — members, average age, young, women, college, source and education mix, 一肩挑 and
new secretaries — for the region and for each region below it.

The counts come from the per-village figures (elections.figures): stale villages within the region are
rebuilt first, then one grouped query sums the villages per group of region codes (the children's
prefix), whatever the size; the region's figures are the sum of its rows. People are counted at their
age on their term's first start date (completed years), so the figures do not move with the calendar."""

from __future__ import annotations

from dataclasses import dataclass, field

from lingtouyang.core.scope import PREFIX_LENGTHS
from lingtouyang.elections import figures as village_figures
from lingtouyang.elections.figures import (
    AGE_BANDS,
    BAND_COLUMNS,
    EDUCATION_COLUMNS,
    SOURCE_COLUMNS,
    TWO_COMMITTEE_POSTS,
)
from lingtouyang.people.codes import EDUCATION_CHOICES, Source
from lingtouyang.regions.models import Level, Region

__all__ = ["AGE_BANDS", "TWO_COMMITTEE_POSTS", "ReportRow", "TermFigures", "TermReport", "band_label",
           "child_regions", "term_report"]


def band_label(low: int | None, high: int | None) -> str:
    return f"{low}-{high}" if low and high else (f"≤{high}" if high else f"≥{low}")


@dataclass
class TermFigures:
    """One term's counts for one group of villages. Counts add up; shares are computed from them."""

    term: int | None = None
    members: int = 0
    age_sum: int = 0
    young: int = 0
    women: int = 0
    college: int = 0
    bands: dict[str, int] = field(default_factory=dict)
    education: dict[str, int] = field(default_factory=dict)
    source: dict[str, int] = field(default_factory=dict)
    villages: int = 0  # villages with a secretary this term
    dual: int = 0  # …whose secretary is also the committee director (一肩挑)
    new_secretaries: int | None = None  # None: no previous term to compare with
    new_migrant: int | None = None

    def add(self, other: TermFigures) -> None:
        for name in ("members", "age_sum", "young", "women", "college", "villages", "dual"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("bands", "education", "source"):
            mine = getattr(self, name)
            for key, value in getattr(other, name).items():
                mine[key] = mine.get(key, 0) + value
        if other.new_secretaries is not None:
            self.new_secretaries = (self.new_secretaries or 0) + other.new_secretaries
            self.new_migrant = (self.new_migrant or 0) + (other.new_migrant or 0)

    @property
    def average_age(self) -> float | None:
        return self.age_sum / self.members if self.members else None

    @staticmethod
    def _share(part: int | None, whole: int | None) -> float | None:
        return part / whole if part is not None and whole else None

    @property
    def young_share(self) -> float | None:
        return self._share(self.young, self.members)

    @property
    def women_share(self) -> float | None:
        return self._share(self.women, self.members)

    @property
    def college_share(self) -> float | None:
        return self._share(self.college, self.members)

    @property
    def dual_share(self) -> float | None:
        return self._share(self.dual, self.villages)

    @property
    def new_migrant_share(self) -> float | None:
        return self._share(self.new_migrant, self.new_secretaries)


@dataclass
class ReportRow:
    region: Region | None
    code: str  # the group's code prefix
    current: TermFigures
    previous: TermFigures


@dataclass
class TermReport:
    prefix: str
    term: int | None  # None: no two-committee appointment at all in the region
    previous_term: int | None
    current: TermFigures
    previous: TermFigures
    rows: list[ReportRow]


def child_regions(prefix: str) -> list[Region]:
    """The regions one level below the prefix's own (the provinces for the whole country)."""
    if not prefix:
        return list(Region.objects.filter(level=Level.PROVINCE).order_by("code"))
    return list(Region.objects.filter(parent_id=prefix.ljust(12, "0")).order_by("code"))


def _term_figures(t: int, counts: dict[str, int] | None, with_new: bool) -> TermFigures:
    out = TermFigures(term=t)
    if counts:
        out.members, out.age_sum, out.young, out.women, out.college = (
            counts[c] for c in ("members", "age_sum", "young", "women", "college"))
        out.bands = {band_label(low, high): counts[c] for (low, high), c in zip(AGE_BANDS, BAND_COLUMNS, strict=True)}
        out.education = {code: counts[c] for (code, _n), c in zip(EDUCATION_CHOICES, EDUCATION_COLUMNS, strict=True)}
        out.source = {value: counts[c] for value, c in zip(Source.values, SOURCE_COLUMNS, strict=True)}
        out.villages, out.dual = counts["has_secretary"], counts["dual"]
    if with_new:
        out.new_secretaries = counts["new_secretaries"] if counts else 0
        out.new_migrant = counts["new_migrant"] if counts else 0
    return out


def term_report(prefix: str, term: int | None = None) -> TermReport:
    """The report for the villages in `prefix` ("" = the whole country): term T (default the latest
    present) beside P, the greatest term before it."""
    village_figures.refresh(prefix)
    term, previous = village_figures.terms(prefix, term)
    children = child_regions(prefix) if len(prefix) < 12 else []
    by_prefix = {c.prefix: c for c in children}
    # The children's own level; a village reports on itself.
    lengths = sorted({PREFIX_LENGTHS[c.level] for c in children}) or [max(len(prefix), 12)]
    counts: dict[tuple[int, str], dict[str, int]] = {}
    if term is not None:
        terms = [term] if previous is None else [term, previous]
        for length in lengths:
            counts.update(village_figures.grouped(prefix, length, terms))
    groups = sorted({g for _t, g in counts} | set(by_prefix))

    def figures(t: int | None, group: str) -> TermFigures:
        if t is None:
            return TermFigures(term=None)
        return _term_figures(t, counts.get((t, group)), with_new=t == term and previous is not None)

    rows = [ReportRow(by_prefix.get(g), g, figures(term, g), figures(previous, g)) for g in groups]
    current, before = TermFigures(term=term), TermFigures(term=previous)
    if term is not None and previous is not None:
        current.new_secretaries = current.new_migrant = 0
    for row in rows:
        current.add(row.current)
        before.add(row.previous)
    return TermReport(prefix, term, previous, current, before, rows)
