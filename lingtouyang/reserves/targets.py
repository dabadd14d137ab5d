"""Pool targets: policy as data, one small engine. For a village on a day, the rows in force are the
latest row of each prefix already effective; of those the most specific prefix the code starts with wins."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Case, IntegerField, Q, Value, When

from lingtouyang.reserves.models import POSTS_PER_VILLAGE, PoolTarget


def in_force(on: date, rows: Iterable[PoolTarget] | None = None) -> dict[str, int]:
    """{prefix: reserves per post} in force on a day."""
    found: dict[str, tuple[date, int]] = {}
    for row in rows if rows is not None else PoolTarget.objects.filter(effective_from__lte=on):
        if row.effective_from <= on and (row.prefix not in found or row.effective_from > found[row.prefix][0]):
            found[row.prefix] = (row.effective_from, row.per_post)
    return {prefix: per_post for prefix, (_day, per_post) in found.items()}


def rows_in_force(on: date, rows: Iterable[PoolTarget]) -> set[int]:
    """Ids of the rows in force on a day: each prefix's latest row already effective."""
    latest: dict[str, PoolTarget] = {}
    for row in rows:
        if row.effective_from <= on and (row.prefix not in latest or row.effective_from > latest[row.prefix].effective_from):
            latest[row.prefix] = row
    return {row.pk for row in latest.values()}


def per_post_for(code: str, targets: dict[str, int]) -> int:
    """The most specific prefix the code starts with; 0 if no row covers it."""
    best = max((p for p in targets if code.startswith(p)), key=len, default=None)
    return targets[best] if best is not None else 0


def target_for(code: str, on: date) -> int:
    return per_post_for(code, in_force(on)) * POSTS_PER_VILLAGE


def target_expression(targets: dict[str, int], field: str = "code") -> Case:
    """The same resolution in SQL, so a page can filter and paginate on it: longest prefix first."""
    whens = [When(Q(**{f"{field}__startswith": p}), then=Value(n * POSTS_PER_VILLAGE))
             for p, n in sorted(targets.items(), key=lambda item: -len(item[0]))]
    return Case(*whens, default=Value(0), output_field=IntegerField())
