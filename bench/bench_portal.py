"""`make bench-portal`: the public portal's serving costs, each beside a floor measured in the same run, with
bounded wrk runs on 127.0.0.1 against PostgreSQL holding the demo data (database `lingtouyang_portal_bench`,
built once with `lingtouyang demo --no-serve`, plus the country's 620,573 villages for the search).

(a) a village page as served in production (nginx, the file render.py wrote), against nginx serving the same
    bytes from one static file — target ≥ 0.5 of it, p99 < 20 ms;
(b) the visitor counter (POST /open/counter/) under gunicorn with 2 workers (gthread, 4 threads each), against a constant Django
    response under the same server — target ≥ 0.5 of it, and the count afterwards equal to the requests the
    server answered (its access log);
(c) search by pinyin initials over the whole country's villages (GET /open/search.json), p99 < 50 ms, beside
    the constant response at the same concurrency;
and, for information, the village page served by Django (the demo's way) under the same gunicorn.

Needs nginx, wrk and redis-server (scripts/portal-bench-deps.sh installs them; without redis-server the
counter is measured on the database). Prints `BENCH <name> value=… unit=… floor=… ratio=… target=…` lines."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
DB = "lingtouyang_portal_bench"
URL = f"{PG_SERVER}/{DB}"
VAR = ROOT / "bench" / "out" / "portal-var"  # development keys and the rendered pages
NGINX_PORT, APP_PORT, REDIS_PORT = 18480, 18481, 18482
MIN_VILLAGES = 620_000
TERMS = ["hys", "xq", "zjc", "dwc", "lj", "hsc", "sw", "cs", "tbc", "y", "x", "zz", "hyc", "xc", "lh", "dps"]


def env() -> dict[str, str]:
    e = dict(os.environ)
    e.update(DATABASE_URL=URL, LINGTOUYANG_VAR=str(VAR), DJANGO_SETTINGS_MODULE="lingtouyang.settings",
             DB_CONN_MAX_AGE="600", PORTAL_BASE_URL=f"http://127.0.0.1:{NGINX_PORT}",
             # The benchmark is one address asking thousands of times: the per-address search limit off.
             LINGTOUYANG_SEARCH_PER_MINUTE="0")
    return e


def sh(*args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, check=True, text=True, capture_output=True, **kw)  # type: ignore[call-overload]


def wait_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"nothing listens on 127.0.0.1:{port}")


def build() -> None:
    """The demo (city scale) once, then the country's regions for the search, then statistics."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone():
            conn.execute(f'CREATE DATABASE "{DB}"')
    VAR.mkdir(parents=True, exist_ok=True)
    with psycopg.connect(URL, autocommit=True) as conn:
        has_demo = conn.execute("SELECT to_regclass('accounts_user') IS NOT NULL AND "
                                "EXISTS (SELECT 1 FROM accounts_user WHERE username = 'city')").fetchone()[0]
    if not has_demo:
        print("building the demo into", DB, flush=True)
        subprocess.run([str(BIN / "lingtouyang"), "demo", "--no-serve"], check=True, env=env())
    with psycopg.connect(URL, autocommit=True) as conn:
        villages = conn.execute("SELECT count(*) FROM regions_region WHERE level = 5").fetchone()[0]
    if villages < MIN_VILLAGES:
        print("loading the country's regions", flush=True)
        subprocess.run([str(BIN / "python"), "-c", "import django; django.setup(); "
                        "from lingtouyang.regions.loader import load_national; load_national()"],
                       check=True, env=env())
    with psycopg.connect(URL, autocommit=True) as conn:
        conn.execute("ANALYZE")


BENCH_VILLAGE = "510521102237"  # 谭坝村: the demo's village accounts (tanba, tanba-jw) and township (yusi)


