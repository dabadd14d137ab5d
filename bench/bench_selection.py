"""`make bench-selection`: the term structure report (换届 "两升一降") at national size, for the whole
country and for one province (四川, 51), each timed against a floor measured in the same run.

The data set is bench-list's (`lingtouyang_national`: every village's 2021 team and the 2016 team it
replaced), built once by `bench_list.build_national` and reused. The report is called as the page
calls it (`elections.report.term_report`: rebuild the stale villages' figures, the terms present, the
children, one grouped sum). Three figures: the report with every village's figures current; the
report right after a change to one village (its rebuild included); and the rebuild of every village's
figures, as after a national import.
The floor is one hand-written SQL statement over the same rows computing the same figures per child
region — members, summed ages at each person's first start date in the term, the young, women,
college, age bands, education and source mix, villages with a secretary, 一肩挑, new secretaries and
the returned migrant workers among them — for both terms, with the terms given: what any
implementation must at least pay the database.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_list import NATIONAL_URL, use_national  # noqa: E402

TWO_COMMITTEES = ("party_secretary", "party_deputy", "fulltime_deputy", "party_member", "village_director",
                  "village_deputy", "village_member", "community_director", "community_deputy", "community_member")
EDUCATION = ("10", "20", "30", "40", "60", "70", "80")
SOURCES = ("migrant_worker", "veteran", "wealth_creator", "graduate", "entrepreneur", "other")
BANDS = ("age <= 35", "age BETWEEN 36 AND 45", "age BETWEEN 46 AND 55", "age BETWEEN 56 AND 60", "age >= 61")
PROVINCE = "51"  # 四川


def floor_sql(prefix: str, length: int, term: int, previous: int) -> tuple[str, dict[str, object]]:
    region = "AND a.region_id BETWEEN %(low)s AND %(high)s" if prefix else ""
    counts = ", ".join(
        ["count(*)", "sum(age)", "count(*) FILTER (WHERE age <= 35)", "count(*) FILTER (WHERE gender = '2')",
         "count(*) FILTER (WHERE education IN ('10', '20', '30'))"]
        + [f"count(*) FILTER (WHERE {band})" for band in BANDS]
        + [f"count(*) FILTER (WHERE education = '{code}')" for code in EDUCATION]
        + [f"count(*) FILTER (WHERE source = '{code}')" for code in SOURCES])
    sql = f"""
WITH firsts AS (
    SELECT a.person_id, a.term, substr(a.region_id, 1, {length}) AS grp, min(a.start_date) AS start
    FROM people_appointment a
    WHERE a.term IN (%(term)s, %(previous)s) AND a.post = ANY(%(posts)s) {region}
    GROUP BY 1, 2, 3
), members AS (
    SELECT f.term, f.grp, {counts}
    FROM (SELECT f.term, f.grp, p.gender, p.education, p.source,
                 date_part('year', age(f.start, p.birth_date))::int AS age
          FROM firsts f JOIN people_person p ON p.id = f.person_id) f
    GROUP BY 1, 2
), sec AS (
    SELECT DISTINCT a.term, a.region_id, a.person_id FROM people_appointment a
    WHERE a.post = 'party_secretary' AND a.term IN (%(term)s, %(previous)s) {region}
), dir AS (
    SELECT DISTINCT a.term, a.region_id, a.person_id FROM people_appointment a
    WHERE a.post IN ('village_director', 'community_director') AND a.term IN (%(term)s, %(previous)s) {region}
), secretaries AS (
    SELECT s.term, substr(s.region_id, 1, {length}) AS grp,
           count(DISTINCT s.region_id) AS villages,
           count(DISTINCT s.region_id) FILTER (WHERE d.person_id IS NOT NULL) AS dual,
           count(DISTINCT s.person_id) FILTER (WHERE s.term = %(term)s AND k.person_id IS NULL) AS new,
           count(DISTINCT s.person_id) FILTER (WHERE s.term = %(term)s AND k.person_id IS NULL
                                                AND p.source = 'migrant_worker') AS new_migrant
    FROM sec s
    LEFT JOIN dir d ON d.term = s.term AND d.region_id = s.region_id AND d.person_id = s.person_id
    LEFT JOIN sec k ON k.term = %(previous)s AND s.term = %(term)s AND k.region_id = s.region_id
                       AND k.person_id = s.person_id
    JOIN people_person p ON p.id = s.person_id
    GROUP BY 1, 2
)
SELECT * FROM members FULL JOIN secretaries USING (term, grp)"""  # noqa: S608 - constants only
    low, high = prefix.ljust(12, "0"), prefix.ljust(12, "9")
    return sql, {"term": term, "previous": previous, "posts": list(TWO_COMMITTEES), "low": low, "high": high}


def touch_one_village(conn: psycopg.Connection) -> None:
    """A correction in one Sichuan village: its secretary's education changes back and forth."""
    conn.execute("""UPDATE people_person SET education = CASE education WHEN '20' THEN '30' ELSE '20' END
                    WHERE id = (SELECT person_id FROM people_appointment
                                WHERE region_id BETWEEN '510521000000' AND '510521999999'
                                  AND post = 'party_secretary' ORDER BY id LIMIT 1)""")


