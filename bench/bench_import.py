"""`make bench-import`: the roster import of 100,000 rows against a floor measured in the same run.

The machine is shared, so absolute figures are noisy; the ratio to the floor is what to read.
The floor is the least any import of this file must do: read the same .xlsx with python-calamine
and COPY the same rows — the people and their appointments — into the roster's own tables, with
their indexes, constraints and foreign keys, but with no parsing, validation, encryption, pinyin,
duplicate checks or audit. The import's ratio to it is what our own work costs on top of the
database's. For information, a bare floor too: the raw cell values as text into a table with no
index at all.

Steps: a scratch PostgreSQL database (dropped and recreated each run), migrated, with Luzhou's
divisions; a synthetic but valid roster (cached under bench/out/); then, at least twice each and
taking the best, the floors and `lingtouyang import-roster FILE --quiet` on an empty roster, each as
a child process whose wall time and peak memory (its own ru_maxrss, from wait4) are measured.
Last, once, the same import on SQLite for information.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import python_calamine
import xlsxwriter
from stdnum.cn import ric

from lingtouyang.people import roster_format as fmt

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
BENCH_DB = "lingtouyang_bench"
FLOOR_TABLE = "bench_floor"
ROWS = 100_000
FILE_VERSION = 1  # bump when the generated file's content changes, so the cache is not reused
LUZHOU_PREFIX = "5105"
TODAY = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the project's TIME_ZONE: ages are counted on it

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢钟姜"
GIVEN = "伟强军勇斌杰涛明超刚平辉鹏华飞鑫波宇浩凯健俊芳娜敏静丽艳娟霞燕玲婷雪琳颖慧梅红英萍秀兰凤琴洁"
ETHNICITIES = ["汉族"] * 18 + ["苗族", "彝族"]
POLITICAL = ["中共党员", "中共党员", "中共党员", "群众", "共青团员"]
EDUCATION = ["大专", "高中", "本科", "初中", "中专", "大学本科"]
SOURCES = ["优秀农民工", "退役军人", "致富能手", "大学生", "返乡创业", "其他"]
# Posts held once per village at most come first; everyone else is a committee member.
SINGLE_POSTS = {"village": ["党组织书记、村委会主任", "监委会主任"], "community": ["党组织书记、居委会主任", "监委会主任"]}
MEMBER_POST = {"village": "村委会委员", "community": "居委会委员"}


@dataclass(frozen=True)
class Village:
    code: str
    kind: str  # "village" or "community": 名字 ending in 社区 is a community


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float


# Databases and child processes -----------------------------------------------------------------

def db_url(name: str) -> str:
    return f"{PG_SERVER}/{name}"


def recreate_database(name: str) -> None:
    """Drops and creates one of this benchmark's own scratch databases."""
    with psycopg.connect(db_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def child_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.setdefault("LINGTOUYANG_VAR", str(OUT / "var"))  # the dev keys used by every run of the benchmark
    env.update(overrides)
    return env


def run_measured(args: list[str], env: dict[str, str]) -> Run:
    """Runs a child to the end; its wall time and its own peak resident memory (not its siblings')."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            out.seek(0)
            sys.exit(f"{' '.join(args)} failed ({proc.returncode}):\n{out.read().decode(errors='replace')[-4000:]}")
    return Run(seconds=seconds, peak_mb=usage.ru_maxrss / 1024)  # Linux gives kilobytes


def lingtouyang(*args: str, env: dict[str, str]) -> None:
    subprocess.run([str(BIN / "lingtouyang"), *args], env=env, cwd=ROOT, check=True)


def prepare_database(env: dict[str, str]) -> None:
    """Migrated, with Luzhou's divisions and nobody on the roster."""
    lingtouyang("migrate", "--verbosity", "0", env=env)
    load = "import django; django.setup(); from lingtouyang.regions.loader import load_luzhou; load_luzhou()"
    subprocess.run([sys.executable, "-c", load], env={**env, "DJANGO_SETTINGS_MODULE": "lingtouyang.settings"},
                   cwd=ROOT, check=True)


def empty_roster(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        # CASCADE: the tables that point at the roster (review, reserves, elections, requests…) go too.
        conn.execute("TRUNCATE people_appointment, people_person, audit_auditevent RESTART IDENTITY CASCADE")
        conn.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        conn.execute("VACUUM ANALYZE people_person, people_appointment, audit_auditevent")
        conn.execute("CHECKPOINT")  # so that one run's dirty pages are not flushed during the next


def roster_count(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM people_person").fetchone()[0]


def luzhou_villages(url: str) -> list[Village]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT code, short_name FROM regions_region WHERE level = 5 AND code LIKE %s ORDER BY code",
            [LUZHOU_PREFIX + "%"],
        ).fetchall()
    return [Village(code, "community" if name.endswith("社区") else "village") for code, name in rows]


# The roster file -----------------------------------------------------------------------------

def id_number(rng: random.Random, county: str, born: date, male: bool, used: set[str]) -> str:
    while True:
        body = f"{county}{born:%Y%m%d}{rng.randrange(0, 500) * 2 + (1 if male else 0):03d}"
        number = body + ric.calc_check_digit(body + "0")  # it skips the last character
        if number not in used:
            used.add(number)
            return number


def write_roster(path: Path, villages: list[Village], rows: int) -> None:
    """Rows spread evenly over the villages, each village's rows together, as a county would send them."""
    rng = random.Random(20_240_601)
    today = TODAY
    used: set[str] = set()
    tmp = path.with_suffix(".tmp.xlsx")
    book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    sheet = book.add_worksheet("花名册")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, fmt.HEADERS)
    column = {name: i for i, name in enumerate(fmt.HEADERS)}
    n = 1
    for v, village in enumerate(villages):
        share = rows * (v + 1) // len(villages) - rows * v // len(villages)
        for k in range(share):
            male = rng.random() < 0.7
            born = today - timedelta(days=rng.randrange(23 * 365, 60 * 365))
            posts = SINGLE_POSTS[village.kind][k] if k < 2 else MEMBER_POST[village.kind]
            started = date(2021, 3, 1) + timedelta(days=rng.randrange(0, 3 * 365))
            values = {
                fmt.NAME: rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2)))),
                fmt.GENDER: "男" if male else "女",
                fmt.ETHNICITY: rng.choice(ETHNICITIES),
                fmt.ID_NUMBER: id_number(rng, village.code[:6], born, male, used),
                fmt.POLITICAL_STATUS: rng.choice(POLITICAL),
                fmt.EDUCATION: rng.choice(EDUCATION),
                fmt.REGION_CODE: village.code,
                fmt.POSTS: posts,
                fmt.START_DATE: f"{started:%Y.%m}",  # month only, as rosters often give it
                fmt.PHONE: f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                fmt.SOURCE: rng.choice(SOURCES),
            }
            for name, value in values.items():
                sheet.write_string(n, column[name], value)
            sheet.write_datetime(n, column[fmt.BIRTH_DATE], born, date_format)
            n += 1
    book.close()
    tmp.rename(path)


