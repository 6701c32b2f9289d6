"""Queue and deliver outbox messages: at least once, never lost, never after delivery.

A worker claims due messages by setting a lease (``locked_until``) and commits, delivers them
with no database lock held, then records the outcome. On PostgreSQL several workers claim with
``FOR UPDATE SKIP LOCKED``; a worker that dies mid-delivery leaves a lease that expires, and the
message is delivered again — which is why receivers must be idempotent on the message key.
A delivered message is never claimed again: its status is final.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ..db import insert_ignoring_duplicates
from ..models import OutboxMessage, utcnow

OUTBOX: Table = OutboxMessage.__table__  # type: ignore[assignment]

log = logging.getLogger(__name__)

BASE_DELAY = 2.0
MAX_DELAY = 15 * 60.0
STALLED_AFTER = 10

Handler = Callable[[Mapping[str, Any]], None]


class PermanentFailure(Exception):
    """Raised by a handler when retrying cannot help (the receiver refused the message)."""


@dataclass
class OutboxHandlers:
    """Which function delivers each topic."""

    by_topic: dict[str, Handler] = field(default_factory=dict)

    def register(self, topic: str, handler: Handler) -> None:
        self.by_topic[topic] = handler


@dataclass
class DeliveryStats:
    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    failed: int = 0


def next_delay(
    attempts: int, rng: random.Random | None = None, *, first: float = BASE_DELAY
) -> float:
    """Exponential backoff with full jitter, capped: seconds before the next attempt.

    ``first`` is the ceiling of the first wait; each next one doubles it, up to ``MAX_DELAY``.
    """
    ceiling = min(MAX_DELAY, first * (2 ** max(attempts - 1, 0)))
    r = rng or random
    return ceiling / 2 + r.random() * ceiling / 2


def enqueue(
    session: Session,
    *,
    topic: str,
    key: str,
    payload: Mapping[str, Any],
    transaction_id: int | None = None,
) -> None:
    """Queue a delivery in the caller's transaction. The same key is queued only once: one
    ``INSERT … ON CONFLICT (key) DO NOTHING``, so a key already queued (committed, in this
    transaction, or by a rival transaction, which this one waits for) costs no read and
    raises nothing."""
    now = utcnow()
    row = {
        "topic": topic,
        "key": key,
        "payload": dict(payload),
        "transaction_id": transaction_id,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    session.execute(insert_ignoring_duplicates(session, OUTBOX, ("key",)).values(**row))


def _claim(session: Session, now: datetime, batch: int, lease: float) -> list[OutboxMessage]:
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.status.in_(("pending", "stalled")),
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until <= now),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(batch)
        # PostgreSQL: workers skip each other's rows. SQLite: the write lock is taken instead.
        .with_for_update(skip_locked=True)
    )
    messages = list(session.scalars(query))
    for m in messages:
        m.locked_until = now + timedelta(seconds=lease)
    session.commit()
    return messages


def deliver_due(
    factory: sessionmaker[Session],
    handlers: OutboxHandlers,
    *,
    batch: int = 20,
    lease: float = 60.0,
    first_retry: float = BASE_DELAY,
    now: Callable[[], datetime] = utcnow,
) -> DeliveryStats:
    """Claim and deliver the messages that are due; return what happened.

    A failed delivery is tried again after a backoff whose first ceiling is ``first_retry``.
    """
    stats = DeliveryStats()
    with factory() as session:
        claimed = _claim(session, now(), batch, lease)
        stats.claimed = len(claimed)
        for msg in claimed:
            handler = handlers.by_topic.get(msg.topic)
            started = time.perf_counter()
            outcome, error = "delivered", None
            try:
                if handler is None:
                    raise PermanentFailure(f"no handler for topic {msg.topic!r}")
                handler(msg.payload)
            except PermanentFailure as e:
                outcome, error = "failed", str(e)
            except Exception as e:  # any other failure is worth another try later
                outcome, error = "retry", f"{type(e).__name__}: {e}"
            elapsed = (time.perf_counter() - started) * 1000
            msg.attempts += 1
            msg.locked_until = None
            if outcome == "delivered":
                msg.status, msg.delivered_at, msg.last_error = "delivered", now(), None
                stats.delivered += 1
            elif outcome == "failed":
                msg.status, msg.last_error = "failed", error
                stats.failed += 1
            else:
                msg.status = "stalled" if msg.attempts >= STALLED_AFTER else "pending"
                msg.last_error = error
                msg.next_attempt_at = now() + timedelta(
                    seconds=next_delay(msg.attempts, first=first_retry)
                )
                stats.retried += 1
            log.info(
                "outbox delivery",
                extra={
                    "topic": msg.topic,
                    "key": msg.key,
                    "outcome": outcome,
                    "attempts": msg.attempts,
                    "ms": round(elapsed, 1),
                    "error": error,
                },
            )
            try:
                session.commit()
            except IntegrityError:  # pragma: no cover - keeps the worker alive on a bad row
                session.rollback()
                log.exception("outbox: could not record the outcome of %s", msg.key)
    return stats
