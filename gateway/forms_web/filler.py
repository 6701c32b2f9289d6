"""Who fills a form and for whom: the citizen themself, or a clerk under a delegation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from ..access import SessionIdentity
from ..audit import append_audit
from ..models import Event, Transaction
from ..transactions.operations import Actor, record_event


@dataclass(frozen=True)
class Filler:
    """The actor, the subject of the transaction, and the delegation a clerk acts under."""

    actor: Actor
    subject_cf: str
    subject_name: str = ""
    delegation_id: int | None = None

    def data(self, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Event data with the delegation id added when a clerk acts."""
        result = dict(extra or {})
        if self.delegation_id is not None:
            result["delegation"] = self.delegation_id
        return result

    @property
    def on_behalf(self) -> bool:
        return self.actor.on_behalf_of is not None


def citizen_filler(identity: SessionIdentity) -> Filler:
    """The citizen filling their own form."""
    actor = identity.actor()
    return Filler(actor=actor, subject_cf=identity.fiscal_code, subject_name=identity.full_name)


def filler_event(
    session: Session,
    transaction: Transaction,
    filler: Filler,
    kind: str,
    data: Mapping[str, Any] | None = None,
) -> Event:
    """A timeline event by the filler; when a clerk acts for the citizen it is also audited."""
    payload = filler.data(data)
    event = record_event(session, transaction, filler.actor, kind, payload)
    if filler.on_behalf:
        append_audit(
            session,
            actor=filler.actor.audit_name,
            action=f"desk.{kind}",
            subject=transaction.subject_cf,
            channel=filler.actor.channel,
            data={"reference": transaction.reference, **payload},
        )
    return event


def tag_delegation_events(session: Session, filler: Filler) -> None:
    """Until the session closes, every new event the clerk writes for the citizen — also
    through other features' operations (a payment notice, the "created" event) — carries the
    delegation id. Events are append-only, so this happens before they are first written."""
    if filler.delegation_id is None or not filler.on_behalf:
        return

    def tag(flushing: Session, _context: Any, _instances: Any) -> None:
        for obj in flushing.new:
            if (
                isinstance(obj, Event)
                and obj.actor_kind == filler.actor.kind
                and obj.actor_id == filler.actor.id
                and obj.on_behalf_of == filler.subject_cf
                and "delegation" not in (obj.data or {})
            ):
                obj.data = filler.data(obj.data)

    event.listen(session, "before_flush", tag)
