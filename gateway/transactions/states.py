"""The transaction state machine: the one place that says which transitions are allowed."""

from __future__ import annotations

from enum import StrEnum

from ..exceptions import IllegalTransition


class State(StrEnum):
    DRAFT = "draft"
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    SUBMITTED = "submitted"
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    FAILED = "failed"


# A clerk may prepare a draft that waits for the citizen's confirmation (assisted digital);
# a submitted request with nothing to pay may complete at once.
TRANSITIONS: dict[State, frozenset[State]] = {
    State.DRAFT: frozenset(
        {State.AWAITING_CONFIRMATION, State.SUBMITTED, State.CANCELLED, State.EXPIRED}
    ),
    State.AWAITING_CONFIRMATION: frozenset(
        {State.DRAFT, State.SUBMITTED, State.CANCELLED, State.EXPIRED}
    ),
    State.SUBMITTED: frozenset(
        {State.AWAITING_PAYMENT, State.COMPLETED, State.CANCELLED, State.FAILED}
    ),
    State.AWAITING_PAYMENT: frozenset({State.PAID, State.CANCELLED, State.EXPIRED, State.FAILED}),
    State.PAID: frozenset({State.COMPLETED, State.FAILED}),
    State.COMPLETED: frozenset(),
    State.CANCELLED: frozenset(),
    State.EXPIRED: frozenset(),
    State.FAILED: frozenset(),
}

FINAL_STATES = frozenset(s for s, targets in TRANSITIONS.items() if not targets)


def check_transition(current: str, target: str) -> State:
    """Return ``target`` as a State if the move from ``current`` is allowed, else raise.

    Raises IllegalTransition naming both states, so the caller and the log say exactly which
    step was refused.
    """
    try:
        source, dest = State(current), State(target)
    except ValueError as e:
        raise IllegalTransition(
            detail=f"unknown state in transition {current!r} -> {target!r}"
        ) from e
    if dest not in TRANSITIONS[source]:
        raise IllegalTransition(
            detail=f"transition {source.value} -> {dest.value} is not allowed",
            current=source.value,
            target=dest.value,
        )
    return dest
