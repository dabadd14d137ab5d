"""`make bench-training`: training coverage (培训覆盖率) at national size, for the whole country and for one
province (四川, 51), each timed against a floor measured in the same run.

The data set is bench-list's (`lingtouyang_national`, built once by `bench_list.use_national`), to which
this benchmark adds, once, a year of training (`generate_year`): in every county eight sessions of 2026
of four sittings each, every current cadre of the 2021 term enrolled in two of their county's sessions,
most sittings attended (about 7 million enrolments and 25 million attendance rows), with `attended_hours`
and `completed_on` set by the completion rule of training/models.py. Written with COPY (psycopg) in one
transaction; skipped when already there.

The report is called as the page calls it (`training.coverage.coverage_report`: the current term, the
regions below, then one grouped query). The floor is one hand-written SQL statement over the same rows
computing the same headline figures per child region — current cadres, trained this term, overdue — with
the term given: what any implementation must at least pay the database. The figures must be equal.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_list import NATIONAL_URL, use_national  # noqa: E402

PROVINCE = "51"  # 四川
TWO_COMMITTEES = ("party_secretary", "party_deputy", "fulltime_deputy", "party_member", "village_director",
                  "village_deputy", "village_member", "community_director", "community_deputy", "community_member")
TERM = 2021
YEAR = 2026
MARK = "全国基准"  # the generated rows' titles start with it: how a second run knows they are there
SLOTS = 8  # sessions per county over the year…
PER_CADRE = 2  # …of which each cadre attends this many
SITTING_HOURS = (Decimal("3.0"), Decimal("3.0"), Decimal("2.0"), Decimal("2.0"))
THRESHOLD = 80  # per cent of the session's hours: one 2-hour sitting may be missed
MISS = 7  # per cent of sittings missed
WITHDRAW = 1  # per cent of enrolments withdrawn
PROGRAMMES = (("乡村振兴专题培训", "rural_revitalisation", "centralised", ""),
              ("产业发展带头人培训", "industry", "field_visit", "industry_leader"),
              ("基层社会治理能力提升培训", "governance", "lecture", ""),
              ("农村电商人才培训", "e_commerce", "centralised", "e_commerce"))


# The data set ---------------------------------------------------------------------------------

def _session_dates(slot: int) -> list[datetime]:
    """The four sittings of a county's slot-th session: two days, morning and afternoon. The last slot
    falls in December: upcoming at the time of writing, enrolled but not attended."""
    from django.utils import timezone

    day = date(YEAR, 1 + slot * 11 // (SLOTS - 1) if slot < SLOTS - 1 else 12, 8 + slot)
    out = []
    for d in (day, day + timedelta(days=1)):
        for hour in (9, 14):
            out.append(timezone.make_aware(datetime(d.year, d.month, d.day, hour)))  # noqa: DTZ001 - made aware
    return out


def generate_year() -> int:
    """Adds the year of training to the national data set; the enrolments added (0 when already there).

    The catalogue (bases, programmes, sessions, sittings: tens of thousands of rows) is written with COPY;
    the enrolments and attendances (tens of millions) by INSERT … SELECT inside the server, from the
    cadres and a table of the sittings, with one pseudo-random draw per (enrolment, sitting) — the
    same expression decides the attendance rows and, through the completion rule, each enrolment's
    attended hours and completion date, so they agree."""
    from django.db import connection, transaction
    from django.utils import timezone

    from lingtouyang.core.bulk import allocate_ids, analyze, indexes_deferred, insert_rows
    from lingtouyang.regions.models import Region
    from lingtouyang.training.models import (
        Attendance,
        Enrolment,
        Programme,
        Session,
        Sitting,
        TrainingBase,
    )

    if Session.objects.filter(title__startswith=MARK).exists():
        return 0
    started = time.perf_counter()
    now = timezone.now()
    provinces = list(Region.objects.filter(level=1).values_list("code", flat=True))
    counties = list(Region.objects.filter(level=3).order_by("code").values_list("code", flat=True))
    total = sum(SITTING_HOURS)
    with transaction.atomic(), indexes_deferred(Enrolment, Attendance), connection.cursor() as cursor:
        # A scratch database filled with consistent rows: the foreign keys' per-row triggers are skipped
        # (25 million look-ups); the constraints stay declared.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        base_ids = allocate_ids(TrainingBase, len(provinces))
        insert_rows(TrainingBase, ["id", "region_id", "name", "host", "kind", "address", "capacity", "specialties",
                                   "active", "created_at", "updated_at"],
                    ((i, p, f"{MARK}省委党校", "省委党校", "party_school", "", 300, "[]", True, now, now)
                     for i, p in zip(base_ids, provinces, strict=True)))
        base_of = dict(zip(provinces, base_ids, strict=True))
        programme_ids = iter(allocate_ids(Programme, len(provinces) * len(PROGRAMMES)))
        programme_rows, programme_of = [], {}
        for p in provinces:
            for k, (title, topic, form, tag) in enumerate(PROGRAMMES):
                pk = next(programme_ids)
                programme_of[(p, k)] = pk
                programme_rows.append((pk, p, f"{MARK}{title}", topic, form, total, "all_cadres", THRESHOLD, tag, "",
                                       True, now, now))
        insert_rows(Programme, ["id", "region_id", "title", "topic", "form", "hours", "audience", "threshold",
                                "talent_tag", "description", "active", "created_at", "updated_at"], programme_rows)
        session_ids = iter(allocate_ids(Session, len(counties) * SLOTS))
        sitting_ids = iter(allocate_ids(Sitting, len(counties) * SLOTS * len(SITTING_HOURS)))
        session_rows, sitting_rows, plan = [], [], []
        for county in counties:
            province = county[:2] + "0" * 10
            for slot in range(SLOTS):
                pk = next(session_ids)
                times = _session_dates(slot)
                title = PROGRAMMES[slot % len(PROGRAMMES)][0]
                session_rows.append((pk, county, programme_of[(province, slot % len(PROGRAMMES))], base_of[province],
                                     f"{MARK}{YEAR}年{title}第{slot + 1}期", times[0].date(), times[-1].date(), 200,
                                     "finished" if times[-1] < now else "scheduled", "", now, now))
                for i, (at, hours) in enumerate(zip(times, SITTING_HOURS, strict=True)):
                    sid = next(sitting_ids)
                    sitting_rows.append((sid, pk, at, at + timedelta(hours=int(hours)), hours, "", "", 0))
                    plan.append((county[:6], slot, pk, i, sid, at, at.astimezone(timezone.get_current_timezone())
                                 .date(), hours, at <= now))
        insert_rows(Session, ["id", "region_id", "programme_id", "base_id", "title", "start_date", "end_date",
                              "capacity", "state", "cancel_reason", "created_at", "updated_at"], session_rows)
        insert_rows(Sitting, ["id", "session_id", "starts_at", "ends_at", "hours", "subject", "teacher", "token_nonce"],
                    sitting_rows)
        cursor.execute("CREATE TEMP TABLE bench_plan (county text, slot int, session_id bigint, idx int, "
                       "sitting_id bigint, starts_at timestamptz, day date, hours numeric, held boolean) "
                       "ON COMMIT DROP")
        with cursor.cursor.copy("COPY bench_plan FROM STDIN") as copy:
            for row in plan:
                copy.write_row(row)
        cursor.execute("CREATE INDEX ON bench_plan (county, slot, idx)")
        cursor.execute("CREATE INDEX ON bench_plan (session_id, idx)")
        cursor.execute("ANALYZE bench_plan")
        print(f"  catalogue: {len(session_rows):,} sessions, {len(sitting_rows):,} sittings "
              f"({time.perf_counter() - started:.0f}s)", file=sys.stderr, flush=True)
        # Each current cadre (person, village) in two of their county's sessions: slot h mod 8 and another.
        # `draw(e, i)`: the enrolment's pseudo-random number for its i-th sitting (i = 4: withdrawn or not).
        draw = "mod(abs(hashint8({e} * 8 + {i})), 100)"
        cursor.execute(f"""
            CREATE TEMP TABLE bench_enrol ON COMMIT DROP AS
            SELECT (SELECT COALESCE(max(id), 0) FROM training_enrolment) + row_number() OVER () AS id,
                   p.session_id, c.person_id, c.region_id
            FROM (SELECT DISTINCT a.person_id, a.region_id FROM people_appointment a
                  WHERE a.term = %s AND a.post = ANY(%s) AND a.end_date IS NULL) c
            CROSS JOIN generate_series(0, {PER_CADRE - 1}) k
            JOIN bench_plan p ON p.county = substr(c.region_id, 1, 6) AND p.idx = 0
             AND p.slot = mod(mod(abs(hashint8(c.person_id)), {SLOTS})
                              + k * (1 + mod(abs(hashint8(c.person_id)) / {SLOTS}, {SLOTS - 1})), {SLOTS})
        """, [TERM, list(TWO_COMMITTEES)])  # noqa: S608 - constants only
        print(f"  {cursor.rowcount:,} enrolments planned ({time.perf_counter() - started:.0f}s)", file=sys.stderr,
              flush=True)
        attended = (f"p.held AND {draw.format(e='e.id', i='p.idx')} >= {MISS} "
                    f"AND {draw.format(e='e.id', i=4)} >= {WITHDRAW}")
        cursor.execute(f"""
            INSERT INTO training_enrolment (id, session_id, person_id, region_id, via, withdrawn, attended_hours,
                                            completed_on, enrolled_at)
            SELECT e.id, e.session_id, e.person_id, e.region_id, 'rule', {draw.format(e='e.id', i=4)} < {WITHDRAW},
                   COALESCE(x.hours, 0), x.done, %s
            FROM bench_enrol e
            LEFT JOIN LATERAL (
                SELECT max(r.cum) AS hours, min(r.day) FILTER (WHERE r.cum * 100 >= %s * {THRESHOLD}) AS done
                FROM (SELECT p.day, sum(p.hours) OVER (ORDER BY p.idx) AS cum
                      FROM bench_plan p WHERE p.session_id = e.session_id AND {attended}) r
            ) x ON true
        """, [now, total])  # noqa: S608
        print(f"  {cursor.rowcount:,} enrolments ({time.perf_counter() - started:.0f}s)", file=sys.stderr, flush=True)
        cursor.execute(f"""
            INSERT INTO training_attendance (sitting_id, enrolment_id, method, checked_in_at, recorded_by_id)
            SELECT p.sitting_id, e.id, CASE WHEN mod(p.idx, 3) = 0 THEN 'officer' ELSE 'qr' END,
                   p.starts_at + mod(abs(hashint8(e.id * 8 + p.idx + 5)), 20) * interval '1 minute', NULL
            FROM bench_enrol e JOIN bench_plan p ON p.session_id = e.session_id
            WHERE {attended}
        """)  # noqa: S608
        attendances = cursor.rowcount
        print(f"  {attendances:,} attendances ({time.perf_counter() - started:.0f}s)", file=sys.stderr, flush=True)
        cursor.execute("SELECT count(*) FROM bench_enrol")
        added = cursor.fetchone()[0]
        for model in (Enrolment, Attendance):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                           f"(SELECT COALESCE(max(id), 1) FROM {table}))")
    analyze(TrainingBase, Programme, Session, Sitting, Enrolment, Attendance)
    print(f"training year: {added:,} enrolments, {attendances:,} attendances in {time.perf_counter() - started:.0f}s")
    return added


# Measuring ------------------------------------------------------------------------------------

def floor_sql(prefix: str, length: int, term: int, today: date, cutoff: date) -> tuple[str, dict[str, object]]:
    """Per child region: current cadres (person and village), trained this term, overdue."""
    region = "AND a.region_id BETWEEN %(low)s AND %(high)s" if prefix else ""
    sql = f"""
