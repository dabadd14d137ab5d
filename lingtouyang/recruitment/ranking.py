"""Ranking applicants for a campaign's posts: a pure function, so the rule can be stated and tested alone.

Rule: only eligible applicants with both scores are ranked, per post. Order: weighted total (higher
first), then the written score (higher first), then the earlier application date, then the earlier
application (lower id). The first `places` of a post are proposed for hire."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Entry:
    id: int
    post_id: int
    eligible: bool
    written: Decimal | None
    interview: Decimal | None
    submitted_on: date


@dataclass(frozen=True)
class Ranked:
    entry: Entry
    total: Decimal
    rank: int  # 1-based, within the post
    proposed: bool


def total(written: Decimal, interview: Decimal, written_weight: int, interview_weight: int) -> Decimal:
    """The weighted total, exact (weights are whole percentages)."""
    return (written * written_weight + interview * interview_weight) / Decimal(100)


def _key(entry: Entry, tot: Decimal) -> tuple[Decimal, Decimal, date, int]:
    assert entry.written is not None
    return (-tot, -entry.written, entry.submitted_on, entry.id)


def rank(entries: Iterable[Entry], places: Mapping[int, int], written_weight: int,
         interview_weight: int) -> dict[int, list[Ranked]]:
    """{post_id: ranked rows, best first}. Posts with no one to rank are absent."""
    by_post: dict[int, list[tuple[Entry, Decimal]]] = {}
    for e in entries:
        if e.eligible and e.written is not None and e.interview is not None:
            by_post.setdefault(e.post_id, []).append((e, total(e.written, e.interview, written_weight,
                                                               interview_weight)))
    result = {}
    for post_id, rows in by_post.items():
        rows.sort(key=lambda r: _key(*r))
        n = places.get(post_id, 0)
        result[post_id] = [Ranked(e, t, i, i <= n) for i, (e, t) in enumerate(rows, start=1)]
    return result


def invited(entries: Iterable[Entry], places: Mapping[int, int], ratio: int | None) -> set[int]:
    """Who is invited to the interview: with a ratio (1:ratio), the best ratio × places eligible applicants
    of each post by written score (ties: earlier application, then lower id); without one, every eligible
    applicant with a written score."""
    by_post: dict[int, list[Entry]] = {}
    for e in entries:
        if e.eligible and e.written is not None:
            by_post.setdefault(e.post_id, []).append(e)
    chosen: set[int] = set()
    for post_id, rows in by_post.items():
        rows.sort(key=lambda e: (-e.written, e.submitted_on, e.id))  # type: ignore[operator]
        limit = len(rows) if ratio is None else ratio * places.get(post_id, 0)
        chosen.update(e.id for e in rows[:limit])
    return chosen
