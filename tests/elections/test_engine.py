"""The winner engine: examples from the law's wording, then properties over any votes."""

from hypothesis import given
from hypothesis import strategies as st

from lingtouyang.elections import engine


def test_more_than_half_is_needed_to_win_and_for_the_election_to_count() -> None:
    assert engine.winners({"a": 51, "b": 49}, 1, 100).winners == ["a"]
    assert engine.winners({"a": 50, "b": 50}, 1, 100).winners == []  # exactly half is not more than half
    assert engine.is_valid(100, 51) and not engine.is_valid(100, 50) and not engine.is_valid(0, 0)


def test_a_tie_at_the_last_seat_leaves_it_unfilled() -> None:
    outcome = engine.winners({"a": 90, "b": 70, "c": 70, "d": 20}, 2, 100)
    assert outcome.winners == ["a"] and outcome.unfilled == 1 and outcome.tie


def test_too_few_with_a_majority_leave_seats_unfilled() -> None:
    outcome = engine.winners({"a": 80, "b": 40, "c": 30}, 3, 100)
    assert outcome.winners == ["a"] and outcome.unfilled == 2 and not outcome.tie


def test_most_votes_first_within_the_seats() -> None:
    outcome = engine.winners({"a": 60, "b": 90, "c": 75, "d": 55}, 2, 100)
    assert outcome.winners == ["b", "c"] and outcome.unfilled == 0


ballots = st.integers(min_value=0, max_value=5_000)


@st.composite
def contests(draw: st.DrawFn) -> tuple[dict[int, int], int, int]:
    cast = draw(ballots)
    seats = draw(st.integers(min_value=0, max_value=7))
    votes = draw(st.dictionaries(st.integers(0, 40), st.integers(0, cast), max_size=12))
    return votes, seats, cast


@given(contests())
def test_properties(contest: tuple[dict[int, int], int, int]) -> None:
    votes, seats, cast = contest
    outcome = engine.winners(votes, seats, cast)
    won = set(outcome.winners)
    assert len(outcome.winners) == len(won) <= seats
    assert outcome.unfilled == seats - len(won)
    assert all(votes[k] * 2 > cast for k in won)
    losers = [v for k, v in votes.items() if k not in won]
    # Nobody wins with fewer votes than, or as many as, someone who lost.
    assert all(votes[k] > v for k in won for v in losers)
    assert outcome.winners == sorted(outcome.winners, key=lambda k: -votes[k])
    majority = [k for k, v in votes.items() if v * 2 > cast]
    if len(majority) <= seats:
        assert won == set(majority) and not outcome.tie
    elif not outcome.tie:
        assert len(won) == seats
    else:
        # The tie is real: the last seat's votes are shared by a winner-to-be and the first one left out.
        ranked = sorted((votes[k] for k in majority), reverse=True)
        assert ranked[seats - 1] == ranked[seats]


@given(contests())
def test_order_of_the_input_does_not_matter(contest: tuple[dict[int, int], int, int]) -> None:
    votes, seats, cast = contest
    forwards = engine.winners(votes, seats, cast)
    backwards = engine.winners(dict(reversed(list(votes.items()))), seats, cast)
    assert set(forwards.winners) == set(backwards.winners) and forwards.unfilled == backwards.unfilled


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_validity_is_more_than_half_of_the_electorate(electorate: int, cast: int) -> None:
    assert engine.is_valid(electorate, cast) == (cast * 2 > electorate > 0)
