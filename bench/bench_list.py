"""`make bench-list`: the roster's list pages at national size (620,572 villages, ~4.1 million
cadres), timed against a floor measured in the same run.

The national data set lives in its own scratch database (`lingtouyang_national`), built once with
`lingtouyang demo --no-serve --scale national` and reused while it holds every village's team.
Each page is requested through Django's test client (the whole stack: middleware, session, the
scoped queryset, the template or serializer) as four users — the city admin of 泸州, the county
admin of 江阳区, the township officer of 喻寺镇 and a national superuser with no region — and its
queries are counted. The floor is the one hand-written SQL query that fetches the same rows (same
WHERE, ORDER BY and LIMIT), run with psycopg: what any implementation must at least pay.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
NATIONAL_DB = "lingtouyang_national"
NATIONAL_URL = f"{PG_SERVER}/{NATIONAL_DB}"
MIN_VILLAGES = 620_000  # 620,573 in the source; one (金门县) shares its code with its county
COUNTY = "510502000000"  # 江阳区, 泸州
PAGE_ROWS = 51  # a page shows 50 and fetches one more to know whether another follows
SEARCH = "zh"  # a common prefix: 265,000 matches in the country
RARE_SEARCH = "zzz"  # 85 matches: the case where walking the (region, id) index to fill a page is wrong

# The list's columns; the floor fetches what the page shows (person and village name).
PERSON_SQL = """
SELECT p.id, p.name, p.gender, p.birth_date, p.id_masked, p.political_status, p.education, p.region_id,
       r.short_name
FROM people_person p JOIN regions_region r ON r.code = p.region_id
WHERE {where}
ORDER BY p.region_id, p.id
LIMIT {limit}"""
# The county page's heaviest part: the structure of each township's current cadres, one group each.
REGION_SQL = """
SELECT substr(p.region_id, 1, %(length)s) AS grp, count(*), avg(extract(year FROM p.birth_date)),
       count(*) FILTER (WHERE p.gender = '2'), count(*) FILTER (WHERE p.political_status IN ('01', '02'))
FROM people_person p
WHERE p.region_id BETWEEN %(low)s AND %(high)s
  AND EXISTS (SELECT 1 FROM people_appointment a WHERE a.person_id = p.id AND a.start_date <= current_date
              AND (a.end_date IS NULL OR a.end_date > current_date))
GROUP BY 1"""


@dataclass(frozen=True)
class Viewer:
    label: str  # as in the BENCH line
    username: str
    prefix: str  # their jurisdiction as a code prefix ("" = the whole country)
    region_page: str  # the region detail page they open: a county, or their own township


VIEWERS = [
    Viewer("city", "city", "5105", COUNTY),
    Viewer("county", "jiangyang", "510502", COUNTY),
    # A township officer cannot open a county (404, as for anything out of scope): their township.
    Viewer("township", "yusi", "510521102", "510521102000"),
    Viewer("national", "bench-national", "", COUNTY),
]


# The data set -------------------------------------------------------------------------------

def database_exists() -> bool:
    with psycopg.connect(f"{PG_SERVER}/postgres") as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [NATIONAL_DB]).fetchone() is not None


def villages_missing_people() -> int | None:
    """Villages without a team; None when the database holds no complete set of villages."""
    with psycopg.connect(NATIONAL_URL) as conn:
        try:
            villages = conn.execute("SELECT count(*) FROM regions_region WHERE level = 5").fetchone()[0]
        except psycopg.errors.UndefinedTable:
            return None
        if villages < MIN_VILLAGES:
            return None
        return conn.execute(
            "SELECT count(*) FROM regions_region r WHERE r.level = 5 "
            "AND NOT EXISTS (SELECT 1 FROM people_person p WHERE p.region_id = r.code)"
        ).fetchone()[0]


def build_national(env: dict[str, str]) -> float | None:
    """Builds (or completes: the demo skips villages that have people) the data set; its seconds,
    or None when the database was reused as it was."""
    if not database_exists():
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{NATIONAL_DB}"')
    elif villages_missing_people() == 0:
        subprocess.run([str(BIN / "lingtouyang"), "migrate", "--verbosity", "0"], env=env, cwd=ROOT, check=True)
        return None
    print("building the national data set (about 4 million cadres; reused by later runs)…", flush=True)
    started = time.perf_counter()
    # The demo ends with ANALYZE: the planner needs the statistics of the tables it filled.
    subprocess.run([str(BIN / "lingtouyang"), "demo", "--no-serve", "--scale", "national"], env=env, cwd=ROOT,
                   check=True)
    return time.perf_counter() - started


def use_national() -> None:
    """Builds the national data set if needed, then points this process's Django at it."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DATABASE_URL=NATIONAL_URL, LINGTOUYANG_VAR=env.get("LINGTOUYANG_VAR", str(OUT / "var")))
    OUT.mkdir(parents=True, exist_ok=True)
    built = build_national(env)
    if built is not None:
        print(f"national build: {built:.0f}s")
    os.environ.update(DATABASE_URL=NATIONAL_URL, LINGTOUYANG_VAR=env["LINGTOUYANG_VAR"],
                      DJANGO_SETTINGS_MODULE="lingtouyang.settings")
    import django

    django.setup()


