"""The term structure report (换届 "两升一降"): a region's village two committees in one term beside
the term before — members, average age, young, women, college, source and education mix, 一肩挑 and
new secretaries — for the region and for each region below it.

Every figure is counted per group of region codes (the children's prefix) by four grouped queries
(members; villages with a secretary; 一肩挑; new secretaries), whatever the size, and the region's
figures are the sum of its rows. The members' query is plain SQL (one line of it per database, for the
age): it counts each person once per term from a grouped derived table, which the ORM cannot express. People are counted once per
term and group, at their age on their term's first start date (completed years), so the figures do
not move with the calendar."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.db.models.functions import Substr

from lingtouyang.core.scope import PREFIX_LENGTHS, code_bounds
from lingtouyang.people.codes import (
    COLLEGE_AND_ABOVE,
    DIRECTOR_POSTS,
    EDUCATION_CHOICES,
    Gender,
    Post,
    Source,
)
from lingtouyang.people.models import Appointment, Person
from lingtouyang.regions.models import Level, Region

# The village "two committees" (村(社区)“两委”): the party organisation and the villagers' or residents'
# committee. The supervision committee (监委会) is not one of them.
TWO_COMMITTEE_POSTS: tuple[str, ...] = (
    Post.PARTY_SECRETARY, Post.PARTY_DEPUTY, Post.FULLTIME_DEPUTY, Post.PARTY_MEMBER,
    Post.VILLAGE_DIRECTOR, Post.VILLAGE_DEPUTY, Post.VILLAGE_MEMBER,
    Post.COMMUNITY_DIRECTOR, Post.COMMUNITY_DEPUTY, Post.COMMUNITY_MEMBER,
)
YOUNG_AGE = 35  # "35 or under", as the region page's first age band
# Completed years at the start date, as (low, high) inclusive; None is open.
AGE_BANDS: tuple[tuple[int | None, int | None], ...] = ((None, 35), (36, 45), (46, 55), (56, 60), (61, None))

# A date as the integer YYYYMMDD: (start − birth) // 10000 is then the age in completed years.
_YMD = {
    "postgresql": "CAST(to_char({}, 'YYYYMMDD') AS integer)",
    "sqlite": "CAST(strftime('%%Y%%m%%d', {}) AS integer)",
}
# Ends a subquery so that the database computes its rows once (an optimisation fence) instead of
# inlining it: otherwise each of the dozen conditions on `age` re-evaluates the date arithmetic.
_FENCE = {"postgresql": "OFFSET 0", "sqlite": "LIMIT -1 OFFSET 0"}


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


def latest_terms(prefix: str, term: int | None = None) -> tuple[int | None, int | None]:
    """(T, P): the given term or the latest present in the region, and the greatest term before it."""
    posts = Appointment.objects.within(prefix).filter(post__in=TWO_COMMITTEE_POSTS)
    if term is None:
        term = posts.aggregate(t=Max("term"))["t"]
        if term is None:
            return None, None
    return term, posts.filter(term__lt=term).aggregate(t=Max("term"))["t"]


def child_regions(prefix: str) -> list[Region]:
    """The regions one level below the prefix's own (the provinces for the whole country)."""
    if not prefix:
        return list(Region.objects.filter(level=Level.PROVINCE).order_by("code"))
    return list(Region.objects.filter(parent_id=prefix.ljust(12, "0")).order_by("code"))


def _member_sql(prefix: str, length: int, terms: list[int]) -> tuple[str, list[Any]]:
    """Per term and group: each person once (their first start date in the term), then counted.
    Grouped by person first: PostgreSQL then reads the appointments in person order (their index),
    groups them as they come and merges them with the people, instead of hashing millions of groups
    past its work_mem (national: 45 s instead of 66 s)."""
    ymd = _YMD[connection.vendor]
    person, appointment = Person._meta.db_table, Appointment._meta.db_table
    where = ["a.term IN ({})".format(", ".join(["%s"] * len(terms))),
             "a.post IN ({})".format(", ".join(["%s"] * len(TWO_COMMITTEE_POSTS)))]
    params: list[Any] = [*terms, *TWO_COMMITTEE_POSTS]
    if prefix:
        where.append("a.region_id BETWEEN %s AND %s")
        params += list(code_bounds(prefix))
    counts = ["count(*)", "sum(x.age)", f"sum(CASE WHEN x.age <= {YOUNG_AGE} THEN 1 ELSE 0 END)",
              "sum(CASE WHEN x.gender = %s THEN 1 ELSE 0 END)",
              "sum(CASE WHEN x.education IN ({}) THEN 1 ELSE 0 END)".format(", ".join(["%s"] * len(COLLEGE_AND_ABOVE)))]
    count_params: list[Any] = [Gender.FEMALE, *COLLEGE_AND_ABOVE]
    for low, high in AGE_BANDS:
        cond = " AND ".join(filter(None, [f"x.age >= {low:d}" if low is not None else "",
                                          f"x.age <= {high:d}" if high is not None else ""]))
        counts.append(f"sum(CASE WHEN {cond} THEN 1 ELSE 0 END)")
    for code, _name in EDUCATION_CHOICES:
        counts.append("sum(CASE WHEN x.education = %s THEN 1 ELSE 0 END)")
        count_params.append(code)
    for code in Source.values:
        counts.append("sum(CASE WHEN x.source = %s THEN 1 ELSE 0 END)")
        count_params.append(code)
    # The people are read between the lowest and highest person id found: the merge join with the
    # people's primary key then starts at the region's first person instead of the table's (a province
    # of the national data set: 0.4 s instead of 1.9 s). Always true of the rows joined, so it changes
    # no figure.
    sql = f"""
        WITH f AS (
            SELECT a.term, a.person_id, substr(a.region_id, 1, {length:d}) AS grp, min(a.start_date) AS start
            FROM {appointment} a
            WHERE {" AND ".join(where)}
            GROUP BY a.person_id, a.term, substr(a.region_id, 1, {length:d})
        )
        SELECT x.term, x.grp, {", ".join(counts)}
        FROM (
            SELECT f.term, f.grp, p.gender, p.education, p.source,
                   ({ymd.format("f.start")} - {ymd.format("p.birth_date")}) / 10000 AS age
            FROM f JOIN {person} p ON p.id = f.person_id
            WHERE p.id BETWEEN (SELECT min(person_id) FROM f) AND (SELECT max(person_id) FROM f)
            {_FENCE[connection.vendor]}
        ) x
        GROUP BY x.term, x.grp"""  # noqa: S608 - table names from the models, values as parameters
    return sql, [*params, *count_params]


