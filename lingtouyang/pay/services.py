"""The write path of pay: policy versions, one-off rewards, payroll runs. Validate, write, audit, in one
transaction; a refusal leaves nothing written."""

from __future__ import annotations

import calendar
import zlib
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lingtouyang.assessments.models import Grade
from lingtouyang.audit.services import audit_record
from lingtouyang.core.scope import code_bounds
from lingtouyang.core.workflow import require_in_scope
from lingtouyang.pay import engine
from lingtouyang.pay.models import PayPolicy, PayrollRun, PolicyRate, RateKind, Reward, RunState
from lingtouyang.people.models import Appointment, Person
from lingtouyang.regions.models import Level as RegionLevel
from lingtouyang.regions.models import Region
from lingtouyang.socialwork.policy import subsidy_sql

POLICY_CAPABILITY = "manage_pay_policy"
RUN_CAPABILITY = "run_payroll"
MAX_AMOUNT = Decimal("10000000")
FIRST_YEAR = 2000

# What a policy version must give, and the defaults a form offers (the county changes them).
RATE_KEYS: dict[str, list[str]] = {
    RateKind.BASIC: engine.PRINCIPAL_POSTS,
    RateKind.PERFORMANCE: list(Grade.values),
    RateKind.INCENTIVE: list(Grade.values),
}


def _decimal(value: Any, field: str, *, maximum: Decimal = MAX_AMOUNT) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValidationError({field: _("not a number")}) from exc
    if not amount.is_finite():
        raise ValidationError({field: _("not a number")})
    if amount < 0:
        raise ValidationError({field: _("cannot be negative")})
    if amount > maximum:
        raise ValidationError({field: _("at most %(max)s") % {"max": f"{maximum:,}"}})
    if amount != amount.quantize(engine.CENT):
        raise ValidationError({field: _("at most two decimal places")})
    return amount


def policy_version_add(*, acting_user: Any, county: Region, effective_from: date, effective_to: date | None = None,
                       deputy_share: Any = 85, raise_percent: Any = 5, raise_compounds: bool = True,
                       incentive_threshold: Any = 50000, incentive_share: Any = 10, incentive_cap: Any = 100000,
                       rates: Mapping[str, Mapping[str, Any]], note: str = "") -> PayPolicy:
    """A new version of a county's pay policy. Versions of a county never overlap: one that would is refused,
    except that a version still open-ended and begun earlier is closed the day before the new one starts (its
    figures are untouched, and runs already made keep their own copy)."""
    require_in_scope(acting_user, POLICY_CAPABILITY, county.code)
    if county.level != RegionLevel.COUNTY:
        raise ValidationError({"county": _("a pay policy belongs to a county")})
    if effective_to is not None and effective_to < effective_from:
        raise ValidationError({"effective_to": _("the end comes before the start")})
    values = {
        "deputy_share": _decimal(deputy_share, "deputy_share", maximum=Decimal(100)),
        "raise_percent": _decimal(raise_percent, "raise_percent", maximum=Decimal(100)),
        "incentive_threshold": _decimal(incentive_threshold, "incentive_threshold"),
        "incentive_share": _decimal(incentive_share, "incentive_share", maximum=Decimal(100)),
        "incentive_cap": _decimal(incentive_cap, "incentive_cap"),
    }
    checked: list[tuple[str, str, Decimal]] = []
    for kind, keys in RATE_KEYS.items():
        given = rates.get(kind, {})
        if set(given) != set(keys):
            raise ValidationError(_("give a figure for every post and grade"))
        limit = Decimal(100) if kind == RateKind.INCENTIVE else MAX_AMOUNT
        checked += [(kind, key, _decimal(given[key], f"{kind}_{key}", maximum=limit)) for key in keys]
    incentive = {key: v for kind, key, v in checked if kind == RateKind.INCENTIVE}
    ranked = sorted(Grade.values, key=lambda g: engine_grade_rank(g))
    if any(incentive[a] > incentive[b] for a, b in zip(ranked, ranked[1:], strict=False)):
        raise ValidationError(_("a lower grade cannot get a larger share of the incentive than a higher one"))
    note = note.strip()
    if len(note) > 200:
        raise ValidationError({"note": _("at most %(n)d characters") % {"n": 200}})
    with transaction.atomic():
        Region.objects.select_for_update().only("code").get(pk=county.code)
        versions = list(PayPolicy.objects.filter(region=county).order_by("effective_from"))
        closed: PayPolicy | None = None
        for v in versions:
            ends_after = v.effective_to is None or v.effective_to >= effective_from
            starts_before = effective_to is None or v.effective_from <= effective_to
            if not (ends_after and starts_before):
                continue
            if v.effective_to is None and v.effective_from < effective_from and closed is None:
                closed = v
                continue
            raise ValidationError({"effective_from": _(
                "overlaps the version in force from %(start)s to %(end)s") % {
                "start": f"{v.effective_from:%Y-%m-%d}",
                "end": f"{v.effective_to:%Y-%m-%d}" if v.effective_to else _("open end")}})
        if closed is not None:
            later = [v for v in versions if v.effective_from > closed.effective_from]
            if later:  # an open-ended version with later ones cannot exist; refuse rather than guess
                raise ValidationError({"effective_from": _("overlaps an existing version")})
            end = date.fromordinal(effective_from.toordinal() - 1)
            PayPolicy.objects.filter(pk=closed.pk).update(effective_to=end)
            audit_record("pay.policy_close", obj=closed, region_code=county.code, user=acting_user,
                         changes={"effective_to": [None, str(end)]})
        policy = PayPolicy.objects.create(region=county, effective_from=effective_from, effective_to=effective_to,
                                          raise_compounds=bool(raise_compounds), note=note, created_by=acting_user,
                                          **values)
        PolicyRate.objects.bulk_create([PolicyRate(policy=policy, kind=kind, key=key, value=value)
                                        for kind, key, value in checked])
        audit_record("pay.policy_add", obj=policy, region_code=county.code, user=acting_user,
                     changes={"effective_from": str(effective_from), "effective_to": str(effective_to or ""),
                              "raise_compounds": bool(raise_compounds),
                              **{k: [None, str(v)] for k, v in values.items()},
                              "rates": [None, {f"{k}:{key}": str(v) for k, key, v in checked}]})
    return policy


