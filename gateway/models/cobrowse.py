"""Shared live sessions: a clerk on the phone sees one transaction and proposes answers.

A ``SharedSession`` is bound to one citizen, one clerk and one transaction. It starts either
from a short code the citizen reads aloud (``code_hash`` is an HMAC of it; the code works once,
for minutes) or from the clerk's invitation the citizen accepts. ``SharedProposal`` rows are
the clerk's proposals and the citizen's answers; ``SharedMessage`` rows are the live events in
the order the browsers receive them (their ids are the Server-Sent Events ids, so a browser that
reconnects gets what it missed).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .transactions import Transaction


class SharedSession(Base):
    """One shared view: ``waiting`` for the clerk (code) or ``invited`` (waiting for the
    citizen), then ``active``, then ``ended`` (by either side, or after inactivity)."""

    __tablename__ = "cobrowse_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_id: Mapped[int | None] = mapped_column(ForeignKey("transaction.id"), index=True)
    citizen_cf: Mapped[str] = mapped_column(String(16), index=True)
    citizen_name: Mapped[str] = mapped_column(String(200), default="")
    clerk_cf: Mapped[str | None] = mapped_column(String(16), index=True)
    clerk_name: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(16))
    code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by: Mapped[str | None] = mapped_column(String(64))
    end_reason: Mapped[str | None] = mapped_column(String(32))

    transaction: Mapped[Transaction | None] = relationship()


class SharedProposal(Base):
    """What the clerk proposed (a field's value, or a payment notice) and the citizen's answer.

    ``value`` is the JSON-safe cleaned value; ``display`` what it reads as, per language.
    """

    __tablename__ = "cobrowse_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("cobrowse_session.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    field: Mapped[str | None] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON)
    display: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    proposed_by: Mapped[str] = mapped_column(String(16))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_by: Mapped[str | None] = mapped_column(String(16))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[SharedSession] = relationship()


class SharedMessage(Base):
    """A live event of a shared session, kept so that a reconnecting browser can replay it."""

    __tablename__ = "cobrowse_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("cobrowse_session.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
