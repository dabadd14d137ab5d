"""The pay engine: the one place a pay figure is computed.

Each rule is a small pure function on Decimals (the rule's definition, tested one by one and with
hypothesis), and the payroll is the same rules written once as SQL (`lines_sql`) so that a run is one set-based
statement over the database, not a loop over cadres. Tests check that the SQL and the functions agree.

Rules (a run has a reference date: the last day of its year or month; `months` is 12 or 1):

- basic: every person holding a post on the reference day in the run's region gets one basic line, for the post
  that pays most (a person holding two posts, 一肩挑, is paid once). A principal post's monthly pay is its rate;
  a deputy's is `deputy_share`% of its principal post's rate. Consecutive re-elected terms (连选连任): the
  person's terms in that village form a run of elections five years apart ending at the post's term; each term
  of it after the first raises basic pay by `raise_percent`: compounding (1.05ⁿ) or adding (1 + n × 5%), per
  the policy's `raise_compounds` switch. basic = monthly × factor × months.
- performance (annual runs): the policy's annual amount for the person's published grade of the year.
- incentive (annual runs): a village's operating net income of the year (Σ income − cost of its projects);
  pool = min((net − threshold) × share%, cap) when net exceeds the threshold; each cadre who ran one of its
  projects gets pool ÷ (number of such cadres) × their grade's percent (优秀 100 …). No published grade, no line.
- subsidy: the social-work post subsidy (`socialwork.policy`) on the reference day × months.
- reward: one-off rewards of the period (the year, or the month).

Money: each line is rounded once, ROUND_HALF_UP to 0.01, from exact decimals (PostgreSQL numeric; on SQLite
the same arithmetic through Decimal functions registered on the connection); a slip's total is the sum of its
lines."""

# ruff: noqa: S608 - the SQL is built from this module's own fragments and our Decimals; values are parameters
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext as _

from lingtouyang.people.codes import Post

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)
MAX_TERMS = 20  # re-elected terms the factor table covers (a century of elections)
EXACT = Context(prec=200)  # far more digits than any pay figure has: no rounding before the one rounding

# A deputy post's principal post; every other post is its own principal.
PRINCIPAL: dict[str, str] = {
    Post.PARTY_DEPUTY: Post.PARTY_SECRETARY,
    Post.FULLTIME_DEPUTY: Post.PARTY_SECRETARY,
    Post.VILLAGE_DEPUTY: Post.VILLAGE_DIRECTOR,
    Post.COMMUNITY_DEPUTY: Post.COMMUNITY_DIRECTOR,
}
PRINCIPAL_POSTS = [p for p in Post.values if p not in PRINCIPAL]
RULE_ORDER = {"basic": 1, "performance": 2, "incentive": 3, "subsidy": 4, "reward": 5}


# --- the rules, one pure function each ---------------------------------------------------------------


def money(value: Decimal) -> Decimal:
    """The one rounding: half up to the cent."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def raise_factor(percent: Decimal, terms: int, compounds: bool) -> Decimal:
    """Basic pay's multiplier for `terms` consecutive re-elected terms, exact."""
    with localcontext(EXACT):
        rate = Decimal(percent) / HUNDRED
        return (1 + rate) ** terms if compounds else 1 + rate * terms


def basic_pay(principal_amount: Decimal, share: Decimal, factor: Decimal, months: int) -> Decimal:
    with localcontext(EXACT):
        return money(principal_amount * share * factor * months / HUNDRED)


def performance_pay(amount: Decimal) -> Decimal:
    return money(amount)


def incentive_pool(net: Decimal, threshold: Decimal, share: Decimal, cap: Decimal) -> Decimal:
    with localcontext(EXACT):
        return min(max(net - threshold, ZERO) * share / HUNDRED, cap)


def incentive_pay(pool: Decimal, cadres: int, grade_percent: Decimal) -> Decimal:
    with localcontext(EXACT):
        return money(pool * grade_percent / (HUNDRED * cadres))


def subsidy_pay(monthly: Decimal, months: int) -> Decimal:
    return money(monthly * months)


def reward_pay(amount: Decimal) -> Decimal:
    return money(amount)


def factor_rows(policies: Iterable[tuple[Decimal, bool]]) -> list[tuple[Decimal, bool, int, Decimal]]:
    """(raise percent, compounds, terms, factor) for each distinct (percent, compounds) and 0..MAX_TERMS: the SQL
    joins this table, so the factor is the rule's exact value on both databases."""
    return [(percent, compounds, n, raise_factor(percent, n, compounds))
            for percent, compounds in sorted(set(policies)) for n in range(MAX_TERMS + 1)]


