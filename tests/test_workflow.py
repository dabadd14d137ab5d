"""core.workflow: the one state-machine check every process's services use."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from lingtouyang.core.workflow import StateMachine
from lingtouyang.review.models import ReviewRound

State = ReviewRound.State
MACHINE = StateMachine({(State.DRAFT, State.OPEN)}, "a round that is %(state)s cannot become %(to)s")


def test_an_allowed_move_returns_the_state_before() -> None:
    assert MACHINE.check(ReviewRound(state=State.DRAFT), State.OPEN) == State.DRAFT


@pytest.mark.parametrize(("state", "to"), [(State.OPEN, State.DRAFT), (State.DRAFT, State.CLOSED),
                                           (State.CLOSED, State.OPEN), (State.DRAFT, State.DRAFT)])
def test_any_other_move_is_refused_naming_both_states(state: str, to: str) -> None:
    review_round = ReviewRound(state=state)
    with translation.override("en"):
        with pytest.raises(ValidationError) as exc:
            MACHINE.check(review_round, to)
        assert exc.value.messages == [f"a round that is {State(state).label} cannot become {State(to).label}"]
    assert review_round.state == state
