"""`make bench-payroll`: a full annual payroll at national size (every village's cadres, PostgreSQL), and
Luzhou's, each timed against a floor measured in the same run.

The data set is bench-list's (`lingtouyang_national`), built once by `bench_list.build_national` and
reused. The bench first makes sure the payroll's inputs exist, set-based and once: a 2025 pay policy for
every county (compounding raise in half of them, adding in the other half), published 2025 grades for every
cadre in post at the year's end (about 15% 优秀, 75% 称职, 8% 基本称职, 2% 不称职), and 2025 collective
projects in one village in ten with up to three of its cadres running them.

The payroll is the service a county admin's form calls (`pay.services.payroll_run`), run for each
province in turn — together the whole country's annual payroll, every slip and line written. The floor is one
hand-written INSERT … SELECT computing the same lines (same figures and amounts, its explanation figures
included) for the whole country into a bare table: what any implementation must at least pay. Both totals
must agree to the cent. Rates are cadres (slips) per second; `ratio` is the payroll's rate over the floor's
(target: at least 0.5, within 2× of the floor). The payroll runs written here are the bench's own and are
removed before each run (the scratch database's pay tables are emptied).
"""

from __future__ import annotations

import argparse
import sys
import time
from decimal import Decimal
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_list import NATIONAL_URL, use_national  # noqa: E402

YEAR = 2025
LUZHOU = "510500000000"
BASIC = {"party_secretary": 2000, "village_director": 2000, "community_director": 2000, "supervision_chair": 1600,
         "party_member": 1400, "village_member": 1400, "community_member": 1400, "supervision_member": 1200}
PERFORMANCE = {"excellent": 15456, "competent": 12000, "basic": 6000, "incompetent": 0}
INCENTIVE = {"excellent": 100, "competent": 80, "basic": 50, "incompetent": 0}
PRINCIPAL = {"party_deputy": "party_secretary", "fulltime_deputy": "party_secretary",
             "village_deputy": "village_director", "community_deputy": "community_director"}
POSTS = ["party_secretary", "party_deputy", "fulltime_deputy", "party_member", "village_director", "village_deputy",
         "village_member", "community_director", "community_deputy", "community_member", "supervision_chair",
         "supervision_member"]


def _values(rows: list[tuple[object, ...]]) -> str:
    def lit(v: object) -> str:
        return f"'{v}'" if isinstance(v, str) else str(v)

    return "VALUES " + ", ".join("(" + ", ".join(lit(v) for v in row) + ")" for row in rows)


