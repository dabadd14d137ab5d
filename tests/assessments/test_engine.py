"""The grading engine: exact weighting, bands and the cap, as properties."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lingtouyang.assessments import engine
from lingtouyang.assessments.models import GRADE_RANK, Grade

points = st.integers(min_value=0, max_value=10_000)
kinds = ["regular", "special", "annual"]
weights = st.tuples(st.integers(0, 100), st.integers(0, 100)).filter(lambda t: t[0] + t[1] <= 100).map(
    lambda t: {"regular": t[0], "special": t[1], "annual": 100 - t[0] - t[1]})
scores = st.fixed_dictionaries({k: st.lists(points, min_size=1, max_size=6) for k in kinds})


@given(scores, weights)
def test_integer_formula_equals_decimal_means_rounded_half_up(s: dict, w: dict) -> None:
    assert engine.weighted_points(s, w) == engine.exact_weighted(s, w)


@given(scores, weights)
def test_weighted_score_stays_within_the_scores(s: dict, w: dict) -> None:
    used = [p for k, v in s.items() if w[k] for p in v]
    assert min(used) <= engine.weighted_points(s, w) <= max(used)


@given(st.lists(points, min_size=1, max_size=6), weights)
def test_equal_scores_give_that_score(same: list, w: dict) -> None:
    value = same[0]
    assert engine.weighted_points({k: [value] * len(same) for k in kinds}, w) == value


@given(points, points, st.tuples(points, points, points).map(sorted))
def test_grades_are_monotonic(a: int, b: int, bands: list) -> None:
    exc, comp, basic = bands[2], bands[1], bands[0]
    low, high = sorted([a, b])
    assert GRADE_RANK[engine.grade_for(low, (exc, comp, basic))] <= GRADE_RANK[engine.grade_for(high, (exc, comp, basic))]


def test_band_bounds_are_inclusive() -> None:
    bands = (9000, 7500, 6000)
    assert engine.grade_for(9000, bands) == Grade.EXCELLENT
    assert engine.grade_for(8999, bands) == Grade.COMPETENT
    assert engine.grade_for(6000, bands) == Grade.BASIC
    assert engine.grade_for(5999, bands) == Grade.INCOMPETENT


@given(st.integers(0, 5000), st.integers(0, 100))
def test_the_cap_never_exceeds_its_share(assessed: int, cap: int) -> None:
    allowed = engine.excellent_allowed(assessed, cap)
    assert allowed * 100 <= assessed * cap < (allowed + 1) * 100


@given(st.integers(0, 500), st.integers(0, 100), st.integers(0, 500), st.integers(0, 500))
def test_breach_is_excess_without_override(assessed: int, cap: int, excellent: int, overridden: int) -> None:
    overridden = min(overridden, excellent)
    over = engine.quota_breached(assessed, cap, excellent, overridden)
    assert over >= 0
    assert (over == 0) == (excellent - overridden <= engine.excellent_allowed(assessed, cap))


@pytest.mark.parametrize("raw", ["101", "-1", "abc", "87.555", "", None, True, "nan", "1e3"])
def test_bad_scores_are_refused(raw: object) -> None:
    with pytest.raises(engine.BadScore):
        engine.to_points(raw)


@pytest.mark.parametrize(("raw", "want"), [("87.5", 8750), (87.5, 8750), (100, 10000), ("0", 0), (Decimal("93.25"), 9325),
                                          (" 60 ", 6000), (88.1, 8810)])
def test_scores_as_typed(raw: object, want: int) -> None:
    assert engine.to_points(raw) == want


def test_half_up_rounding_example() -> None:
    # 30 × (85.01 + 85.00)/2 + 20 × 80 + 50 × 90 over 100 = 25.5015 + 16 + 45 = 86.5015 → 86.50
    s = {"regular": [8501, 8500], "special": [8000], "annual": [9000]}
    assert engine.weighted_points(s, {"regular": 30, "special": 20, "annual": 50}) == 8650