# Measuring ----------------------------------------------------------------------------------

def median_ms(call: Callable[[], object], runs: int) -> float:
    call()  # warm: caches, prepared connections
    call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def get_ok(client: Any, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        sys.exit(f"{url}: HTTP {response.status_code}")


def floor_person_sql(prefix: str, search: str = "") -> tuple[str, list[str]]:
    where, params = ["TRUE"], []
    if prefix:
        where.append("p.region_id BETWEEN %s AND %s")
        params += [prefix.ljust(12, "0"), prefix.ljust(12, "9")]
    if search:
        where.append("(p.name_pinyin LIKE %s OR p.name_initials LIKE %s)")
        params += [search + "%", search + "%"]
    return PERSON_SQL.format(where=" AND ".join(where), limit=PAGE_ROWS), params


def floor_region_sql(code: str) -> tuple[str, dict[str, object]]:
    significant = code.rstrip("0")
    length = 9 if len(significant) <= 6 else 12  # a county's children are townships; a township's, villages
    prefix = code[:6] if length == 9 else code[:9]
    return REGION_SQL, {"length": length, "low": prefix.ljust(12, "0"), "high": prefix.ljust(12, "9")}


def bench_line(name: str, value: float, floor: float, queries: int) -> str:
    return (f"BENCH {name} value={value:.1f} unit=ms floor={floor:.1f} ratio={floor / value:.2f} "
            f"target=100ms queries={queries}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="requests per page; the median counts")
    args = parser.parse_args()

    use_national()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lingtouyang.accounts.models import User

    User.objects.get_or_create(username="bench-national", defaults={"is_superuser": True, "is_staff": True})
    with psycopg.connect(NATIONAL_URL) as conn:
        counts = conn.execute("SELECT (SELECT count(*) FROM people_person), "
                              "(SELECT count(*) FROM regions_region WHERE level = 5)").fetchone()
    print(f"data: {counts[0]:,} people in {counts[1]:,} villages")

    lines: list[str] = []
    # prepare_threshold=None: as Django runs them, no server-side prepared statements, whose generic
    # plan cannot see the search term and would make the floor slower than the page.
    with psycopg.connect(NATIONAL_URL, autocommit=True, prepare_threshold=None) as floor_conn:
        for viewer in VIEWERS:
            client = Client()
            client.force_login(User.objects.get(username=viewer.username))
            pages = [
                ("people_list", "/people/", floor_person_sql(viewer.prefix)),
                ("people_search", f"/people/?q={SEARCH}", floor_person_sql(viewer.prefix, SEARCH)),
                ("people_search_rare", f"/people/?q={RARE_SEARCH}", floor_person_sql(viewer.prefix, RARE_SEARCH)),
                ("api_people", "/api/v1/people/", floor_person_sql(viewer.prefix)),
                ("region_detail", f"/regions/{viewer.region_page}/", floor_region_sql(viewer.region_page)),
            ]
            for page, url, (sql, params) in pages:
                request = partial(get_ok, client, url)
                value = median_ms(request, args.runs)
                with CaptureQueriesContext(connection) as queries:
                    request()
                floor = median_ms(lambda sql=sql, params=params: floor_conn.execute(sql, params).fetchall(),
                                  args.runs)
                lines.append(bench_line(f"{page}_{viewer.label}_ms", value, floor, len(queries.captured_queries)))
                print(lines[-1], flush=True)
    print()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