def ensure_inputs(conn: psycopg.Connection) -> None:
    """Policies, grades and projects for 2025, each added only where missing (set-based statements)."""
    started = time.perf_counter()
    ref = f"{YEAR}-12-31"
    added = conn.execute(f"""
        INSERT INTO pay_paypolicy (region_id, effective_from, effective_to, deputy_share, raise_percent,
                                   raise_compounds, incentive_threshold, incentive_share, incentive_cap, note,
                                   created_at)
        SELECT r.code, DATE '{YEAR}-01-01', NULL, 85, 5, (hashtext(r.code) % 2 = 0), 50000, 10, 100000,
               'bench', now()
        FROM regions_region r
        WHERE r.level = 3 AND NOT EXISTS (SELECT 1 FROM pay_paypolicy p WHERE p.region_id = r.code)""").rowcount  # noqa: S608
    rates = ([("basic", k, v) for k, v in BASIC.items()] + [("performance", k, v) for k, v in PERFORMANCE.items()]
             + [("incentive", k, v) for k, v in INCENTIVE.items()])
    conn.execute(f"""
        INSERT INTO pay_policyrate (policy_id, kind, key, value)
        SELECT p.id, v.kind, v.key, v.value FROM pay_paypolicy p CROSS JOIN ({_values(rates)}) AS v (kind, key, value)
        WHERE NOT EXISTS (SELECT 1 FROM pay_policyrate x WHERE x.policy_id = p.id)""")  # noqa: S608 - constants
    grades = conn.execute(f"""
        INSERT INTO assessments_result (person_id, region_id, year, score, grade, state, computed_grade, grade_note,
                                        quota_override, published_on, created_at, updated_at)
        SELECT c.person_id, c.region_id, {YEAR}, NULL,
               CASE WHEN c.h < 15 THEN 'excellent' WHEN c.h < 90 THEN 'competent' WHEN c.h < 98 THEN 'basic'
                    ELSE 'incompetent' END, 'published', '', '', '', DATE '{YEAR + 1}-01-20', now(), now()
        FROM (SELECT DISTINCT ON (a.person_id) a.person_id, a.region_id, abs(hashint8(a.person_id)) % 100 AS h
              FROM people_appointment a
              WHERE a.start_date <= '{ref}' AND (a.end_date IS NULL OR a.end_date > '{ref}')
              ORDER BY a.person_id, a.id) c
        WHERE NOT EXISTS (SELECT 1 FROM assessments_result g WHERE g.person_id = c.person_id AND g.year = {YEAR})
        """).rowcount  # noqa: S608
    projects = conn.execute(f"""
        INSERT INTO economy_project (region_id, year, name, operating_income, operating_cost, note, created_at,
                                     updated_at)
        SELECT r.code, {YEAR}, '集体经营项目', 60000 + abs(hashtext(r.code)) % 400000, 20000, 'bench', now(), now()
        FROM regions_region r
        WHERE r.level = 5 AND abs(hashtext(r.code || 'economy')) % 10 = 0
          AND NOT EXISTS (SELECT 1 FROM economy_project j WHERE j.region_id = r.code AND j.year = {YEAR})
        """).rowcount  # noqa: S608
    conn.execute(f"""
        INSERT INTO economy_projectcadre (project_id, person_id)
        SELECT j.id, c.person_id FROM economy_project j
        JOIN LATERAL (SELECT DISTINCT a.person_id FROM people_appointment a
                      WHERE a.region_id = j.region_id AND a.start_date <= '{ref}'
                        AND (a.end_date IS NULL OR a.end_date > '{ref}')
                      ORDER BY a.person_id LIMIT 3) c ON TRUE
        WHERE j.year = {YEAR} AND j.note = 'bench'
          AND NOT EXISTS (SELECT 1 FROM economy_projectcadre x WHERE x.project_id = j.id)""")  # noqa: S608
    for table in ("pay_paypolicy", "pay_policyrate", "assessments_result", "economy_project", "economy_projectcadre"):
        conn.execute(f"ANALYZE {table}")
    print(f"inputs: {added:,} policies, {grades:,} grades, {projects:,} projects added "
          f"({time.perf_counter() - started:.0f}s)", flush=True)


