"""The term report's per-village counts (VillageTermFigures): built from the roster, kept current by
rebuilding only the villages the database marked stale, and summed by region for the report.

Database triggers (migration 0002) mark a village stale whenever one of its appointments is written,
moved or deleted, or one of its people's birth date, gender, education or source changes — imports,
elections, corrections and raw SQL alike. `refresh` rebuilds the stale villages within a prefix in one
transaction, set-based: three statements whatever their number. On PostgreSQL it first takes a lock
that lets readers through but holds back writers' triggers until it commits, so a change made during
a rebuild is never lost: it either is in what the rebuild read, or marks its village stale again.

Counting, per village and term: each member of the two committees once, at their age on their first
start date in the term (completed years); has_secretary and dual (一肩挑) as 0 or 1; new secretaries
against the village's own previous term. A person serving in two villages counts in each."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction

from lingtouyang.core.scope import code_bounds
from lingtouyang.elections.models import StaleVillage, VillageTermFigures
from lingtouyang.people.codes import (
    COLLEGE_AND_ABOVE,
    DIRECTOR_POSTS,
    EDUCATION_CHOICES,
    Gender,
    Post,
    Source,
)
from lingtouyang.people.models import Appointment, Person

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

# The count columns, in order; the report reads them back by these names.
BAND_COLUMNS = [f"age_{i}" for i in range(1, len(AGE_BANDS) + 1)]
EDUCATION_COLUMNS = [f"edu_{code}" for code, _name in EDUCATION_CHOICES]
SOURCE_COLUMNS = [f"src_{value}" for value in Source.values]
COUNT_COLUMNS = ["members", "age_sum", "young", "women", "college", *BAND_COLUMNS, *EDUCATION_COLUMNS,
                 *SOURCE_COLUMNS, "has_secretary", "dual", "new_secretaries", "new_migrant"]

# A date as the integer YYYYMMDD: (start − birth) // 10000 is then the age in completed years.
_YMD = {
    "postgresql": "CAST(to_char({}, 'YYYYMMDD') AS integer)",
    "sqlite": "CAST(strftime('%%Y%%m%%d', {}) AS integer)",
}
# Ends a subquery so that the database computes its rows once (an optimisation fence) instead of
# inlining it: otherwise each of the dozen conditions on `age` re-evaluates the date arithmetic.
_FENCE = {"postgresql": "OFFSET 0", "sqlite": "LIMIT -1 OFFSET 0"}


# Rebuilt rows past which the figures' planner statistics are renewed at once (rather than by autovacuum).
ANALYZE_AFTER = 10_000


def _placeholders(values: Any) -> str:
    return ", ".join(["%s"] * len(values))


def _rebuild_sql(low: str, high: str) -> tuple[str, list[Any]]:
    """One INSERT … SELECT building the figures of every stale village between two codes."""
    ymd = _YMD[connection.vendor]
    figures, stale = VillageTermFigures._meta.db_table, StaleVillage._meta.db_table
    person, appointment = Person._meta.db_table, Appointment._meta.db_table
    stale_in = f"a.region_id IN (SELECT s.region_id FROM {stale} s WHERE s.region_id BETWEEN %s AND %s)"  # noqa: S608
    sums = ["count(*)", "sum(x.age)", f"sum(CASE WHEN x.age <= {YOUNG_AGE:d} THEN 1 ELSE 0 END)",
            "sum(CASE WHEN x.gender = %s THEN 1 ELSE 0 END)",
            f"sum(CASE WHEN x.education IN ({_placeholders(COLLEGE_AND_ABOVE)}) THEN 1 ELSE 0 END)"]
    sum_params: list[Any] = [Gender.FEMALE, *COLLEGE_AND_ABOVE]
    for young, old in AGE_BANDS:
        cond = " AND ".join(filter(None, [f"x.age >= {young:d}" if young is not None else "",
                                          f"x.age <= {old:d}" if old is not None else ""]))
        sums.append(f"sum(CASE WHEN {cond} THEN 1 ELSE 0 END)")
    for code, _name in EDUCATION_CHOICES:
        sums.append("sum(CASE WHEN x.education = %s THEN 1 ELSE 0 END)")
        sum_params.append(code)
    for value in Source.values:
        sums.append("sum(CASE WHEN x.source = %s THEN 1 ELSE 0 END)")
        sum_params.append(value)
    member_columns = COUNT_COLUMNS[: -4]
    not_kept = (f"NOT EXISTS (SELECT 1 FROM {appointment} k WHERE k.region_id = sec.region_id "  # noqa: S608
                "AND k.term = mp.previous_term AND k.person_id = sec.person_id AND k.post = %s)")
    sql = f"""
        WITH f AS (
            SELECT a.region_id, a.term, a.person_id, min(a.start_date) AS start
            FROM {appointment} a
            WHERE a.post IN ({_placeholders(TWO_COMMITTEE_POSTS)}) AND {stale_in}
            GROUP BY a.region_id, a.term, a.person_id
        ), m AS (
            SELECT x.region_id, x.term, {", ".join(f"{s} AS {c}" for s, c in zip(sums, member_columns, strict=True))}
            FROM (
                SELECT f.region_id, f.term, p.gender, p.education, p.source,
                       ({ymd.format("f.start")} - {ymd.format("p.birth_date")}) / 10000 AS age
                FROM f JOIN {person} p ON p.id = f.person_id
                {_FENCE[connection.vendor]}
            ) x
            GROUP BY x.region_id, x.term
        ), mp AS (
            SELECT m.*, lag(m.term) OVER (PARTITION BY m.region_id ORDER BY m.term) AS previous_term
            FROM m
        ), sec AS (
            SELECT a.region_id, a.term, a.person_id,
                   max(CASE WHEN a.post = %s THEN 1 ELSE 0 END) AS is_secretary,
                   max(CASE WHEN a.post IN ({_placeholders(DIRECTOR_POSTS)}) THEN 1 ELSE 0 END) AS is_director
            FROM {appointment} a
            WHERE a.post IN (%s, {_placeholders(DIRECTOR_POSTS)}) AND {stale_in}
            GROUP BY a.region_id, a.term, a.person_id
        ), s AS (
            SELECT sec.region_id, sec.term, max(sec.is_director) AS dual,
                   sum(CASE WHEN {not_kept} THEN 1 ELSE 0 END) AS new_secretaries,
                   sum(CASE WHEN p.source = %s AND {not_kept} THEN 1 ELSE 0 END) AS new_migrant
            FROM sec JOIN mp ON mp.region_id = sec.region_id AND mp.term = sec.term
                     JOIN {person} p ON p.id = sec.person_id
            WHERE sec.is_secretary = 1
            GROUP BY sec.region_id, sec.term
        )
        INSERT INTO {figures} (region_id, term, previous_term, {", ".join(COUNT_COLUMNS)})
        SELECT mp.region_id, mp.term, mp.previous_term, {", ".join(f"mp.{c}" for c in member_columns)},
               CASE WHEN s.region_id IS NULL THEN 0 ELSE 1 END, COALESCE(s.dual, 0),
               COALESCE(s.new_secretaries, 0), COALESCE(s.new_migrant, 0)
        FROM mp LEFT JOIN s ON s.region_id = mp.region_id AND s.term = mp.term"""  # noqa: S608 - names from the models
    directors = sorted(DIRECTOR_POSTS)  # a frozenset: one fixed order for the IN lists
    # In the order of the placeholders above.
    params: list[Any] = [*TWO_COMMITTEE_POSTS, low, high, *sum_params,
                         Post.PARTY_SECRETARY, *directors, Post.PARTY_SECRETARY, *directors, low, high,
                         Post.PARTY_SECRETARY, Source.MIGRANT_WORKER, Post.PARTY_SECRETARY]
    return sql, params


def _stale_within(prefix: str) -> bool:
    low, high = code_bounds(prefix)
    return StaleVillage.objects.filter(region_id__gte=low, region_id__lte=high).exists()


def refresh(prefix: str = "") -> bool:
    """Rebuilds the figures of the stale villages within the prefix; True if there were any."""
    if not _stale_within(prefix):
        return False
    low, high = code_bounds(prefix)
    figures, stale = VillageTermFigures._meta.db_table, StaleVillage._meta.db_table
    sql, params = _rebuild_sql(low, high)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {stale} IN SHARE ROW EXCLUSIVE MODE")
            # The planner must know whether one village is stale or every village is: an index probe per
            # village for the first, whole-table joins for the second (national: minutes apart).
            cursor.execute(f"ANALYZE {stale}")
        cursor.execute(f"DELETE FROM {figures} WHERE region_id IN "  # noqa: S608
                       f"(SELECT region_id FROM {stale} WHERE region_id BETWEEN %s AND %s)", [low, high])
        cursor.execute(sql, params)
        rebuilt = cursor.rowcount
        cursor.execute(f"DELETE FROM {stale} WHERE region_id BETWEEN %s AND %s", [low, high])  # noqa: S608
        if connection.vendor == "postgresql" and rebuilt > ANALYZE_AFTER:
            # New statistics after a large rebuild: without them the sums are planned for a few rows.
            cursor.execute(f"ANALYZE {figures}")
    return True


def terms(prefix: str, term: int | None = None) -> tuple[int | None, int | None]:
    """(T, P): the given term or the latest in the region, and the greatest term before it. Call
    after `refresh`."""
    rows = VillageTermFigures.objects.filter(region__gte=code_bounds(prefix)[0], region__lte=code_bounds(prefix)[1])
    if term is not None:
        rows = rows.filter(term__lt=term)
        return term, rows.order_by("-term").values_list("term", flat=True).first()
    found = list(rows.order_by("-term").values_list("term", flat=True).distinct()[:2])
    return (found + [None, None])[0], (found + [None, None])[1]


def grouped(prefix: str, length: int, term_list: list[int]) -> dict[tuple[int, str], dict[str, int]]:
    """The summed counts per (term, group of codes `length` long) within the prefix. Call after `refresh`."""
    low, high = code_bounds(prefix)
    table = VillageTermFigures._meta.db_table
    sql = (f"SELECT term, substr(region_id, 1, {length:d}), {', '.join(f'sum({c})' for c in COUNT_COLUMNS)} "  # noqa: S608
           f"FROM {table} WHERE region_id BETWEEN %s AND %s AND term IN ({_placeholders(term_list)}) "
           f"GROUP BY term, substr(region_id, 1, {length:d})")
    with connection.cursor() as cursor:
        cursor.execute(sql, [low, high, *term_list])
        return {(t, g): dict(zip(COUNT_COLUMNS, (int(v or 0) for v in values), strict=True))
                for t, g, *values in cursor.fetchall()}