def engine_grade_rank(grade: str) -> int:
    from lingtouyang.assessments.models import GRADE_RANK

    return GRADE_RANK[Grade(grade)]


def reward_add(*, acting_user: Any, person: Person, year: int, month: int, amount: Any, reason: str) -> Reward:
    """A one-off reward for a cadre holding a post, paid with the period's payroll."""
    require_in_scope(acting_user, RUN_CAPABILITY, person.region_id)
    errors: dict[str, list[str]] = {}
    if not FIRST_YEAR <= year <= timezone.localdate().year + 1:
        errors["year"] = [_("not a year the payroll covers")]
    if not 1 <= month <= 12:
        errors["month"] = [_("a month is 1 to 12")]
    reason = reason.strip()
    if not reason or len(reason) > 200:
        errors["reason"] = [_("give a reason of at most 200 characters")]
    if errors:
        raise ValidationError(errors)
    value = _decimal(amount, "amount")
    if value == 0:
        raise ValidationError({"amount": _("a reward is more than 0")})
    with transaction.atomic():
        reward = Reward.objects.create(person=person, region_id=person.region_id, year=year, month=month,
                                       amount=value, reason=reason, created_by=acting_user)
        audit_record("pay.reward_add", obj=reward, region_code=person.region_id, user=acting_user,
                     changes={"person": person.pk, "period": f"{year}-{month:02d}", "amount": str(value),
                              "reason": reason})
    return reward


# --- the payroll run ----------------------------------------------------------------------------------


def reference_date(year: int, month: int) -> date:
    """The day a run looks at posts, certificates and rates: the last day of its year or month."""
    if month == 0:
        return date(year, 12, 31)
    return date(year, month, calendar.monthrange(year, month)[1])


def _counties(region: Region) -> tuple[str, str]:
    prefix = region.code[: {1: 2, 2: 4}.get(region.level, 6)]
    return (prefix.ljust(12, "0"), prefix.ljust(12, "0")) if len(prefix) == 6 else code_bounds(prefix)


def lock_key(region: Region, year: int, month: int) -> list[int]:
    """The advisory lock's two int4 keys: pay's namespace and the region and period."""
    return [0x7061, zlib.crc32(f"pay:{region.code}:{year}:{month}".encode()) - 2**31]


