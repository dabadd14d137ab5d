"""Compliance (公开及时性): which villages are overdue for which items on a day.

The due periods are few (the items in force × their periods due in the look-back window, about a hundred),
built in Python from the catalogue's due rules (periods.py). The villages are many, so the rest is one SQL
statement: the region's villages × the due periods that apply to them (a county's own items only below that
county), minus those with a published disclosure of that item and period (NOT EXISTS on the
(village, item, period) index), then grouped or paginated. The same statement serves a village or the city."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import connection

from lingtouyang.core.scope import code_bounds
from lingtouyang.disclosure import periods
from lingtouyang.disclosure.models import CatalogueItem, Disclosure, Frequency
from lingtouyang.disclosure.services import region_prefix
from lingtouyang.regions.models import Region


@dataclass(frozen=True)
class Due:
    item: CatalogueItem
    period: periods.Period
    due_date: date


@dataclass(frozen=True)
class Overdue:
    village: str
    village_name: str
    item_key: str
    item_code: str
    item_title: str
    period_label: str
    period_start: date
    due_date: date


def lookback_days() -> int:
    return int(getattr(settings, "LINGTOUYANG_DISCLOSURE_LOOKBACK_DAYS", 365))


def items_in_force(prefix: str, on: date) -> list[CatalogueItem]:
    """The latest version on `on` of every item that applies somewhere under `prefix` (the city's and the
    counties' own), retired ones left out."""
    rows = CatalogueItem.objects.filter(effective_from__lte=on).within_or_above(prefix).order_by(
        "region_code", "code", "-effective_from", "-version")
    latest: dict[str, CatalogueItem] = {}
    for item in rows:
        latest.setdefault(item.key, item)
    return sorted((i for i in latest.values() if not i.retired), key=lambda i: (i.sort_order, i.code))


def schedule(prefix: str, on: date) -> list[Due]:
    since = on - timedelta(days=lookback_days())
    return [Due(item, p, due) for item in items_in_force(prefix, on) if item.frequency != Frequency.ON_OCCURRENCE
            for p, due in periods.due_periods(item, since, on) if due < on]


def _statement(prefix: str, dues: list[Due]) -> tuple[str, str, list[Any]]:
    """The WITH clause and the FROM/WHERE of the overdue rows (aliases v: village, due: the period), and the
    parameters of both."""
    as_date = "CAST(%s AS DATE)" if connection.vendor == "postgresql" else "%s"
    values, params = [], []
    for n, d in enumerate(dues):
        low, high = code_bounds(region_prefix(d.item.region_code))
        values.append(f"(%s, %s, %s, %s, {as_date}, {as_date})")
        params += [n, d.item.key, low, high, d.period.start.isoformat(), d.due_date.isoformat()]
    low, high = code_bounds(prefix)
    region = Region._meta.db_table
    table = Disclosure._meta.db_table
    with_clause = f"WITH due(n, item_key, lo, hi, ps, due_date) AS (VALUES {', '.join(values)})"
    # Table names come from the models and every value is a parameter.
    rest = (f"FROM {region} v JOIN due ON v.code >= due.lo AND v.code <= due.hi "  # noqa: S608
           f"WHERE v.level = 5 AND v.code >= %s AND v.code <= %s AND NOT EXISTS ("
           f"SELECT 1 FROM {table} d WHERE d.region_id = v.code AND d.item_key = due.item_key "
           f"AND d.period_start = due.ps AND d.state = %s)")
    return with_clause, rest, [*params, low, high, Disclosure.State.PUBLISHED]


def _run(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


@dataclass
class Summary:
    on: date
    villages: int
    villages_overdue: int
    overdue: int
    by_item: list[dict[str, Any]]
    by_child: list[dict[str, Any]]


def summary(prefix: str, on: date) -> Summary:
    """Counts for the page and its chart: villages overdue, overdue (village, item, period)s, per item and per
    region one level down. Two grouped statements (and two small reads), whatever the region."""
    dues = schedule(prefix, on)
    low, high = code_bounds(prefix)
    villages = Region.objects.filter(level=5, code__gte=low, code__lte=high).count()
    if not dues:
        return Summary(on, villages, 0, 0, [], [])
    with_clause, rest, params = _statement(prefix, dues)
    child_len = next((n for n in sorted({4, 6, 9, 12}) if n > len(prefix)), 12)
    child = f"SUBSTR(v.code, 1, {child_len})"
    # Regions one level down partition the villages: the totals are sums of these two small groupings.
    cells = _run(f"{with_clause} SELECT {child}, due.n, COUNT(*) {rest} GROUP BY {child}, due.n", params)
    villages_by_child = dict(_run(f"{with_clause} SELECT {child}, COUNT(DISTINCT v.code) {rest} GROUP BY {child}",
                                  params))
    by_item: dict[str, dict[str, Any]] = {}
    per_child: dict[str, int] = {}
    for code, n, count in cells:
        d = dues[n]
        row = by_item.setdefault(d.item.key, {"key": d.item.key, "code": d.item.code, "title": d.item.title,
                                              "count": 0})
        row["count"] += count
        per_child[code] = per_child.get(code, 0) + count
    children = [(c, per_child[c], villages_by_child.get(c, 0)) for c in per_child]
    total, distinct = sum(per_child.values()), sum(villages_by_child.values())
    names = dict(Region.objects.filter(code__in=[c.ljust(12, "0") for c, _n, _v in children])
                 .values_list("code", "short_name"))
    by_child = [{"code": c.ljust(12, "0"), "name": names.get(c.ljust(12, "0"), c), "overdue": n, "villages": v}
                for c, n, v in sorted(children)]
    return Summary(on, villages, distinct, total, sorted(by_item.values(), key=lambda r: -r["count"]), by_child)


def overdue_rows(prefix: str, on: date, *, item_key: str = "", offset: int = 0,
                 limit: int | None = None) -> list[Overdue]:
    """The overdue (village, item, period)s under `prefix`, by village then due date; a page of them when
    `limit` is given."""
    dues = schedule(prefix, on)
    if item_key:
        dues = [d for d in dues if d.item.key == item_key]
    if not dues:
        return []
    with_clause, rest, params = _statement(prefix, dues)
    page = ""
    if limit is not None:
        page = " LIMIT %s OFFSET %s"
        params = [*params, limit, offset]
    rows = _run(f"{with_clause} SELECT v.code, v.short_name, due.n {rest} ORDER BY v.code, due.n{page}", params)
    out = []
    for code, name, n in rows:
        d = dues[n]
        out.append(Overdue(code, name, d.item.key, d.item.code, d.item.title, d.period.label, d.period.start,
                           d.due_date))
    return out


def overdue_for_village(code: str, on: date) -> list[Overdue]:
    return overdue_rows(code, on)
