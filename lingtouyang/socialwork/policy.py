"""The monthly post subsidy for certified social workers (社会工作师岗位补贴): the one engine the pay module
calls. A person gets their county's amount for their highest certified level when, on the day, they
hold a certificate dated on or before it AND are on duty: a current post on the two committees (party
organisation, villagers' or residents' committee; not the supervision committee). The amount is the
county's rate for that level in the version in force on the day (latest `effective_from` ≤ day).
Anything else is 0. Three queries for any number of people."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from lingtouyang.people.codes import Post
from lingtouyang.people.models import Appointment, Person
from lingtouyang.socialwork.models import LEVEL_RANK, Level, Registration, SubsidyRate

ZERO = Decimal("0")
# On duty: the two committees' posts.
DUTY_POSTS = [p for p in Post.values if p not in (Post.SUPERVISION_CHAIR, Post.SUPERVISION_MEMBER)]
CHUNK = 2_000  # ids per IN (...) list: well below SQLite's bound on parameters


def county_of(code: str) -> str:
    return code[:6].ljust(12, "0")


def rate_in_force(rates: Iterable[tuple[date, str, Decimal]], level: str, on: date) -> Decimal | None:
    """Pure rule: of (effective_from, level, amount) rows, the amount for `level` with the latest
    effective_from on or before `on`; None when no row is in force yet."""
    best: tuple[date, Decimal] | None = None
    for effective_from, row_level, amount in rates:
        if row_level == level and effective_from <= on and (best is None or effective_from >= best[0]):
            best = (effective_from, amount)
    return best[1] if best else None


def highest_level(levels: Iterable[str]) -> str | None:
    ranked = [lv for lv in levels if lv in LEVEL_RANK]
    return max(ranked, key=lambda lv: LEVEL_RANK[Level(lv)]) if ranked else None


def subsidy_for(levels: Iterable[str], duty_county: str | None, rates: Sequence[tuple[date, str, Decimal]],
                on: date) -> Decimal:
    """Pure rule for one person: certified levels held on the day, the county of their post (None: off duty),
    and that county's rates."""
    level = highest_level(levels)
    if level is None or duty_county is None:
        return ZERO
    amount = rate_in_force(rates, level, on)
    return amount if amount is not None else ZERO


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def monthly_subsidies(person_ids: Iterable[int], on: date) -> dict[int, Decimal]:
    """The monthly subsidy of each person on `on` (every id given is a key; 0 when none is due)."""
    ids = sorted(set(person_ids))
    result = dict.fromkeys(ids, ZERO)
    levels: dict[int, set[str]] = {}
    duty: dict[int, str] = {}
    for chunk in _chunks(ids):
        for pid, level in (Registration.objects.certified()
                           .filter(person_id__in=chunk, certificate_date__lte=on)
                           .values_list("person_id", "level").distinct()):
            levels.setdefault(pid, set()).add(level)
        certified = [pid for pid in chunk if pid in levels]
        if not certified:
            continue
        for pid, region in (Appointment.objects.filter(person_id__in=certified, post__in=DUTY_POSTS)
                            .current(on).values_list("person_id", "region_id").distinct()):
            duty[pid] = county_of(region)
    counties = sorted(set(duty.values()))
    by_county: dict[str, list[tuple[date, str, Decimal]]] = {}
    if counties:
        for county, effective_from, level, amount in (
                SubsidyRate.objects.filter(region_id__in=counties, effective_from__lte=on)
                .values_list("region_id", "effective_from", "level", "monthly_amount")):
            by_county.setdefault(county, []).append((effective_from, level, amount))
    for pid, county in duty.items():
        result[pid] = subsidy_for(levels.get(pid, ()), county, by_county.get(county, []), on)
    return result


def monthly_subsidy(person: Person | int, on: date) -> Decimal:
    """The monthly subsidy due to one person on `on`; Decimal("0") when none is."""
    pid = person if isinstance(person, int) else person.pk
    return monthly_subsidies([pid], on)[pid]


def policy_in_force(county_code: str, on: date) -> dict[str, tuple[Decimal, date]]:
    """Level → (amount, effective from) of a county's rates in force on a day."""
    rows = list(SubsidyRate.objects.filter(region_id=county_code, effective_from__lte=on)
                .values_list("effective_from", "level", "monthly_amount"))
    found: dict[str, tuple[Decimal, date]] = {}
    for effective_from, level, amount in sorted(rows):
        found[level] = (amount, effective_from)
    return found


def subsidy_sql(people_sql: str, on_param: str = "on") -> str:
    """The same rule as `monthly_subsidies`, set-based: a SELECT of (person_id, level, monthly_amount) for the
    people `people_sql` selects (a query or CTE of `person_id`), on the day bound to `%(<on_param>)s`. Only
    people with a subsidy due appear. The payroll embeds it; tests check it against `monthly_subsidies`."""
    on = f"%({on_param})s"
    ranks = " ".join(f"WHEN '{level}' THEN {rank}" for level, rank in LEVEL_RANK.items())
    levels = " ".join(f"WHEN {rank} THEN '{level}'" for level, rank in LEVEL_RANK.items())
    duty = ", ".join(f"'{p}'" for p in DUTY_POSTS)
    return f"""
SELECT c.person_id, c.level, r.monthly_amount
FROM (SELECT g.person_id, CASE max(CASE g.level {ranks} END) {levels} END AS level
      FROM socialwork_registration g JOIN ({people_sql}) w ON w.person_id = g.person_id
      WHERE g.result = 'passed' AND g.certificate_no <> '' AND g.certificate_date <= {on}
      GROUP BY g.person_id) c
JOIN (SELECT a.person_id, min(substr(a.region_id, 1, 6)) || '000000' AS county
      FROM people_appointment a JOIN ({people_sql}) w ON w.person_id = a.person_id
      WHERE a.post IN ({duty}) AND a.start_date <= {on} AND (a.end_date IS NULL OR a.end_date > {on})
      GROUP BY a.person_id) d ON d.person_id = c.person_id
JOIN socialwork_subsidyrate r ON r.region_id = d.county AND r.level = c.level
 AND r.effective_from = (SELECT max(r2.effective_from) FROM socialwork_subsidyrate r2
                         WHERE r2.region_id = d.county AND r2.level = c.level AND r2.effective_from <= {on})"""  # noqa: S608 - fixed names


__all__ = ["monthly_subsidies", "monthly_subsidy", "policy_in_force", "rate_in_force", "subsidy_for", "subsidy_sql"]
