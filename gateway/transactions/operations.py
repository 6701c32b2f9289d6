"""Operations on transactions: the only code that changes their state.

Every change writes its timeline event (and its audit entry where the action is security
relevant) in the caller's database transaction; the caller commits once, so the state, the
event and the audit entry are stored together or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from ..audit import append_audit
from ..exceptions import NotFound
from ..models import Event, Transaction, utcnow
from .reference import new_reference, normalize_reference
from .states import State, check_transition

CHANNELS = frozenset({"web", "counter", "desk", "phone", "api", "system"})
ACTOR_KINDS = frozenset({"citizen", "clerk", "terminal", "clinician", "privacy_officer", "system"})


@dataclass(frozen=True)
class Actor:
    """Who acts, and on which channel; ``on_behalf_of`` is the citizen a clerk acts for."""

    kind: str
    id: str
    name: str = ""
    channel: str = "web"
    on_behalf_of: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in ACTOR_KINDS:
            raise ValueError(f"unknown actor kind {self.kind!r}")
        if self.channel not in CHANNELS:
            raise ValueError(f"unknown channel {self.channel!r}")

    @property
    def audit_name(self) -> str:
        return f"{self.kind}:{self.id}"


SYSTEM = Actor(kind="system", id="sportello", name="Sportello", channel="system")


def record_event(
    session: Session,
    transaction: Transaction,
    actor: Actor,
    kind: str,
    data: Mapping[str, Any] | None = None,
    *,
    at: datetime | None = None,
) -> Event:
    """Append an event to the transaction's timeline (nothing else changes).

    ``at`` is for importing past events (the demo data); live events take the current time.
    """
    event = Event(
        at=at or utcnow(),
        channel=actor.channel,
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_name=actor.name,
        on_behalf_of=actor.on_behalf_of,
        kind=kind,
        data=dict(data or {}),
    )
    if transaction.id is not None and "events" in inspect(transaction).unloaded:
        # Setting the relationship would load the whole timeline to append one event to it;
        # the foreign key is enough while the collection is not in memory.
        event.transaction_id = transaction.id
    else:
        event.transaction = transaction
    session.add(event)
    return event


def open_transaction(
    session: Session,
    *,
    service: str,
    title: str,
    subject_cf: str,
    actor: Actor,
    state: State = State.DRAFT,
    amount_cents: int | None = None,
    data: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> Transaction:
    """Create a transaction with its first timeline event ("created")."""
    if state not in (State.DRAFT, State.SUBMITTED, State.AWAITING_PAYMENT):
        raise ValueError(f"a transaction cannot start in state {state.value}")
    tx = Transaction(
        reference=new_reference(),
        service=service,
        title=title,
        subject_cf=subject_cf,
        state=state.value,
        amount_cents=amount_cents,
        data=dict(data or {}),
    )
    session.add(tx)
    record_event(session, tx, actor, "created", {"state": state.value, "service": service}, at=at)
    if actor.on_behalf_of:
        append_audit(
            session,
            actor=actor.audit_name,
            action="transaction.create_on_behalf",
            subject=subject_cf,
            channel=actor.channel,
            data={"reference": tx.reference, "service": service},
        )
    return tx


def change_state(
    session: Session,
    transaction: Transaction,
    target: State | str,
    actor: Actor,
    *,
    kind: str | None = None,
    data: Mapping[str, Any] | None = None,
    audit_action: str | None = None,
    at: datetime | None = None,
) -> Transaction:
    """Move the transaction to ``target`` if the state machine allows it, with its event.

    Raises IllegalTransition (nothing written) otherwise. ``audit_action`` also writes an audit
    entry; acting on someone's behalf is always audited.
    """
    source = transaction.state
    dest = check_transition(source, str(target))
    transaction.state = dest.value
    payload = {"from": source, "to": dest.value, **dict(data or {})}
    record_event(session, transaction, actor, kind or f"state.{dest.value}", payload, at=at)
    if audit_action or actor.on_behalf_of:
        append_audit(
            session,
            actor=actor.audit_name,
            action=audit_action or "transaction.state_on_behalf",
            subject=transaction.subject_cf,
            channel=actor.channel,
            data={"reference": transaction.reference, **payload},
        )
    return transaction


def get_by_reference(
    session: Session, reference: str, *, subject_cf: str | None = None
) -> Transaction:
    """Find a transaction by its public reference, optionally only the given subject's.

    A transaction of another subject is reported exactly as a missing one, so a reference
    cannot be used to probe whether someone else's transaction exists.
    """
    ref = normalize_reference(reference)
    tx = session.scalar(select(Transaction).where(Transaction.reference == ref)) if ref else None
    if tx is None or (subject_cf is not None and tx.subject_cf != subject_cf):
        raise NotFound(_l("Transaction not found."), detail=f"reference {reference!r}")
    return tx


def list_for_subject(session: Session, subject_cf: str, limit: int = 50) -> list[Transaction]:
    return list(
        session.scalars(
            select(Transaction)
            .where(Transaction.subject_cf == subject_cf)
            .order_by(Transaction.updated_at.desc())
            .limit(limit)
        )
    )