def floor_sql(low: str, high: str) -> str:
    """The payroll's lines in one hand-written INSERT … SELECT (same figures, same rounding)."""
    principal = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in PRINCIPAL.items())
    deputy = ", ".join(f"'{p}'" for p in PRINCIPAL)
    duty = ", ".join(f"'{p}'" for p in POSTS if not p.startswith("supervision"))
    ref = f"DATE '{YEAR}-12-31'"
    return f"""
INSERT INTO bench_pay_floor (person_id, region_id, rule, figures, amount)
WITH pol AS (
  SELECT * FROM pay_paypolicy WHERE effective_from <= {ref} AND (effective_to IS NULL OR effective_to >= {ref})),
cur AS (
  SELECT a.person_id, a.region_id, a.post, a.term, COALESCE(CASE a.post {principal} END, a.post) AS principal,
         a.post IN ({deputy}) AS deputy, pol.id AS policy_id, b.value AS amount, pol.deputy_share,
         pol.raise_percent, pol.raise_compounds,
         row_number() OVER (PARTITION BY a.person_id ORDER BY b.value * (CASE WHEN a.post IN ({deputy})
                            THEN pol.deputy_share ELSE 100 END) DESC, a.post, a.region_id, a.id) AS rk
  FROM people_appointment a
  JOIN pol ON pol.region_id = substr(a.region_id, 1, 6) || '000000'
  JOIN pay_policyrate b ON b.policy_id = pol.id AND b.kind = 'basic'
   AND b.key = COALESCE(CASE a.post {principal} END, a.post)
  WHERE a.region_id BETWEEN '{low}' AND '{high}' AND a.start_date <= {ref} AND (a.end_date IS NULL OR a.end_date > {ref})),
terms AS (
  SELECT t.person_id, t.region_id, t.term,
         t.term - 5 * row_number() OVER (PARTITION BY t.person_id, t.region_id ORDER BY t.term) AS grp
  FROM (SELECT DISTINCT x.person_id, x.region_id, x.term FROM people_appointment x
        JOIN cur p ON p.rk = 1 AND p.person_id = x.person_id AND p.region_id = x.region_id
        WHERE x.term <= p.term AND x.region_id BETWEEN '{low}' AND '{high}') t),
tr AS (SELECT person_id, region_id, count(*) - 1 AS n, max(term) AS last FROM terms GROUP BY person_id, region_id, grp),
c AS (
  SELECT cur.*, tr.n, CASE WHEN cur.deputy THEN cur.deputy_share ELSE 100 END AS share
  FROM cur JOIN tr ON tr.person_id = cur.person_id AND tr.region_id = cur.region_id AND tr.last = cur.term
  WHERE cur.rk = 1),
g AS (SELECT r.person_id, r.grade FROM assessments_result r WHERE r.year = {YEAR} AND r.state = 'published'),
net AS (SELECT j.region_id, sum(j.operating_income - j.operating_cost) AS net FROM economy_project j
        WHERE j.year = {YEAR} AND j.region_id BETWEEN '{low}' AND '{high}' GROUP BY 1),
run AS (SELECT DISTINCT j.region_id, pc.person_id FROM economy_project j
        JOIN economy_projectcadre pc ON pc.project_id = j.id
        WHERE j.year = {YEAR} AND j.region_id BETWEEN '{low}' AND '{high}'),
k AS (SELECT region_id, count(*) AS cadres FROM run GROUP BY 1),
pools AS (SELECT v.region_id, v.net, k.cadres, pol.id AS policy_id, pol.incentive_threshold,
                 pol.incentive_share, pol.incentive_cap,
                 LEAST((v.net - pol.incentive_threshold) * pol.incentive_share / 100, pol.incentive_cap) AS pool
          FROM net v JOIN k USING (region_id) JOIN pol ON pol.region_id = substr(v.region_id, 1, 6) || '000000'
          WHERE v.net > pol.incentive_threshold),
cert AS (SELECT s.person_id, max(CASE s.level WHEN 'assistant' THEN 1 WHEN 'intermediate' THEN 2 ELSE 3 END) AS lv
         FROM socialwork_registration s
         WHERE s.result = 'passed' AND s.certificate_no <> '' AND s.certificate_date <= {ref} GROUP BY 1),
sub AS (SELECT ce.person_id, r.level, r.monthly_amount
        FROM cert ce
        JOIN (SELECT a.person_id, min(substr(a.region_id, 1, 6)) || '000000' AS county FROM people_appointment a
              JOIN cert x ON x.person_id = a.person_id
              WHERE a.post IN ({duty}) AND a.start_date <= {ref} AND (a.end_date IS NULL OR a.end_date > {ref})
              GROUP BY 1) d ON d.person_id = ce.person_id
        JOIN socialwork_subsidyrate r ON r.region_id = d.county
         AND r.level = (CASE ce.lv WHEN 1 THEN 'assistant' WHEN 2 THEN 'intermediate' ELSE 'senior' END)
         AND r.effective_from = (SELECT max(effective_from) FROM socialwork_subsidyrate x
                                 WHERE x.region_id = r.region_id AND x.level = r.level AND x.effective_from <= {ref}))
SELECT c.person_id, c.region_id, 'basic',
       jsonb_build_object('post', c.post, 'principal', c.principal, 'principal_amount', c.amount::text,
                          'share', c.share::text, 'terms', c.n, 'compounds', c.raise_compounds,
                          'raise', c.raise_percent::text, 'months', 12),
       round(c.amount * c.share * (CASE WHEN c.raise_compounds THEN power(1 + c.raise_percent / 100, c.n)
                                        ELSE 1 + c.n * c.raise_percent / 100 END) * 12 / 100, 2)
FROM c
UNION ALL
SELECT c.person_id, c.region_id, 'performance', jsonb_build_object('grade', g.grade, 'year', {YEAR},
       'amount', pr.value::text), round(pr.value, 2)
FROM c JOIN g ON g.person_id = c.person_id
JOIN pay_policyrate pr ON pr.policy_id = c.policy_id AND pr.kind = 'performance' AND pr.key = g.grade
UNION ALL
SELECT c.person_id, c.region_id, 'incentive',
       jsonb_build_object('village', r.region_id, 'net', pl.net::text, 'threshold', pl.incentive_threshold::text,
                          'share', pl.incentive_share::text, 'cap', pl.incentive_cap::text, 'pool', pl.pool::text,
                          'cadres', pl.cadres, 'grade', g.grade, 'grade_percent', ir.value::text),
       round(pl.pool * ir.value / (100 * pl.cadres), 2)
FROM run r JOIN pools pl ON pl.region_id = r.region_id JOIN c ON c.person_id = r.person_id
JOIN g ON g.person_id = r.person_id
JOIN pay_policyrate ir ON ir.policy_id = pl.policy_id AND ir.kind = 'incentive' AND ir.key = g.grade
UNION ALL
SELECT c.person_id, c.region_id, 'subsidy', jsonb_build_object('level', s.level, 'monthly', s.monthly_amount::text,
       'months', 12), round(s.monthly_amount * 12, 2)
FROM c JOIN sub s ON s.person_id = c.person_id WHERE s.monthly_amount > 0
UNION ALL
SELECT c.person_id, c.region_id, 'reward', jsonb_build_object('reason', w.reason, 'year', w.year, 'month', w.month,
       'reward_id', w.id), round(w.amount, 2)
FROM c JOIN pay_reward w ON w.person_id = c.person_id WHERE w.year = {YEAR}"""  # noqa: S608 - constants only