# --- explanations -------------------------------------------------------------------------------------

SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def yuan(value: Any) -> str:
    return f"{Decimal(str(value)):,.2f}"


def percent(value: Any) -> str:
    return f"{Decimal(str(value)).normalize():f}"


def _post_label(post: str) -> str:
    return str(Post(post).label) if post in Post.values else post


def explain(rule: str, figures: Mapping[str, Any], amount: Decimal) -> str:
    """The line's rule and the figures that produced it, in the reader's language."""
    from lingtouyang.assessments.models import Grade
    from lingtouyang.socialwork.models import Level

    f = figures
    total = yuan(amount)
    if rule == "basic":
        n = int(f["terms"])
        if Decimal(str(f["share"])) == HUNDRED:
            head = _("basic %(amount)s a month (%(post)s)") % {"amount": yuan(f["principal_amount"]),
                                                                "post": _post_label(f["post"])}
        else:
            head = _("basic %(share)s%% of %(amount)s a month (%(principal)s) for %(post)s") % {
                "share": percent(f["share"]), "amount": yuan(f["principal_amount"]),
                "principal": _post_label(f["principal"]), "post": _post_label(f["post"])}
        base = 1 + Decimal(str(f["raise"])) / HUNDRED
        if n == 0:
            factor = _("× 1 (no consecutive re-elected term)")
        elif f["compounds"] in (True, 1, "1", "true"):
            factor = _("× %(base)s%(power)s for %(n)s consecutive re-elected terms (compounding)") % {
                "base": percent(base), "power": str(n).translate(SUPERSCRIPT), "n": n}
        else:
            factor = _("× (1 + %(n)s × %(rate)s%%) for %(n)s consecutive re-elected terms (adding)") % {
                "n": n, "rate": percent(f["raise"])}
        return _("%(head)s %(factor)s × %(months)s months = %(total)s") % {
            "head": head, "factor": factor, "months": f["months"], "total": total}
    if rule == "performance":
        grade = f["grade"]
        return _("performance pay for grade %(grade)s in %(year)s = %(total)s") % {
            "grade": Grade(grade).label if grade in Grade.values else grade, "year": f["year"], "total": total}
    if rule == "incentive":
        grade = f["grade"]
        return _("collective incentive: net income %(net)s − threshold %(threshold)s, × %(share)s%%, at most "
                 "%(cap)s = pool %(pool)s; ÷ %(cadres)s cadres × %(grade_percent)s%% (%(grade)s) = %(total)s") % {
            "net": yuan(f["net"]), "threshold": yuan(f["threshold"]), "share": percent(f["share"]),
            "cap": yuan(f["cap"]), "pool": yuan(f["pool"]), "cadres": f["cadres"],
            "grade_percent": percent(f["grade_percent"]),
            "grade": Grade(grade).label if grade in Grade.values else grade, "total": total}
    if rule == "subsidy":
        level = f["level"]
        return _("social-work post subsidy (%(level)s) %(monthly)s a month × %(months)s months = %(total)s") % {
            "level": Level(level).label if level in Level.values else level, "monthly": yuan(f["monthly"]),
            "months": f["months"], "total": total}
    if rule == "reward":
        return _("one-off reward: %(reason)s = %(total)s") % {"reason": f["reason"], "total": total}
    return total


# --- the SQL ------------------------------------------------------------------------------------------


def _dec(value: Any) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _sqlite_functions(conn: Any) -> None:
    """Exact decimal arithmetic for SQLite, whose own arithmetic is binary floating point."""

    def mul(*xs: Any) -> str | None:
        values = [_dec(x) for x in xs]
        if any(v is None for v in values):
            return None
        with localcontext(EXACT):
            product = Decimal(1)
            for v in values:
                product *= v  # type: ignore[operator]
            return str(product)

    def div(a: Any, b: Any) -> str | None:
        x, y = _dec(a), _dec(b)
        if x is None or y is None:
            return None
        with localcontext(EXACT):
            return str(x / y)

    def sub(a: Any, b: Any) -> str | None:
        x, y = _dec(a), _dec(b)
        return None if x is None or y is None else str(x - y)

    def least(a: Any, b: Any) -> str | None:
        x, y = _dec(a), _dec(b)
        return None if x is None or y is None else str(min(x, y))

    def greatest(a: Any, b: Any) -> str | None:
        x, y = _dec(a), _dec(b)
        return None if x is None or y is None else str(max(x, y))

    def round2(a: Any) -> str | None:
        x = _dec(a)
        return None if x is None else str(money(x))

    def text(a: Any) -> str | None:
        x = _dec(a)
        return None if x is None else str(x)

    class Sum:
        def __init__(self) -> None:
            self.total = ZERO

        def step(self, value: Any) -> None:
            if value is not None:
                self.total += _dec(value)  # type: ignore[operator]

        def finalize(self) -> str:
            return str(self.total)

    conn.create_aggregate("pay_sum", 1, Sum)
    for name, fn, n in (("pay_mul", mul, -1), ("pay_div", div, 2), ("pay_sub", sub, 2), ("pay_least", least, 2),
                        ("pay_greatest", greatest, 2), ("pay_round", round2, 1), ("pay_text", text, 1)):
        conn.create_function(name, n, fn, deterministic=True)


