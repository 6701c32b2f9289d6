"""The transaction state machine: every allowed move works, every other one is refused."""

from __future__ import annotations

import itertools

import pytest

from gateway.exceptions import IllegalTransition
from gateway.transactions.states import FINAL_STATES, TRANSITIONS, State, check_transition

ALL_PAIRS = list(itertools.product(State, State))


@pytest.mark.parametrize(("source", "target"), ALL_PAIRS, ids=lambda s: s.value)
def test_every_transition_is_allowed_exactly_when_listed(source: State, target: State) -> None:
    if target in TRANSITIONS[source]:
        assert check_transition(source.value, target.value) is target
    else:
        with pytest.raises(IllegalTransition) as info:
            check_transition(source.value, target.value)
        assert f"{source.value} -> {target.value}" in info.value.detail
        assert info.value.status == 409


def test_final_states_have_no_way_out() -> None:
    assert {State.COMPLETED, State.CANCELLED, State.EXPIRED, State.FAILED} == FINAL_STATES


def test_unknown_state_is_refused_clearly() -> None:
    with pytest.raises(IllegalTransition, match="not allowed") as info:
        check_transition("draft", "teleported")
    assert "teleported" in info.value.detail


def test_the_happy_path_is_reachable() -> None:
    path = [State.DRAFT, State.SUBMITTED, State.AWAITING_PAYMENT, State.PAID, State.COMPLETED]
    for a, b in itertools.pairwise(path):
        check_transition(a.value, b.value)