def run_floor(conn: psycopg.Connection, low: str, high: str) -> tuple[float, int, Decimal]:
    conn.execute("CREATE TABLE IF NOT EXISTS bench_pay_floor (person_id bigint, region_id varchar(12), rule text, "
                 "figures jsonb, amount numeric(14, 2))")
    conn.execute("TRUNCATE bench_pay_floor")
    started = time.perf_counter()
    with conn.transaction():
        # Hand-tuned as a floor should be: hash joins throughout (the CTEs' estimates would otherwise lead the
        # planner into nested loops over them).
        conn.execute("SET LOCAL enable_nestloop = off")
        conn.execute(floor_sql(low, high))
    seconds = time.perf_counter() - started
    people, total = conn.execute("SELECT count(DISTINCT person_id), sum(amount) FROM bench_pay_floor").fetchone()
    return seconds, people, total or Decimal(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-national", action="store_true", help="only Luzhou's payroll")
    args = parser.parse_args()

    use_national()
    from django.db import connection

    from lingtouyang.pay import services
    from lingtouyang.regions.models import Region

    lines: list[str] = []
    with psycopg.connect(NATIONAL_URL, autocommit=True, prepare_threshold=None) as conn:
        # The bench's scratch database: its payroll runs are the bench's own.
        conn.execute("TRUNCATE pay_line, pay_slip, pay_payrollrun")
        ensure_inputs(conn)
        cadres = conn.execute("SELECT count(DISTINCT person_id) FROM people_appointment WHERE start_date <= %(d)s "
                              "AND (end_date IS NULL OR end_date > %(d)s)", {"d": f"{YEAR}-12-31"}).fetchone()[0]
        print(f"data: {cadres:,} cadres in post on {YEAR}-12-31", flush=True)

        # Luzhou: the payroll a county admin's city runs, and its floor.
        city = Region.objects.get(code=LUZHOU)
        services.payroll_run(acting_user=None, region=city, year=YEAR)  # warm
        started = time.perf_counter()
        run = services.payroll_run(acting_user=None, region=city, year=YEAR)
        value = time.perf_counter() - started
        floor, people, total = run_floor(conn, "510500000000", "510599999999")
        assert (people, total) == (run.slips, run.total), ((people, total), (run.slips, run.total))
        lines.append(f"BENCH payroll_luzhou_s value={value:.3f} unit=s floor={floor:.3f} ratio={floor / value:.2f} "
                     f"target=5s slips={run.slips} lines={run.lines} total={run.total}")
        print(lines[-1], flush=True)

        if not args.skip_national:
            conn.execute("TRUNCATE pay_line, pay_slip, pay_payrollrun")
            slips, total, seconds = 0, Decimal(0), 0.0
            for province in Region.objects.filter(level=1).order_by("code"):
                started = time.perf_counter()
                run = services.payroll_run(acting_user=None, region=province, year=YEAR)
                seconds += time.perf_counter() - started
                slips, total = slips + run.slips, total + run.total
                print(f"  {province.short_name}: {run.slips:,} slips, {run.lines:,} lines in "
                      f"{time.perf_counter() - started:.1f}s", flush=True)
            floor, people, floor_total = run_floor(conn, "000000000000", "999999999999")
            assert (people, floor_total) == (slips, total), ((people, floor_total), (slips, total))
            rate, floor_rate = slips / seconds, people / floor
            lines.append(f"BENCH payroll_national_rows_per_s value={rate:.0f} unit=rows/s floor={floor_rate:.0f} "
                         f"ratio={rate / floor_rate:.2f} target=0.5 slips={slips} seconds={seconds:.1f} "
                         f"floor_seconds={floor:.1f} total={total}")
            print(lines[-1], flush=True)
            conn.execute("TRUNCATE pay_line, pay_slip, pay_payrollrun")
            conn.execute("DROP TABLE IF EXISTS bench_pay_floor")
    connection.close()
    print()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
