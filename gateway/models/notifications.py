"""Citizens' contact details and message preferences, and the messages of their inbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class CitizenContact(Base):
    """Where and how to reach a citizen: e-mail address, language and what they opted out of.

    ``email_source`` says where the address came from: ``login`` (the identity provider's
    ``email`` attribute, taken only while the citizen has not set one) or ``citizen``.
    ``muted`` lists the categories of optional messages the citizen does not want by e-mail;
    mandatory messages ignore it. The integer id (never the fiscal code) goes into
    unsubscribe links.
    """

    __tablename__ = "citizen_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_code: Mapped[str] = mapped_column(String(16), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    email_source: Mapped[str] = mapped_column(String(16), default="login")
    language: Mapped[str] = mapped_column(String(2), default="it")
    muted: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class InboxMessage(Base):
    """A message in the citizen's portal inbox; the e-mail copy, if any, is ``email_key``.

    The text is rendered from ``kind`` and ``context`` when shown, in the reader's language.
    ``dedupe_key`` is unique: the same event never makes two messages. ``link`` is a path on
    the portal (what the message brings the citizen back to).
    """

    __tablename__ = "inbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_cf: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(48))
    category: Mapped[str] = mapped_column(String(16))
    mandatory: Mapped[bool] = mapped_column(Boolean, default=False)
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    link: Mapped[str | None] = mapped_column(String(500))
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    transaction_id: Mapped[int | None] = mapped_column(ForeignKey("transaction.id"))
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    email_key: Mapped[str | None] = mapped_column(String(128))
    email_skipped: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


Index("ix_inbox_citizen_created", InboxMessage.citizen_cf, InboxMessage.created_at)
