"""The ranking rule, alone: properties over any set of applicants, and worked examples."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from lingtouyang.recruitment.ranking import Entry, invited, rank, total

scores = st.one_of(st.none(), st.integers(min_value=0, max_value=10000).map(lambda n: Decimal(n) / 100),
                   st.sampled_from([Decimal(80), Decimal(90)]))  # repeated values make ties likely


@st.composite
def applicants(draw: st.DrawFn) -> tuple[list[Entry], dict[int, int], int]:
    n = draw(st.integers(min_value=0, max_value=25))
    entries = [Entry(id=i + 1, post_id=draw(st.sampled_from([1, 2, 3])), eligible=draw(st.booleans()),
                     written=draw(scores), interview=draw(scores),
                     submitted_on=date(2026, 3, 1) + timedelta(days=draw(st.integers(0, 3)))) for i in range(n)]
    places = {p: draw(st.integers(min_value=0, max_value=4)) for p in (1, 2, 3)}
    weight = draw(st.sampled_from([0, 30, 40, 50, 60, 100]))
    return entries, places, weight


def _sort_key(e: Entry, w: int) -> tuple:
    """The rule restated independently: total, then written, then date, then id."""
    t = (e.written * w + e.interview * (100 - w)) / 100
    return (-t, -e.written, e.submitted_on, e.id)


@given(applicants())
def test_only_eligible_applicants_with_both_scores_are_ranked(case: tuple) -> None:
    entries, places, w = case
    ranked = rank(entries, places, w, 100 - w)
    ids = {r.entry.id for rows in ranked.values() for r in rows}
    assert ids == {e.id for e in entries if e.eligible and e.written is not None and e.interview is not None}


@given(applicants())
def test_order_follows_totals_and_the_tie_break(case: tuple) -> None:
    entries, places, w = case
    for post_id, rows in rank(entries, places, w, 100 - w).items():
        assert all(r.entry.post_id == post_id for r in rows)
        assert [r.rank for r in rows] == list(range(1, len(rows) + 1))
        totals = [r.total for r in rows]
        assert totals == sorted(totals, reverse=True)
        assert [r.entry.id for r in rows] == [e.id for e in sorted((r.entry for r in rows),
                                                                      key=lambda e: _sort_key(e, w))]
        for a, b in zip(rows, rows[1:], strict=False):
            if a.total == b.total:
                assert a.entry.written >= b.entry.written


@given(applicants())
def test_places_are_filled_at_most_and_by_the_best(case: tuple) -> None:
    entries, places, w = case
    for post_id, rows in rank(entries, places, w, 100 - w).items():
        proposed = [r for r in rows if r.proposed]
        assert len(proposed) == min(places[post_id], len(rows))
        assert proposed == rows[:len(proposed)]


@given(applicants())
def test_the_result_does_not_depend_on_input_order(case: tuple) -> None:
    entries, places, w = case
    assert rank(list(reversed(entries)), places, w, 100 - w) == rank(entries, places, w, 100 - w)


@given(applicants(), st.integers(min_value=1, max_value=3))
def test_interview_invitations(case: tuple, ratio: int) -> None:
    entries, places, _w = case
    chosen = invited(entries, places, ratio)
    for post_id in (1, 2, 3):
        pool = [e for e in entries if e.post_id == post_id and e.eligible and e.written is not None]
        mine = [e for e in pool if e.id in chosen]
        assert len(mine) == min(len(pool), ratio * places[post_id])
        if mine and len(mine) < len(pool):
            assert min(e.written for e in mine) >= max(e.written for e in pool if e.id not in chosen)
    assert invited(entries, places, None) == {e.id for e in entries if e.eligible and e.written is not None}


def test_a_worked_example() -> None:
    d = date(2026, 3, 1)
    entries = [
        Entry(1, 1, True, Decimal("80"), Decimal("90"), d),  # 40/60: 32 + 54 = 86
        Entry(2, 1, True, Decimal("90"), Decimal("83.33"), d),  # 36 + 49.998 = 85.998
        Entry(3, 1, True, Decimal("85"), Decimal("86.67"), d + timedelta(days=1)),  # 34 + 52.002 = 86.002
        Entry(4, 1, True, Decimal("95"), Decimal("79.67"), d),  # 38 + 47.802 = 85.802
        Entry(5, 1, False, Decimal("99"), Decimal("99"), d),  # ineligible
        Entry(6, 1, True, Decimal("80"), Decimal("90"), d - timedelta(days=1)),  # ties with 1, applied earlier
    ]
    rows = rank(entries, {1: 2}, 40, 60)[1]
    assert [(r.entry.id, r.total, r.proposed) for r in rows] == [
        (3, Decimal("86.002"), True), (6, Decimal("86"), True), (1, Decimal("86"), False),
        (2, Decimal("85.998"), False), (4, Decimal("85.802"), False)]
    assert total(Decimal("80"), Decimal("90"), 40, 60) == Decimal("86")