def _lock(region: Region, year: int, month: int) -> None:
    """A second run of the same region and period while one runs is refused at once (PostgreSQL: a
    transaction-level advisory lock; SQLite writes one transaction at a time anyway)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", lock_key(region, year, month))
        if not cursor.fetchone()[0]:
            raise ValidationError(_("a payroll of %(region)s for %(period)s is running now; wait for it to finish")
                                  % {"region": region.short_name, "period": f"{year}-{month:02d}" if month else year})


def _policy_snapshot(clow: str, chigh: str, on: date) -> list[dict[str, Any]]:
    policies = list(PayPolicy.objects.filter(region_id__gte=clow, region_id__lte=chigh, effective_from__lte=on)
                    .exclude(effective_to__lt=on).prefetch_related("rates").order_by("region_id"))
    return [{"id": p.pk, "county": p.region_id, "effective_from": str(p.effective_from),
             "effective_to": str(p.effective_to or ""), "deputy_share": str(p.deputy_share),
             "raise_percent": str(p.raise_percent), "raise_compounds": p.raise_compounds,
             "incentive_threshold": str(p.incentive_threshold), "incentive_share": str(p.incentive_share),
             "incentive_cap": str(p.incentive_cap),
             "rates": {f"{r.kind}:{r.key}": str(r.value) for r in p.rates.all()}} for p in policies]


def _counties_without_policy(region: Region, covered: set[str], on: date) -> list[Region]:
    """Counties of the region with someone in post on the day but no policy in force."""
    clow, chigh = _counties(region)
    low, high = code_bounds(region.code[: {1: 2, 2: 4, 3: 6, 4: 9}.get(region.level, 12)])
    missing = []
    for county in Region.objects.filter(level=RegionLevel.COUNTY, code__gte=clow, code__lte=chigh).order_by("code"):
        if county.code in covered:
            continue
        c_low, c_high = code_bounds(county.code[:6])
        if Appointment.objects.filter(region_id__gte=max(low, c_low), region_id__lte=min(high, c_high)).current(
                on).exists():
            missing.append(county)
    return missing


def payroll_run(*, acting_user: Any, region: Region, year: int, month: int = 0) -> PayrollRun:
    """Runs the payroll of a region for a year (month 0) or a month: one slip per cadre with its lines, all
    in one transaction, set-based (a few INSERT … SELECT whatever the number of cadres). Running again with
    the same inputs makes a new run with the same figures; a finished run is never changed."""
    require_in_scope(acting_user, RUN_CAPABILITY, region.code)
    if region.level == RegionLevel.PROVINCE and acting_user is not None and not acting_user.is_superuser:
        raise ValidationError(_("this is outside your jurisdiction"))
    if not FIRST_YEAR <= year <= timezone.localdate().year + 1:
        raise ValidationError({"year": _("not a year the payroll covers")})
    if not 0 <= month <= 12:
        raise ValidationError({"month": _("a month is 1 to 12, or none for the whole year")})
    ref = reference_date(year, month)
    clow, chigh = _counties(region)
    prefix = region.code[: {1: 2, 2: 4, 3: 6, 4: 9}.get(region.level, 12)]
    low, high = code_bounds(prefix)
    with transaction.atomic():
        _lock(region, year, month)
        snapshot = _policy_snapshot(clow, chigh, ref)
        if missing := _counties_without_policy(region, {p["county"] for p in snapshot}, ref):
            raise ValidationError(_("no pay policy in force on %(day)s for %(counties)s") % {
                "day": f"{ref:%Y-%m-%d}", "counties": "、".join(c.short_name for c in missing[:10])})
        try:
            with transaction.atomic():
                run = PayrollRun.objects.create(region=region, year=year, month=month, reference_date=ref,
                                                policies=snapshot, started_at=timezone.now(), created_by=acting_user)
        except IntegrityError as exc:
            raise ValidationError(_("a payroll of %(region)s for this period is running now; wait for it to finish")
                                  % {"region": region.short_name}) from exc
        d = engine.dialect_for(connection)
        factors = engine.factor_rows((Decimal(p["raise_percent"]), p["raise_compounds"]) for p in snapshot)
        select = engine.lines_sql(d, annual=month == 0, factors=factors,
                                  subsidy_sql=f"SELECT person_id, level, monthly_amount FROM {SUBSIDY}")  # noqa: S608
        params = {"low": low, "high": high, "clow": clow, "chigh": chigh, "ref": ref, "year": year,
                  "month": month, "months": 12 if month == 0 else 1}
        try:
            counts = _write(run.pk, d, select, params)
        except DatabaseError as exc:  # e.g. a figure beyond the columns' size: nothing is kept
            raise ValidationError(_("the payroll could not be computed: %(error)s") % {"error": exc}) from exc
        run.slips, run.lines, run.total = counts
        run.state, run.finished_at = RunState.FINISHED, timezone.now()
        run.save(update_fields=["slips", "lines", "total", "state", "finished_at"])
        audit_record("pay.run", obj=run, region_code=region.code, user=acting_user,
                     changes={"period": run.period, "slips": run.slips, "lines": run.lines, "total": str(run.total),
                              "policies": [p["id"] for p in snapshot]})
    return run


CERTIFIED, SUBSIDY = "pay_certified", "pay_subsidy"


def _write(run_id: int, d: engine.Dialect, select: str, params: dict[str, Any]) -> tuple[int, int, Decimal]:
    """The paid posts, the cadres with their terms and the lines into scratch tables (each analysed for the next
    statement's plan), then the slips (totals = Σ lines) and the lines, each one INSERT … SELECT."""
    temp = "pay_work"
    # The subsidies are steps of their own (each analysed: the few cadres with a social-work registration, then
    # their subsidies), not a subquery of the lines, whose misestimate made PostgreSQL loop over every cadre once
    # per subsidy (11 s of 四川's 18 s); their duty posts are then looked up for them alone.
    certified = (f"SELECT c.person_id FROM {engine.CADRE} c "  # noqa: S608 - fixed names
                 "WHERE c.person_id IN (SELECT g.person_id FROM socialwork_registration g)")
    steps = [(engine.PAID, engine.paid_sql(d)), (engine.CADRE, engine.cadre_sql()),
             *(engine.annual_sql(d) if params["month"] == 0 else []), (CERTIFIED, certified),
             (SUBSIDY, subsidy_sql(f"SELECT person_id FROM {CERTIFIED}", "ref")),  # noqa: S608
             (temp, select)]
    with connection.cursor() as cursor:
        if d.pg:
            # The steps sort and hash a region's cadres (a province: a few hundred thousand rows): in memory rather
            # than spilled to disk with the server's small default, for this transaction only.
            cursor.execute("SET LOCAL work_mem = '256MB'")
        for table, sql in steps:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            on_commit = " ON COMMIT DROP" if d.pg else ""
            cursor.execute(f"CREATE TEMP TABLE {table}{on_commit} AS {sql}", params)  # noqa: S608 - engine SQL
            if d.pg and table != temp:  # the lines are read once, grouped and joined by person: no plan to choose
                cursor.execute(f"ANALYZE {table}")
        slip_rows = f"""
            SELECT person_id, max(CASE WHEN rule = 'basic' THEN region_id END) AS region_id,
                   max(CASE WHEN rule = 'basic' THEN post END) AS post, {d.sum('amount')} AS total
            FROM {temp} GROUP BY person_id"""  # noqa: S608 - engine SQL
        if d.pg:
            # One statement: the slips' ids come back from their INSERT (RETURNING) and the lines join them there,
            # instead of reading the slips back from pay_slip.
            cursor.execute(f"""
                WITH s AS (INSERT INTO pay_slip (run_id, person_id, region_id, post, total)
                           SELECT %s, person_id, region_id, post, total FROM ({slip_rows}) x ORDER BY region_id, person_id
                           RETURNING id, person_id)
                INSERT INTO pay_line (slip_id, rule, figures, amount)
                SELECT s.id, w.rule, w.figures, w.amount FROM {temp} w JOIN s ON s.person_id = w.person_id
                ORDER BY s.id, w.seq""", [run_id])  # noqa: S608
        else:
            cursor.execute(f"""
                INSERT INTO pay_slip (run_id, person_id, region_id, post, total)
                SELECT %s, person_id, region_id, post, total FROM ({slip_rows}) x
                ORDER BY region_id, person_id""", [run_id])  # noqa: S608
            cursor.execute(f"""
                INSERT INTO pay_line (slip_id, rule, figures, amount)
                SELECT s.id, w.rule, w.figures, w.amount
                FROM {temp} w JOIN pay_slip s ON s.run_id = %s AND s.person_id = w.person_id
                ORDER BY s.id, w.seq""", [run_id])  # noqa: S608
        cursor.execute(f"SELECT count(*), {d.sum('total')} FROM pay_slip WHERE run_id = %s", [run_id])  # noqa: S608
        slips, total = cursor.fetchone()
        cursor.execute(f"SELECT count(*) FROM {temp}")  # noqa: S608
        lines = cursor.fetchone()[0]
        for table, _sql in reversed(steps):
            cursor.execute(f"DROP TABLE {table}")
    return slips, lines, Decimal(str(total or 0)).quantize(engine.CENT)