def roster_file(url: str, rows: int) -> Path:
    path = OUT / f"roster-v{FILE_VERSION}-{rows}-{TODAY:%Y}.xlsx"  # ages are relative to today
    if not path.exists():
        started = time.perf_counter()
        write_roster(path, luzhou_villages(url), rows)
        print(f"wrote {path.relative_to(ROOT)} in {time.perf_counter() - started:.1f}s")
    return path


# The floor -----------------------------------------------------------------------------------

def floor_copy(path: Path, url: str) -> int:
    """Read every row with calamine and COPY the raw cell values, as text, into a plain table."""
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    rows = sheet.iter_rows()
    headers = next(rows)
    columns = ", ".join(f"c{i} text" for i in range(len(headers)))
    count = 0
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute(f"CREATE TABLE {FLOOR_TABLE} ({columns})")
        with cur.copy(f"COPY {FLOOR_TABLE} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(["" if c is None else str(c) for c in row])
                count += 1
    return count


def floor_roster_copy(path: Path, url: str) -> int:
    """Read every row with calamine and COPY the same people and appointments into the roster's own
    tables — their indexes, constraints and foreign keys included — with no parsing beyond splitting
    the posts cell, no validation, no encryption, no pinyin and no audit: what the database itself
    costs for these rows."""
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    rows = sheet.iter_rows()
    col = {name: i for i, name in enumerate(next(rows))}
    c_name, c_gender, c_id, c_born = col[fmt.NAME], col[fmt.GENDER], col[fmt.ID_NUMBER], col[fmt.BIRTH_DATE]
    c_region, c_posts, c_phone = col[fmt.REGION_CODE], col[fmt.POSTS], col[fmt.PHONE]
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    people, appointments = [], []
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        data = list(rows)
        cur.execute("SELECT nextval(pg_get_serial_sequence('people_person', 'id')) FROM generate_series(1, %s)",
                    [len(data)])
        ids = [r[0] for r in cur.fetchall()]
        for pk, row in zip(ids, data, strict=True):
            number = row[c_id]
            people.append((pk, row[c_region], row[c_name], row[c_name], row[c_name][:1],
                           "1" if row[c_gender] == "男" else "2", "01", row[c_born], number.encode(), number,
                           number, "01", "30", row[c_phone], "other", now, now))
            for _post in row[c_posts].split("、"):
                appointments.append((pk, row[c_region], "village_member", 2021, now.date(), "", now, now))
        with cur.copy("COPY people_person (id, region_id, name, name_pinyin, name_initials, gender, ethnicity, "
                      "birth_date, id_cipher, id_index, id_masked, political_status, education, phone, source, "
                      "created_at, updated_at) FROM STDIN") as copy:
            for person in people:
                copy.write_row(person)
        with cur.copy("COPY people_appointment (person_id, region_id, post, term, start_date, end_reason, "
                      "created_at, updated_at) FROM STDIN") as copy:
            for appointment in appointments:
                copy.write_row(appointment)
    return len(people)


# Main ----------------------------------------------------------------------------------------

def bench_line(name: str, value: float, unit: str, floor: float, ratio: float, target: str) -> str:
    return f"BENCH {name} value={value:.1f} unit={unit} floor={floor:.1f} ratio={ratio:.2f} target={target}"


def sqlite_rows_per_s(path: Path, rows: int) -> float:
    with tempfile.TemporaryDirectory(prefix="lingtouyang-bench-") as var:
        env = child_env(LINGTOUYANG_VAR=var)
        prepare_database(env)
        run = run_measured([str(BIN / "lingtouyang"), "import-roster", str(path), "--quiet"], env)
    print(f"sqlite import: {run.seconds:.2f}s, peak {run.peak_mb:.0f} MB")
    return rows / run.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--runs", type=int, default=2, help="runs of each measurement; the best counts")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the informational SQLite import")
    parser.add_argument("--floor-only", nargs=2, metavar=("FILE", "URL"), help=argparse.SUPPRESS)
    parser.add_argument("--roster-floor-only", nargs=2, metavar=("FILE", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_only:  # the child process of a floor run
        floor_copy(Path(args.floor_only[0]), args.floor_only[1])
        return
    if args.roster_floor_only:
        floor_roster_copy(Path(args.roster_floor_only[0]), args.roster_floor_only[1])
        return

    OUT.mkdir(parents=True, exist_ok=True)
    url = db_url(BENCH_DB)
    recreate_database(BENCH_DB)
    env = child_env(DATABASE_URL=url)
    prepare_database(env)
    path = roster_file(url, args.rows)

    floors: list[Run] = []
    roster_floors: list[Run] = []
    imports: list[Run] = []
    for i in range(args.runs):
        empty_roster(url)
        floors.append(run_measured([sys.executable, __file__, "--floor-only", str(path), url], env))
        empty_roster(url)
        roster_floors.append(run_measured([sys.executable, __file__, "--roster-floor-only", str(path), url], env))
        empty_roster(url)
        imports.append(run_measured([str(BIN / "lingtouyang"), "import-roster", str(path), "--quiet"], env))
        if (count := roster_count(url)) != args.rows:
            sys.exit(f"the import wrote {count} people, not {args.rows}")
        print(f"run {i + 1}: bare floor {floors[-1].seconds:.2f}s ({floors[-1].peak_mb:.0f} MB), "
              f"roster floor {roster_floors[-1].seconds:.2f}s ({roster_floors[-1].peak_mb:.0f} MB), "
              f"import {imports[-1].seconds:.2f}s ({imports[-1].peak_mb:.0f} MB)")
    bare = args.rows / min(r.seconds for r in floors)
    floor = args.rows / min(r.seconds for r in roster_floors)
    value = args.rows / min(r.seconds for r in imports)
    floor_mb = min(r.peak_mb for r in roster_floors)
    peak_mb = max(r.peak_mb for r in imports)

    lines = []
    if not args.no_sqlite:
        sqlite = sqlite_rows_per_s(path, args.rows)
        lines.append(bench_line("import_sqlite_rows_per_s", sqlite, "rows/s", floor, sqlite / floor, "info"))
    lines.append(bench_line("import_rows_per_s", value, "rows/s", floor, value / floor, "0.5"))
    lines.append(bench_line("import_vs_bare_copy_rows_per_s", value, "rows/s", bare, value / bare, "info"))
    lines.append(bench_line("import_peak_memory", peak_mb, "MB", floor_mb, peak_mb / floor_mb, "300MB"))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
