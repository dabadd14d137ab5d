"""The quorum engine against the rules as the law words them, computed independently with fractions."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lingtouyang.governance import quorum

BODIES = list(quorum.RULES)


@st.composite
def meetings(draw: st.DrawFn) -> tuple[str, int, int, int]:
    entitled = draw(st.integers(1, 5000))
    present = draw(st.integers(0, entitled))
    return draw(st.sampled_from(BODIES)), entitled, present, draw(st.integers(0, present))


def law(body: str, entitled: int, present: int, approve: int) -> bool:
    share = Fraction(present, entitled)
    if body == "villagers_adults":
        quorate = share > Fraction(1, 2)  # 过半数
    else:
        quorate = share >= Fraction(2, 3)  # 三分之二以上 (以上 includes the number itself)
    base = entitled if body == "party_members" else present
    return quorate and base > 0 and Fraction(approve, base) > Fraction(1, 2)


@given(meetings())
def test_the_engine_agrees_with_the_law(m: tuple[str, int, int, int]) -> None:
    assert quorum.counts_problem(*m[1:]) is None
    assert quorum.check(*m).passed == law(*m)


@given(meetings(), st.integers(1, 50))
def test_more_votes_in_favour_never_undo_a_pass(m: tuple[str, int, int, int], more: int) -> None:
    body, entitled, present, approve = m
    if quorum.check(*m).passed:
        assert quorum.check(body, entitled, present, min(present, approve + more)).passed


@pytest.mark.parametrize(("body", "entitled", "present", "approve", "quorate", "passed"), [
    ("party_members", 30, 20, 16, True, True),  # exactly two-thirds attend; 16 of 30 entitled approve
    ("party_members", 30, 20, 15, True, False),  # 15 of 30 entitled is not more than half
    ("party_members", 30, 19, 19, False, False),
    ("villagers_adults", 1000, 500, 500, False, False),  # half is not more than half
    ("villagers_adults", 1000, 501, 251, True, True),
    ("villagers_adults", 1000, 501, 250, True, False),
    ("villagers_households", 300, 200, 101, True, True),
    ("representatives", 45, 30, 15, True, False),
    ("representatives", 45, 29, 29, False, False),
])
def test_boundaries(body: str, entitled: int, present: int, approve: int, quorate: bool, passed: bool) -> None:
    verdict = quorum.check(body, entitled, present, approve)
    assert (verdict.quorate, verdict.passed) == (quorate, passed)


@pytest.mark.parametrize(("counts", "problem"), [
    ((0, 0, 0), "at least one person is entitled"), ((10, 11, 0), "no more can be present"),
    ((10, 5, 6), "no more can vote in favour"), ((10, -1, 0), "not negative"),
])
def test_impossible_counts(counts: tuple[int, int, int], problem: str) -> None:
    assert problem in (quorum.counts_problem(*counts) or "")


def test_assembly_only_matters_are_decision_matters() -> None:
    from lingtouyang.governance.models import Matter

    assert quorum.ASSEMBLY_ONLY <= set(Matter.values)
    assert set(quorum.RULES) == {b for bodies in quorum.STEP_BODIES.values() for b in bodies}