WITH c AS (
    SELECT a.person_id, a.region_id, min(a.start_date) AS start
    FROM people_appointment a
    WHERE a.term = %(term)s AND a.post = ANY(%(posts)s) AND a.start_date <= %(today)s {region}
    GROUP BY a.person_id, a.region_id
    HAVING bool_or(a.end_date IS NULL OR a.end_date > %(today)s)
)
SELECT t.grp, count(*), count(*) FILTER (WHERE t.trained), count(*) FILTER (WHERE NOT t.trained AND t.start < %(cutoff)s)
FROM (SELECT substr(c.region_id, 1, {length}) AS grp, c.start,
             EXISTS (SELECT 1 FROM training_enrolment e WHERE e.person_id = c.person_id
                     AND e.completed_on >= c.start AND NOT e.withdrawn) AS trained
      FROM c OFFSET 0) t  -- OFFSET 0: each EXISTS once, not once per FILTER that reads it
GROUP BY 1"""  # noqa: S608 - constants only
    low, high = prefix.ljust(12, "0"), prefix.ljust(12, "9")
    return sql, {"term": term, "posts": list(TWO_COMMITTEES), "today": today, "cutoff": cutoff, "low": low,
                 "high": high}


def median_s(call: Callable[[], object], runs: int) -> float:
    call()  # warm: caches, the planner's statistics
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench_line(name: str, value: float, floor: float) -> str:
    return f"BENCH {name} value={value:.3f} unit=s floor={floor:.3f} ratio={floor / value:.2f} target=2x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each, after one warm-up; the median counts")
    args = parser.parse_args()

    use_national()
    generate_year()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lingtouyang.training.coverage import coverage_report

    with psycopg.connect(NATIONAL_URL) as conn:
        counts = conn.execute("SELECT (SELECT count(*) FROM people_appointment), "
                              "(SELECT count(*) FROM training_enrolment), "
                              "(SELECT count(*) FROM training_attendance)").fetchone()
    print(f"data: {counts[0]:,} appointments, {counts[1]:,} enrolments, {counts[2]:,} attendances")

    lines = []
    # prepare_threshold=None: as Django runs them, no server-side prepared statements.
    with psycopg.connect(NATIONAL_URL, autocommit=True, prepare_threshold=None) as floor_conn:
        for name, prefix, length in (("national", "", 2), ("province", PROVINCE, 4)):
            with CaptureQueriesContext(connection) as queries:
                report = coverage_report(prefix)
            assert report.term is not None, "no current term in the data set"
            total = report.total
            print(f"{name}: term {report.term}; {total.cadres:,} current cadres, {total.trained:,} trained "
                  f"({total.share:.1%}), {total.overdue:,} overdue", flush=True)
            cutoff = report.today - timedelta(days=report.deadline_days)
            sql, params = floor_sql(prefix, length, report.term, report.today, cutoff)
            rows = floor_conn.execute(sql, params).fetchall()
            floor = (sum(r[1] for r in rows), sum(r[2] for r in rows), sum(r[3] for r in rows))
            assert floor == (total.cadres, total.trained, total.overdue), (floor, total)
            by_group = {r[0]: (r[1], r[2], r[3]) for r in rows}
            mine = {r.code: (r.figures.cadres, r.figures.trained, r.figures.overdue) for r in report.rows
                    if r.figures.cadres}
            assert by_group == mine, "the figures by region differ from the floor's"
            value = median_s(lambda prefix=prefix: coverage_report(prefix), args.runs)
            floor_s = median_s(lambda sql=sql, params=params: floor_conn.execute(sql, params).fetchall(), args.runs)
            print(f"{name}: {len(queries.captured_queries)} queries", flush=True)
            lines.append(bench_line(f"training_coverage_{name}_s", value, floor_s))
            print(lines[-1], flush=True)
    print()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