def seed(code: str) -> None:
    """Publish about 50 disclosures in the village through the real services (draft → submitted → reviewed →
    approved → published), as a year of its notices would be: monthly accounts, quarterly items with
    tables of names, half-yearly and yearly items. Used when the demo has published less than that."""
    import django

    django.setup()
    from datetime import date
    from decimal import Decimal

    from django.core.exceptions import ValidationError

    from lingtouyang.accounts.models import User
    from lingtouyang.disclosure import services
    from lingtouyang.disclosure.models import CatalogueItem
    from lingtouyang.regions.models import Region

    cadre, supervisor, township = (User.objects.get(username=n) for n in ("tanba", "tanba-jw", "yusi"))
    village = Region.objects.get(code=code)
    plan = [("F01", [date(2026, m, 1) for m in range(1, 11)]), ("F11", [date(2026, m, 1) for m in range(1, 11)]),
            *[(c, [date(2026, m, 1) for m in (1, 4, 7)]) for c in ("V01", "V09", "F02", "F04", "F12", "S01", "S03")],
            ("D01", [date(2025, 1, 1), date(2025, 7, 1), date(2026, 1, 1)]), ("V06", [date(2025, 1, 1)])]
    published = 0
    for code_, starts in plan:
        item = CatalogueItem.objects.filter(region_code="510500000000", code=code_).order_by("-version").first()
        for n, start in enumerate(starts):
            data: dict[str, object] = {"title": f"{item.title}", "body": f"{village.short_name}{item.title}。\n"
                                       "经村务监督委员会审核，现予公开，接受村民监督。如有疑问请向村务监督委员会反映。"}
            if item.is_finance:
                income = [Decimal("12800.00") + n, Decimal("3500.50"), Decimal("960.00")]
                expense = [Decimal("4200.00"), Decimal("1830.40") + n, Decimal("620.00"), Decimal("2750.00")]
                opening = Decimal("58000.00")
                data.update(opening_balance=str(opening), closing_balance=str(opening + sum(income) - sum(expense)),
                            lines=[{"kind": "income", "subject": s, "amount": str(a)}
                                   for s, a in zip(["上级转移支付", "集体资产租赁收入", "其他收入"], income, strict=True)]
                            + [{"kind": "expense", "subject": s, "amount": str(a)}
                               for s, a in zip(["村干部报酬", "办公费", "水电费", "公益设施维护"], expense, strict=True)])
            if item.has_personal_data:
                data["tables"] = [{"title": item.title, "columns": [{"label": "姓名", "kind": "name"},
                                                                   {"label": "组别", "kind": "text"},
                                                                   {"label": "金额(元)", "kind": "money"}],
                                   "rows": [[f"{'王李张刘陈杨'[i % 6]}某{i}", f"{i % 7 + 1}组", f"{300 + i * 10}.00"]
                                            for i in range(8)]}]
            try:
                d = services.disclosure_create(acting_user=cadre, village=village, item=item, period_start=start, **data)
                services.disclosure_submit(acting_user=cadre, disclosure=d)
                services.disclosure_review(acting_user=supervisor, disclosure=d)
                services.disclosure_approve(acting_user=township, disclosure=d)
                services.disclosure_publish(acting_user=township, disclosure=d)
                published += 1
            except ValidationError as exc:
                print(f"  {code_} {start}: {exc.messages}")
    print(f"published {published} disclosures in {village.short_name}")


def search_statement_p99() -> None:
    """The search itself, in one process (no HTTP): each term 30 times after a warm-up; prints the p99 in ms."""
    import django

    django.setup()
    from lingtouyang.portal.selectors import search_villages

    times = []
    for term in TERMS:
        search_villages(term)
    for _ in range(30):
        for term in TERMS:
            started = time.perf_counter()
            search_villages(term)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(f"{times[int(len(times) * 0.99)]:.2f} {statistics.median(times):.2f}")


def busiest_village() -> tuple[str, int]:
    import psycopg

    with psycopg.connect(URL) as conn:
        row = conn.execute("SELECT region_id, count(*) FROM disclosure_disclosure WHERE state = 'published' "
                           "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1").fetchone()
    return (row[0], row[1]) if row else ("510521102237", 0)


def render(code: str) -> Path:
    """Render the demo city's pages (as `demo` does), and this village's once more: the file nginx serves."""
    started = time.monotonic()
    subprocess.run([str(BIN / "lingtouyang"), "render-portal", "--region", code[:4]], check=True, env=env())
    print(f"render-portal --region {code[:4]}: {time.monotonic() - started:.1f}s", flush=True)
    return VAR / "portal" / "v" / code / "index.html"