@dataclass(frozen=True)
class Dialect:
    """The few expressions that differ between PostgreSQL (exact numeric) and SQLite (registered functions)."""

    vendor: str

    @property
    def pg(self) -> bool:
        return self.vendor == "postgresql"

    def mul(self, *xs: str) -> str:
        return "(" + " * ".join(xs) + ")" if self.pg else f"pay_mul({', '.join(xs)})"

    def div(self, a: str, b: str) -> str:
        return f"({a} / {b})" if self.pg else f"pay_div({a}, {b})"

    def sub(self, a: str, b: str) -> str:
        return f"({a} - {b})" if self.pg else f"pay_sub({a}, {b})"

    def least(self, a: str, b: str) -> str:
        return f"LEAST({a}, {b})" if self.pg else f"pay_least({a}, {b})"

    def greatest(self, a: str, b: str) -> str:
        return f"GREATEST({a}, {b})" if self.pg else f"pay_greatest({a}, {b})"

    def round2(self, x: str) -> str:
        # PostgreSQL rounds numeric half away from zero: half up for the non-negative amounts of pay.
        return f"ROUND({x}, 2)" if self.pg else f"pay_round({x})"

    def text(self, x: str) -> str:
        return f"({x})::text" if self.pg else f"pay_text({x})"

    def sum(self, x: str) -> str:
        return f"sum({x})" if self.pg else f"pay_sum({x})"

    def obj(self, **pairs: str) -> str:
        inner = ", ".join(f"'{k}', {v}" for k, v in pairs.items())
        return f"jsonb_build_object({inner})" if self.pg else f"json_object({inner})"

    def bool(self, value: bool) -> str:
        return ("TRUE" if value else "FALSE") if self.pg else ("1" if value else "0")

    def county(self, column: str) -> str:
        return f"(substr({column}, 1, 6) || '000000')"

    def decimal(self, value: Decimal) -> str:
        # A literal from our own Decimal (never user text): exact on PostgreSQL, text for SQLite's functions.
        return f"{value}::numeric" if self.pg else f"'{value}'"


def dialect_for(connection: BaseDatabaseWrapper) -> Dialect:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        _sqlite_functions(connection.connection)
    return Dialect(connection.vendor)


def _values(rows: list[tuple[str, ...]]) -> str:
    return "VALUES " + ", ".join("(" + ", ".join(r) + ")" for r in rows)


POLICY_CTE = """
pol AS (
  SELECT p.id, p.region_id AS county, p.deputy_share, p.raise_percent, p.raise_compounds, p.incentive_threshold,
         p.incentive_share, p.incentive_cap
  FROM pay_paypolicy p
  WHERE p.region_id BETWEEN %(clow)s AND %(chigh)s AND p.effective_from <= %(ref)s
    AND (p.effective_to IS NULL OR p.effective_to >= %(ref)s))"""

# The run's working tables, in the order the run fills them. Each is analysed before the next statement reads it:
# the planner then knows how many cadres there are (ten in a village, four million in the country) and joins
# accordingly, instead of guessing from a chain of CTEs.
PAID, CADRE, GRADES, RUNNERS, POOLS = "pay_paid", "pay_cadre", "pay_grades", "pay_runners", "pay_pools"


