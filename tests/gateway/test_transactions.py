"""Operations write the state, its event and its audit entry together, or nothing at all."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from gateway.exceptions import IllegalTransition, NotFound
from gateway.models import AuditEntry, Event, Transaction
from gateway.transactions.operations import Actor, change_state, get_by_reference
from gateway.transactions.reference import ALPHABET, new_reference, normalize_reference
from gateway.transactions.states import State

from ..factories import MARIO, create_transaction

CLERK_FOR_MARIO = Actor(
    kind="clerk",
    id="SPSNNA75S70L219W",
    name="Anna Esposito",
    channel="desk",
    on_behalf_of=MARIO["fiscal_code"],
)


def count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_change_state_writes_the_event_in_the_same_transaction(session: Session) -> None:
    tx = create_transaction(session)
    change_state(session, tx, State.SUBMITTED, CLERK_FOR_MARIO, kind="submitted")
    session.commit()
    kinds = [(e.kind, e.channel, e.on_behalf_of) for e in tx.events]
    assert kinds == [
        ("created", "web", None),
        ("submitted", "desk", MARIO["fiscal_code"]),
    ]
    assert tx.events[1].data == {"from": "draft", "to": "submitted"}
    # Acting on someone's behalf is always audited.
    audit = session.scalars(select(AuditEntry)).all()
    assert [a.action for a in audit] == ["transaction.state_on_behalf"]
    assert audit[0].actor == "clerk:SPSNNA75S70L219W"


def test_a_rolled_back_change_leaves_no_event_and_no_audit(session: Session) -> None:
    tx = create_transaction(session)
    session.commit()
    change_state(session, tx, State.SUBMITTED, CLERK_FOR_MARIO)
    session.rollback()
    assert session.get(Transaction, tx.id).state == "draft"
    assert count(session, Event) == 1
    assert count(session, AuditEntry) == 0


def test_illegal_transition_writes_nothing(session: Session) -> None:
    tx = create_transaction(session)
    session.commit()
    with pytest.raises(IllegalTransition):
        change_state(session, tx, State.PAID, CLERK_FOR_MARIO)
    session.commit()
    assert tx.state == "draft"
    assert count(session, Event) == 1
    assert count(session, AuditEntry) == 0


def test_events_are_append_only_in_the_database(session: Session) -> None:
    tx = create_transaction(session)
    session.commit()
    event = tx.events[0]
    event.kind = "forged"
    with pytest.raises((IntegrityError, DBAPIError), match="append-only"):
        session.commit()
    session.rollback()
    session.delete(session.get(Event, event.id))
    with pytest.raises((IntegrityError, DBAPIError), match="append-only"):
        session.commit()


def test_reference_lookup_hides_other_subjects_transactions(session: Session) -> None:
    tx = create_transaction(session)
    session.commit()
    assert get_by_reference(session, tx.reference.lower().replace("-", " ")) is tx
    with pytest.raises(NotFound):
        get_by_reference(session, tx.reference, subject_cf="RMNCHR95B68D612V")
    with pytest.raises(NotFound):
        get_by_reference(session, "SP-ZZZZ-ZZZZ")


def test_reference_codes_are_readable_and_normalised() -> None:
    codes = {new_reference() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert code.startswith("SP-") and len(code) == 12
        assert set(code[3:].replace("-", "")) <= set(ALPHABET)
        assert normalize_reference(code.lower().replace("-", "")) == code
    assert normalize_reference("SP-0000-0000") == ""  # 0 is not in the alphabet
    assert normalize_reference("nonsense") == ""