def parse_wrk(out: str) -> tuple[float, float, int]:
    """(requests/s, p99 in ms, requests completed)."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    m = re.search(r"\s99%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    p99 = float(m.group(1)) * scale[m.group(2)] if m else float("nan")
    done = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"wrk saw {errors.group(1)} error responses:\n{out}")
    return rps, p99, done


def wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> tuple[float, float, int]:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if script:
        args += ["-s", str(script)]
    sh("wrk", "-t1", f"-c{min(connections, 8)}", "-d1s", *(["-s", str(script)] if script else []), url)  # warm-up
    return parse_wrk(sh(*args, url).stdout)


def paired(floor_url: str, url: str, seconds: int, connections: int, rounds: int,
           floor_script: Path | None = None, script: Path | None = None,
           between: object = None) -> tuple[tuple[float, float], tuple[float, float], int]:
    """Floor and measure in alternating runs, `rounds` times each: on a shared machine the load of the moment
    moves both alike. Returns the medians ((rps, p99) of the floor, (rps, p99) of the measure) and the requests
    wrk completed against the measure."""
    floors, values, done = [], [], 0
    for _ in range(rounds):
        rps, p99, _n = wrk(floor_url, seconds, connections, floor_script)
        floors.append((rps, p99))
        rps, p99, n = wrk(url, seconds, connections, script)
        values.append((rps, p99))
        done += n
    med = statistics.median
    return ((med(r for r, _ in floors), med(p for _, p in floors)),
            (med(r for r, _ in values), med(p for _, p in values)), done)


def line(name: str, value: float, unit: str, floor: float, target: str, p99: float, extra: str = "") -> str:
    ratio = value / floor if floor else float("nan")
    return (f"BENCH {name} value={value:.0f} unit={unit} floor={floor:.0f} ratio={ratio:.2f} target={target} "
            f"p99_ms={p99:.2f}{extra}")


NGINX_CONF = """
{user}
worker_processes 2;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    open_file_cache max=10000 inactive=60s;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fcgi;
    uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        # The floor: the same bytes as one static file.
        location = /floor.html {{ alias {tmp}/floor.html; }}
{portal}
    }}
}}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating floor/measure runs; medians count")
    parser.add_argument("--seed", metavar="VILLAGE", help=argparse.SUPPRESS)
    parser.add_argument("--search-p99", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        seed(args.seed)
        return
    if args.search_p99:
        search_statement_p99()
        return
    for tool in ("nginx", "wrk"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: run `bash scripts/portal-bench-deps.sh` as root")
    build()
    code, published = busiest_village()
    if published < 40:
        subprocess.run([str(BIN / "python"), __file__, "--seed", BENCH_VILLAGE], check=True, env=env())
        code, published = busiest_village()
    page = render(code)
    print(f"village {code}: {published} published disclosures, page {page.stat().st_size:,} bytes", flush=True)

    tmp = Path(tempfile.mkdtemp(prefix="bench-portal-"))
    tmp.chmod(0o755)
    shutil.copyfile(page, tmp / "floor.html")
    (tmp / "floor.html").chmod(0o644)
    portal = (ROOT / "deploy" / "nginx-portal.conf").read_text()
    portal = portal.replace("/srv/lingtouyang/var/portal/", f"{VAR / 'portal'}/")
    portal = re.sub(r"proxy_pass http://[^;]+;", f"proxy_pass http://127.0.0.1:{APP_PORT};", portal)
    conf = NGINX_CONF.format(tmp=tmp, port=NGINX_PORT, portal=portal,
                             user="user root;" if os.geteuid() == 0 else "")
    (tmp / "nginx.conf").write_text(conf)
    procs: list[subprocess.Popen[bytes]] = []
    e = env()
    try:
        procs.append(subprocess.Popen(["nginx", "-c", str(tmp / "nginx.conf"), "-p", str(tmp)]))
        wait_port(NGINX_PORT)
        redis = shutil.which("redis-server")
        if redis:
            procs.append(subprocess.Popen([redis, "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "",
                                           "--appendonly", "no"], stdout=subprocess.DEVNULL))
            wait_port(REDIS_PORT)
            e["REDIS_URL"] = f"redis://127.0.0.1:{REDIS_PORT}/0"
        # A settings module adding one constant view: the floor of anything Django answers.
        (tmp / "bench_portal_settings.py").write_text(
            "from lingtouyang.settings import *  # noqa: F403\nROOT_URLCONF = 'bench_portal_urls'\n")
        (tmp / "bench_portal_urls.py").write_text(
            "from django.http import HttpResponse\nfrom django.urls import path\n"
            "from django.views.decorators.csrf import csrf_exempt\nfrom lingtouyang.urls import urlpatterns as base\n"
            "@csrf_exempt\ndef constant(request):\n"
            "    return HttpResponse(b'{\"count\": 1}', content_type='application/json')\n"
            "urlpatterns = [path('bench/constant/', constant), *base]\n")
        e.update(DJANGO_SETTINGS_MODULE="bench_portal_settings", PYTHONPATH=str(tmp))
        access = tmp / "access.log"
        procs.append(subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", "2", "--worker-class", "gthread", "--threads", "4", "--preload", "--bind", f"127.0.0.1:{APP_PORT}", "--access-logfile",
             str(access), "--log-level", "warning", "lingtouyang.wsgi:application"], env=e))
        wait_port(APP_PORT)
        warm(f"http://127.0.0.1:{APP_PORT}", code)
        post = tmp / "post.lua"
        post.write_text('wrk.method = "POST"\n')
        search = tmp / "search.lua"
        search.write_text("local terms = {" + ", ".join(f'"{t}"' for t in TERMS) + "}\nlocal i = 0\n"
                          "request = function()\n  i = i % #terms + 1\n"
                          "  return wrk.format(\"GET\", \"/open/search.json?q=\" .. terms[i])\nend\n")
        s, lines = args.seconds, []
        base = f"http://127.0.0.1:{NGINX_PORT}"
        app = f"http://127.0.0.1:{APP_PORT}"

        n = args.rounds
        (floor_rps, floor_p99), (rps, p99), _ = paired(f"{base}/floor.html", f"{base}/open/v/{code}/", s, 32, n)
        print(f"(a) nginx: village page {rps:,.0f} req/s p99 {p99:.2f} ms; same bytes as one file {floor_rps:,.0f} "
              f"req/s p99 {floor_p99:.2f} ms", flush=True)
        lines.append(line("portal_village_page_nginx", rps, "req/s", floor_rps, ">=0.5,p99<20ms", p99))

        from_count = counter_value(e)
        served_before = count_lines(access, "POST /open/counter/")
        (const_rps, const_p99), (rps, p99), done = paired(f"{app}/bench/constant/", f"{app}/open/counter/", s, 16,
                                                          n, post, post)
        time.sleep(0.5)  # the last requests wrk gave up waiting for are still answered
        counted = counter_value(e) - from_count
        served = count_lines(access, "POST /open/counter/") - served_before
        store = "redis" if "REDIS_URL" in e else "postgresql"
        print(f"(b) gunicorn 2 workers: counter ({store}) {rps:,.0f} req/s p99 {p99:.2f} ms; constant response "
              f"{const_rps:,.0f} req/s p99 {const_p99:.2f} ms; count +{counted:,} for {served:,} requests answered "
              f"({done:,} completed within wrk's runs; warm-ups included)", flush=True)
        lines.append(line("portal_counter", rps, "req/s", const_rps, ">=0.5,count==requests", p99,
                          f" store={store} counted={counted} requests={served} lost={served - counted}"))

        (const_rps4, const_p99_4), (rps, p99), _ = paired(f"{app}/bench/constant/", f"{app}/open/search.json?q=hys",
                                                          s, 4, n, None, search)
        print(f"(c) search by initials over the country, 4 connections: {rps:,.0f} req/s p99 {p99:.2f} ms "
              f"(constant response: {const_rps4:,.0f} req/s p99 {const_p99_4:.2f} ms)", flush=True)
        out = subprocess.run([str(BIN / "python"), __file__, "--search-p99"], check=True, env=env(),
                             capture_output=True, text=True).stdout.split()
        sql_p99, sql_median = float(out[-2]), float(out[-1])
        print(f"    the search alone (selectors.search_villages, in process, {len(TERMS)} terms × 30): "
              f"p99 {sql_p99:.2f} ms, median {sql_median:.2f} ms", flush=True)
        lines.append(line("portal_search_initials", rps, "req/s", const_rps4, "p99<50ms", p99,
                          f" search_only_p99_ms={sql_p99:.2f} floor_p99_ms={const_p99_4:.2f}"))

        rps, p99, _ = wrk(f"{app}/open/v/{code}/", s, 16)
        print(f"(info) the village page served by Django (the demo's way): {rps:,.0f} req/s p99 {p99:.2f} ms")
        lines.append(line("portal_village_page_django", rps, "req/s", const_rps, "info", p99))
        print("\n".join(lines))
    finally:
        for p in reversed(procs):
            p.send_signal(signal.SIGTERM if p.args[0] != "nginx" else signal.SIGQUIT)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


def warm(app: str, code: str) -> None:
    """Each worker loads the URL configuration and the views on its first requests (seconds on a loaded
    machine): ask each URL until answers come quickly, so no measured run pays for it."""
    import urllib.request

    for path in ("/bench/constant/", "/open/search.json?q=hys", f"/open/v/{code}/"):
        for _ in range(40):
            with urllib.request.urlopen(app + path, timeout=30) as response:  # noqa: S310 - 127.0.0.1
                response.read()


def count_lines(path: Path, needle: str) -> int:
    if not path.exists():
        return 0
    with path.open(encoding="utf-8", errors="replace") as handle:
        return sum(needle in row for row in handle)


def counter_value(e: dict[str, str]) -> int:
    out = subprocess.run([str(BIN / "python"), "-c", "import django; django.setup(); "
                          "from lingtouyang.portal.counter import visit_count; print(visit_count())"],
                         check=True, env={**e, "DJANGO_SETTINGS_MODULE": "lingtouyang.settings"},
                         capture_output=True, text=True)
    return int(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    sys.exit(main())