def paid_sql(d: Dialect) -> str:
    """Step 1: each person in post on the reference day in the region, with the post that pays most (one row a
    person) and its policy. Parameters: low, high, clow, chigh, ref."""
    posts = _values([(f"'{p}'", f"'{PRINCIPAL.get(p, p)}'", d.bool(p in PRINCIPAL)) for p in Post.values])
    share = f"CASE WHEN m.deputy THEN pol.deputy_share ELSE {d.decimal(HUNDRED)} END"
    return f"""
WITH {POLICY_CTE},
post_map (post, principal, deputy) AS ({posts}),
priced AS (
  SELECT a.person_id, a.region_id, a.post, a.term, m.principal, pol.id AS policy_id, b.value AS principal_amount,
         {share} AS share,
         row_number() OVER (PARTITION BY a.person_id
                            ORDER BY b.value * ({share}) DESC, a.post, a.region_id, a.id) AS rk
  FROM people_appointment a
  JOIN post_map m ON m.post = a.post
  JOIN pol ON pol.county = {d.county('a.region_id')}
  JOIN pay_policyrate b ON b.policy_id = pol.id AND b.kind = 'basic' AND b.key = m.principal
  WHERE a.region_id BETWEEN %(low)s AND %(high)s AND a.start_date <= %(ref)s
    AND (a.end_date IS NULL OR a.end_date > %(ref)s))
SELECT person_id, region_id, post, term, principal, policy_id, principal_amount, share FROM priced WHERE rk = 1"""


def cadre_sql() -> str:
    """Step 2: the paid people with their consecutive re-elected terms in the village of the paid post: their
    terms there up to the post's, numbered; a term minus five times its number is constant along a run of
    elections five years apart, so the run ending at the post's term is its group's size."""
    return f"""
SELECT person_id, region_id, post, principal, policy_id, principal_amount, share,
       CASE WHEN reelected > {MAX_TERMS} THEN {MAX_TERMS} ELSE reelected END AS reelected
FROM (SELECT r.*, count(*) OVER (PARTITION BY r.person_id, r.grp) - 1 AS reelected
      FROM (SELECT t.*, t.term - 5 * row_number() OVER (PARTITION BY t.person_id ORDER BY t.term) AS grp
            FROM (SELECT DISTINCT p.person_id, p.region_id, p.post, p.principal, p.policy_id, p.principal_amount,
                                  p.share, p.term AS paid_term, a.term
                  FROM {PAID} p JOIN people_appointment a
                    ON a.person_id = p.person_id AND a.region_id = p.region_id AND a.term <= p.term
                  -- Implied by the join (the paid post's village is in the region), stated so that only the
                  -- region's appointments are read, not every person's in the country.
                  WHERE a.region_id BETWEEN %(low)s AND %(high)s) t) r) x
WHERE term = paid_term"""


def annual_sql(d: Dialect) -> list[tuple[str, str]]:
    """Steps of an annual run before its lines: the cadres' published grades of the year; the people who ran a
    village's projects of the year; each village's incentive pool (net income above the threshold)."""
    grades = f"""
SELECT g.person_id, g.grade FROM assessments_result g JOIN {CADRE} c ON c.person_id = g.person_id
WHERE g.year = %(year)s AND g.state = 'published' AND g.grade <> ''"""
    runners = """
SELECT DISTINCT j.region_id, pc.person_id
FROM economy_project j JOIN economy_projectcadre pc ON pc.project_id = j.id
WHERE j.year = %(year)s AND j.region_id BETWEEN %(low)s AND %(high)s"""
    pools = f"""
WITH {POLICY_CTE},
village_net AS (
  SELECT j.region_id, sum({d.sub('j.operating_income', 'j.operating_cost')}) AS net
  FROM economy_project j WHERE j.year = %(year)s AND j.region_id BETWEEN %(low)s AND %(high)s
  GROUP BY j.region_id),
runner_count AS (SELECT region_id, count(*) AS cadres FROM {RUNNERS} GROUP BY region_id)
SELECT v.region_id, v.net, n.cadres, pol.id AS policy_id, pol.incentive_threshold, pol.incentive_share,
       pol.incentive_cap,
       {d.least(d.div(d.mul(d.sub('v.net', 'pol.incentive_threshold'), 'pol.incentive_share'), d.decimal(HUNDRED)),
                'pol.incentive_cap')} AS pool
FROM village_net v JOIN runner_count n ON n.region_id = v.region_id
JOIN pol ON pol.county = {d.county('v.region_id')}
WHERE v.net > pol.incentive_threshold"""
    return [(GRADES, grades), (RUNNERS, runners), (POOLS, pools)]