def median_s(call: Callable[[], object], runs: int) -> float:
    call()  # warm: caches, the planner's statistics
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench_line(name: str, value: float, floor: float, target: str, queries: int) -> str:
    return (f"BENCH {name} value={value:.3f} unit=s floor={floor:.3f} ratio={floor / value:.2f} "
            f"target={target} queries={queries}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each, after one warm-up; the median counts")
    args = parser.parse_args()

    use_national()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lingtouyang.elections.report import term_report

    with psycopg.connect(NATIONAL_URL) as conn:
        counts = conn.execute("SELECT (SELECT count(*) FROM people_person), (SELECT count(*) FROM people_appointment),"
                              " (SELECT count(*) FROM regions_region WHERE level = 5)").fetchone()
    print(f"data: {counts[0]:,} people, {counts[1]:,} appointments in {counts[2]:,} villages")

    from lingtouyang.elections import figures

    lines = []
    # prepare_threshold=None: as Django runs them, no server-side prepared statements.
    with psycopg.connect(NATIONAL_URL, autocommit=True, prepare_threshold=None) as floor_conn:
        for name, prefix, length, target in (("national", "", 2, "0.5"), ("province", PROVINCE, 4, "1s")):
            with CaptureQueriesContext(connection) as queries:
                report = term_report(prefix)
            assert report.term is not None and report.previous_term is not None, "no two terms in the data set"
            print(f"{name}: term {report.term} vs {report.previous_term}; {report.current.members:,} members, "
                  f"average age {report.current.average_age:.1f} (was {report.previous.average_age:.1f}), "
                  f"一肩挑 {report.current.dual_share:.1%}, new secretaries {report.current.new_secretaries:,} "
                  f"({report.current.new_migrant_share:.1%} returned migrant workers)", flush=True)
            sql, params = floor_sql(prefix, length, report.term, report.previous_term)
            floor_rows = floor_conn.execute(sql, params).fetchall()
            # The floor computes the same figures: the members and 一肩挑 villages agree.
            members = sum(r[2] or 0 for r in floor_rows if r[0] == report.term)
            dual = sum(r[-3] or 0 for r in floor_rows if r[0] == report.term)
            assert (members, dual) == (report.current.members, report.current.dual), (members, dual)
            value = median_s(lambda prefix=prefix: term_report(prefix), args.runs)
            floor = median_s(lambda sql=sql, params=params: floor_conn.execute(sql, params).fetchall(), args.runs)
            lines.append(bench_line(f"selection_report_{name}_s", value, floor, target, len(queries.captured_queries)))
            print(lines[-1], flush=True)
            if name == "province":
                touch_one_village(floor_conn)
                with CaptureQueriesContext(connection) as queries:
                    term_report(PROVINCE)
                value = median_s(lambda: (touch_one_village(floor_conn), term_report(PROVINCE)), args.runs)
                lines.append(bench_line("selection_report_province_after_change_s", value, floor, target,
                                        len(queries.captured_queries)))
                print(lines[-1], flush=True)
            if name == "national":
                national_floor = floor
        # Every village's figures rebuilt (after the migration that adds them, or a national import).
        floor_conn.execute("INSERT INTO elections_stalevillage (region_id) SELECT DISTINCT region_id "
                           "FROM people_appointment ON CONFLICT DO NOTHING")
        started = time.perf_counter()
        figures.refresh("")
        value = time.perf_counter() - started
        lines.append(bench_line("selection_figures_rebuild_national_s", value, national_floor, "0.5", 4))
        print(lines[-1], flush=True)
    print()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
