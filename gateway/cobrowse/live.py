"""Live events of shared sessions: stored with the change, published once it is committed.

``emit`` adds a ``SharedMessage`` row in the caller's database transaction and remembers it on
the SQLAlchemy session; after the commit the message goes to the broker (never before: a browser
must not hear of a proposal it cannot yet answer). A rollback forgets it. The row's id is the
Server-Sent Events id.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..models import SharedMessage, SharedSession
from .broker import Broker, broker

PENDING = "sportello.cobrowse.pending"


@dataclass(frozen=True)
class LiveSettings:
    """How long a code waits, when an idle session ends, how streams behave."""

    code_minutes: int = 10
    idle_minutes: int = 15
    stream_seconds: float = 300.0
    # A comment this often: proxies keep the connection, and writing it is how a stream
    # learns that the browser left (its thread is then free again).
    keepalive_seconds: float = 5.0
    # Database check (still allowed? idle? anything pub/sub missed?) this often.
    check_seconds: float = 15.0


def live_settings(app: Flask | None = None) -> LiveSettings:
    """Defaults, overridden by ``extra["cobrowse"]`` of the config (a mapping of the fields)."""
    target = app or current_app
    found: LiveSettings | None = target.extensions.get("sportello.cobrowse.settings")
    if found is None:
        overrides = dict(target.config["SPORTELLO"].extra.get("cobrowse", {}))
        found = target.extensions.setdefault(
            "sportello.cobrowse.settings", LiveSettings(**overrides)
        )
    return found


def channel(session_id: int) -> str:
    return f"session:{session_id}"


def message_json(message: SharedMessage) -> str:
    return json.dumps(
        {"id": message.id, "kind": message.kind, "data": message.data}, separators=(",", ":")
    )


def emit(
    session: Session, shared: SharedSession, kind: str, data: Mapping[str, Any] | None = None
) -> SharedMessage:
    """Store a live event; it is published when the caller commits.

    The shared session's row is locked first, so that the messages of one session get their
    ids in commit order (a poller reading "after id N" never skips one committed late).
    """
    session.execute(select(SharedSession.id).where(SharedSession.id == shared.id).with_for_update())
    message = SharedMessage(session_id=shared.id, kind=kind, data=dict(data or {}))
    session.add(message)
    session.flush()
    pending: list[tuple[Broker, str, str]] = session.info.setdefault(PENDING, [])
    pending.append((broker(current_app), channel(shared.id), message_json(message)))
    return message


def messages_after(session: Session, session_id: int, after: int) -> list[SharedMessage]:
    return list(
        session.scalars(
            select(SharedMessage)
            .where(SharedMessage.session_id == session_id, SharedMessage.id > after)
            .order_by(SharedMessage.id)
        )
    )


def _publish(session: Session) -> None:
    for target, name, payload in session.info.pop(PENDING, []):
        target.publish(name, payload)


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(PENDING, None)


event.listen(Session, "after_commit", _publish)
event.listen(Session, "after_rollback", _forget)