def lines_sql(d: Dialect, *, annual: bool, factors: list[tuple[Decimal, bool, int, Decimal]],
              subsidy_sql: str) -> str:
    """Step 3: one SELECT of (person_id, region_id, post, rule, seq, figures, amount), every line of the run, from
    the cadres of step 2. Parameters: low, high (the region's codes), clow, chigh (its counties' codes), ref
    (reference date), year, month, months. `subsidy_sql` selects (person_id, level, monthly_amount) for the
    people of the CTE `cadre_ids`."""
    # The percent is compared with the policy's column, the factor used in the arithmetic.
    fac = _values([(str(pct), d.bool(comp), str(n), d.decimal(f)) for pct, comp, n, f in factors]
                  or [("0", d.bool(True), "0", d.decimal(Decimal(1)))])
    ctes = f"""{POLICY_CTE},
fac (pct, comp, n, factor) AS ({fac}),
cadre AS (SELECT * FROM {CADRE}),
cadre_ids AS (SELECT person_id FROM {CADRE})"""
    basic = f"""
SELECT c.person_id, c.region_id, c.post, 'basic' AS rule, 1 AS seq,
       {d.obj(post='c.post', principal='c.principal', principal_amount=d.text('c.principal_amount'),
              share=d.text('c.share'), terms='c.reelected', compounds='pol.raise_compounds',
              factor=d.text('f.factor'), months='%(months)s', **{"raise": d.text('pol.raise_percent')})} AS figures,
       {d.round2(d.div(d.mul('c.principal_amount', 'c.share', 'f.factor', '%(months)s'), d.decimal(HUNDRED)))}
         AS amount
FROM cadre c JOIN pol ON pol.id = c.policy_id
JOIN fac f ON f.pct = pol.raise_percent AND f.comp = pol.raise_compounds AND f.n = c.reelected"""
    subsidy = f"""
SELECT c.person_id, c.region_id, c.post, 'subsidy', 4,
       {d.obj(level='s.level', monthly=d.text('s.monthly_amount'), months='%(months)s')},
       {d.round2(d.mul('s.monthly_amount', '%(months)s'))}
FROM cadre c JOIN ({subsidy_sql}) s ON s.person_id = c.person_id
WHERE s.monthly_amount > 0"""
    reward = f"""
SELECT c.person_id, c.region_id, c.post, 'reward', 5,
       {d.obj(reason='w.reason', year='w.year', month='w.month', reward_id='w.id')},
       {d.round2('w.amount')}
FROM cadre c JOIN pay_reward w ON w.person_id = c.person_id
WHERE w.year = %(year)s AND (%(month)s = 0 OR w.month = %(month)s)"""
    parts = [basic, subsidy, reward]
    if annual:
        # Fenced (MATERIALIZED): the rate is looked up by policy and grade together, after the people are matched,
        # never a grade joined to every policy's rate first.
        ctes += f""",
graded AS MATERIALIZED (
  SELECT c.person_id, c.region_id, c.post, c.policy_id, g.grade
  FROM cadre c JOIN {GRADES} g ON g.person_id = c.person_id),
earned AS MATERIALIZED (
  SELECT r.person_id, c.region_id AS cadre_region, c.post, g.grade, pl.*
  FROM {RUNNERS} r JOIN {POOLS} pl ON pl.region_id = r.region_id
  JOIN cadre c ON c.person_id = r.person_id
  JOIN {GRADES} g ON g.person_id = r.person_id)"""
        parts.insert(1, f"""
SELECT g.person_id, g.region_id, g.post, 'performance', 2,
       {d.obj(grade='g.grade', year='%(year)s', amount=d.text('pr.value'))},
       {d.round2('pr.value')}
FROM graded g
JOIN pay_policyrate pr ON pr.policy_id = g.policy_id AND pr.kind = 'performance' AND pr.key = g.grade""")
        parts.insert(2, f"""
SELECT pl.person_id, pl.cadre_region, pl.post, 'incentive', 3,
       {d.obj(village='pl.region_id', net=d.text('pl.net'), threshold=d.text('pl.incentive_threshold'),
              share=d.text('pl.incentive_share'), cap=d.text('pl.incentive_cap'), pool=d.text('pl.pool'),
              cadres='pl.cadres', grade='pl.grade', grade_percent=d.text('ir.value'))},
       {d.round2(d.div(d.mul('pl.pool', 'ir.value'), d.mul(d.decimal(HUNDRED), 'pl.cadres')))}
FROM earned pl
JOIN pay_policyrate ir ON ir.policy_id = pl.policy_id AND ir.kind = 'incentive' AND ir.key = pl.grade""")
    return "WITH" + ctes + "\n" + "\nUNION ALL".join(parts)