def _member_figures(prefix: str, length: int, terms: list[int]) -> dict[tuple[int, str], TermFigures]:
    sql, params = _member_sql(prefix, length, terms)
    bands = [band_label(low, high) for low, high in AGE_BANDS]
    out = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for term, group, *values in cursor.fetchall():
            values = [int(v or 0) for v in values]
            members, age_sum, young, women, college = values[:5]
            rest = values[5:]
            figures = TermFigures(term=term, members=members, age_sum=age_sum, young=young, women=women,
                                  college=college)
            figures.bands = dict(zip(bands, rest[: len(bands)], strict=True))
            rest = rest[len(bands):]
            figures.education = dict(zip([c for c, _ in EDUCATION_CHOICES], rest[: len(EDUCATION_CHOICES)],
                                         strict=True))
            figures.source = dict(zip(Source.values, rest[len(EDUCATION_CHOICES):], strict=True))
            out[(term, group)] = figures
    return out


def _secretary_figures(prefix: str, length: int, term: int, previous: int | None) -> dict[tuple[int, str], dict]:
    """Per term and group: villages with a secretary, 一肩挑, and (term T) new secretaries. Three
    grouped queries whose conditions are in WHERE, so that the database joins the secretaries to the
    directors (semi-join) and to the previous term's secretaries (anti-join) in bulk, not row by row."""
    terms = [term] if previous is None else [term, previous]
    secretaries = (Appointment.objects.within(prefix).filter(post=Post.PARTY_SECRETARY, term__in=terms)
                   .annotate(grp=Substr("region_id", 1, length)).values("term", "grp").order_by())
    directors = Appointment.objects.filter(post__in=DIRECTOR_POSTS, term=OuterRef("term"), person=OuterRef("person"),
                                           region=OuterRef("region"))
    out: dict[tuple[int, str], dict] = defaultdict(lambda: {"villages": 0, "dual": 0, "new": 0, "new_migrant": 0})
    for row in secretaries.annotate(n=Count("region_id", distinct=True)):
        out[(row["term"], row["grp"])]["villages"] = row["n"]
    for row in secretaries.filter(Exists(directors)).annotate(n=Count("region_id", distinct=True)):
        out[(row["term"], row["grp"])]["dual"] = row["n"]
    if previous is not None:
        kept = Appointment.objects.filter(post=Post.PARTY_SECRETARY, term=previous, person=OuterRef("person"),
                                          region=OuterRef("region"))
        new = secretaries.filter(term=term).filter(~Exists(kept)).annotate(
            n=Count("person_id", distinct=True),
            migrant=Count("person_id", filter=Q(person__source=Source.MIGRANT_WORKER), distinct=True))
        for row in new:
            out[(row["term"], row["grp"])].update(new=row["n"], new_migrant=row["migrant"])
    return dict(out)


def term_report(prefix: str, term: int | None = None) -> TermReport:
    """The report for the villages in `prefix` ("" = the whole country): term T (default the latest
    present) beside P, the greatest term before it."""
    term, previous = latest_terms(prefix, term)
    children = child_regions(prefix) if len(prefix) < 12 else []
    by_prefix = {c.prefix: c for c in children}
    # The children's own level; a village reports on itself.
    lengths = sorted({PREFIX_LENGTHS[c.level] for c in children}) or [max(len(prefix), 12)]
    members: dict[tuple[int, str], TermFigures] = {}
    secretaries: dict[tuple[int, str], dict] = {}
    if term is not None:
        terms = [term] if previous is None else [term, previous]
        for length in lengths:
            members.update(_member_figures(prefix, length, terms))
            secretaries.update(_secretary_figures(prefix, length, term, previous))
    groups = sorted({g for _t, g in members} | {g for _t, g in secretaries} | set(by_prefix))

    def figures(t: int | None, group: str) -> TermFigures:
        found = members.get((t, group)) if t is not None else None
        out = TermFigures(term=t)
        if found:
            out.add(found)
        s = secretaries.get((t, group)) if t is not None else None
        out.villages, out.dual = (s["villages"], s["dual"]) if s else (0, 0)
        if t == term and previous is not None:
            out.new_secretaries, out.new_migrant = (s["new"], s["new_migrant"]) if s else (0, 0)
        return out

    rows = [ReportRow(by_prefix.get(g), g, figures(term, g), figures(previous, g)) for g in groups]
    current, before = TermFigures(term=term), TermFigures(term=previous)
    if term is not None and previous is not None:
        current.new_secretaries = current.new_migrant = 0
    for row in rows:
        current.add(row.current)
        before.add(row.previous)
    return TermReport(prefix, term, previous, current, before, rows)
