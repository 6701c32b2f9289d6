"""Reading the inbox: a citizen's messages, marking them read, and stalled e-mails for clerks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..audit import append_audit
from ..exceptions import NotFound
from ..models import InboxMessage, OutboxMessage, utcnow
from .rendering import RenderedMessage, render_message


@dataclass(frozen=True)
class ShownMessage:
    message: InboxMessage
    text: RenderedMessage


def show(message: InboxMessage, lang: str) -> ShownMessage:
    return ShownMessage(message, render_message(message.kind, message.context, lang))


def list_messages(session: Session, citizen_cf: str, limit: int = 100) -> list[InboxMessage]:
    return list(
        session.scalars(
            select(InboxMessage)
            .where(InboxMessage.citizen_cf == citizen_cf)
            .order_by(InboxMessage.created_at.desc(), InboxMessage.id.desc())
            .limit(limit)
        )
    )


def get_message(session: Session, citizen_cf: str, message_id: int) -> InboxMessage:
    """The citizen's message; another citizen's is reported exactly as a missing one."""
    message = session.get(InboxMessage, message_id)
    if message is None or message.citizen_cf != citizen_cf:
        raise NotFound(_l("Message not found."), detail=f"inbox message {message_id}")
    return message


def mark_read(session: Session, message: InboxMessage) -> None:
    """First reading only: a plain conditional UPDATE, so re-reading writes nothing."""
    if message.read_at is None:
        session.execute(
            update(InboxMessage)
            .where(InboxMessage.id == message.id, InboxMessage.read_at.is_(None))
            .values(read_at=utcnow())
            .execution_options(synchronize_session=False)
        )


@dataclass(frozen=True)
class DeliveryProblem:
    message: InboxMessage
    status: str
    attempts: int
    last_error: str
    next_attempt_at: datetime | None
    to: str


def delivery_problems(
    session: Session, citizen_cf: str, *, clerk_cf: str, clerk_name: str
) -> list[DeliveryProblem]:
    """E-mails to this citizen not delivered yet after a try, or given up (audited)."""
    rows = session.execute(
        select(InboxMessage, OutboxMessage)
        .join(OutboxMessage, OutboxMessage.key == InboxMessage.email_key)
        .where(
            InboxMessage.citizen_cf == citizen_cf,
            OutboxMessage.status != "delivered",
            OutboxMessage.attempts > 0,
        )
        .order_by(InboxMessage.created_at.desc())
        .limit(100)
    ).all()
    append_audit(
        session,
        actor=f"clerk:{clerk_cf}",
        action="notifications.deliveries_viewed",
        subject=citizen_cf,
        channel="desk",
        data={"problems": len(rows), "clerk_name": clerk_name},
    )
    return [
        DeliveryProblem(
            message=inbox,
            status=out.status,
            attempts=out.attempts,
            last_error=(out.last_error or "")[:300],
            next_attempt_at=out.next_attempt_at if out.status != "failed" else None,
            to=str(out.payload.get("to", "")),
        )
        for inbox, out in rows
    ]
