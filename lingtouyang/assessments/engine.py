"""The grading engine: from component scores to a weighted score and a grade, and the cap on 优秀.

Scores are kept in hundredths (integers 0–10000). A kind's score is the mean of its components' scores;
the weighted score is Σ weight × mean / 100, rounded once, half up, to 0.01. All of it is integer
arithmetic: with L the least common multiple of the kinds' component counts, each score of kind k counts
`weight_k × L / n_k` times, and the sum N over D = 100 × L is the weighted score in hundredths, so that
(2N + D) // (2D) rounds half up exactly. `services.results_compute` runs the same formula in SQL (the
coefficients come from `coefficients`); these functions are the reference the tests compare it with."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from math import lcm

from lingtouyang.assessments.models import ComponentKind, Grade

MAX_POINTS = 10_000  # 100.00


class BadScore(ValueError):
    """A score that is not a number between 0 and 100 with at most two decimals."""


def to_points(raw: object) -> int:
    """A score as typed (text, number) in hundredths; BadScore if it is not 0–100 with ≤ 2 decimals."""
    if isinstance(raw, bool) or raw is None:
        raise BadScore
    if isinstance(raw, float):
        raw = repr(raw)  # the shortest text that reads back as this float: 87.5, not 87.5000000001
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation as exc:
        raise BadScore from exc
    if not value.is_finite() or value < 0 or value > 100 or value != value.quantize(Decimal("0.01")):
        raise BadScore
    return int(value * 100)


def points_text(points: int | None) -> str:
    return "" if points is None else f"{Decimal(points) / 100:.2f}"


def coefficients(counts: Mapping[str, int], weights: Mapping[str, int]) -> tuple[dict[str, int], int]:
    """(times each score of a kind counts, divisor D): the weighted score in hundredths is
    round_half_up(Σ coefficient × points / D). Kinds of weight 0 count 0; a weighted kind needs components."""
    used = {k: n for k, n in counts.items() if weights.get(k, 0) > 0}
    if any(n <= 0 for n in used.values()) or not used:
        raise ValueError("a weighted kind has no components")
    common = lcm(*used.values())
    return ({k: weights.get(k, 0) * common // counts[k] if k in used else 0 for k in ComponentKind.values},
            100 * common)


def round_half_up(numerator: int, divisor: int) -> int:
    return (2 * numerator + divisor) // (2 * divisor)


def weighted_points(scores: Mapping[str, list[int]], weights: Mapping[str, int]) -> int:
    """The reference: a person's weighted score in hundredths from their scores by kind."""
    counts = {k: len(v) for k, v in scores.items()}
    coefs, divisor = coefficients(counts, weights)
    return round_half_up(sum(coefs[k] * sum(v) for k, v in scores.items()), divisor)


def exact_weighted(scores: Mapping[str, list[int]], weights: Mapping[str, int]) -> int:
    """The same with exact fractions (a Decimal mean of 6338/6 is already rounded), rounded half up once."""
    total = sum((Fraction(weights[k] * sum(v), 100 * len(v)) for k, v in scores.items() if weights.get(k, 0) > 0),
                Fraction(0))
    return _half_up(total)


def _half_up(value: Fraction) -> int:
    return int((value * 2 + 1) // 2)


def grade_for(points: int, bands: tuple[int, int, int]) -> Grade:
    """The grade of a weighted score (hundredths) under (excellent, competent, basic) lower bounds."""
    excellent, competent, basic = bands
    if points >= excellent:
        return Grade.EXCELLENT
    if points >= competent:
        return Grade.COMPETENT
    if points >= basic:
        return Grade.BASIC
    return Grade.INCOMPETENT


def excellent_allowed(assessed: int, cap_percent: int) -> int:
    """How many 优秀 a township may have without override: the cap's share of those assessed, rounded
    down ("不超过" — not more than the share)."""
    return assessed * cap_percent // 100


def quota_breached(assessed: int, cap_percent: int, excellent: int, overridden: int) -> int:
    """How many 优秀 are over the cap without an override (0: within the quota)."""
    return max(excellent - overridden - excellent_allowed(assessed, cap_percent), 0)
