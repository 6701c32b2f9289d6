"""Transactions (pratiche), their timeline events and the documents issued for them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow


class Transaction(Base):
    """One citizen interaction, from draft to completion, on any channel."""

    __tablename__ = "transaction"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    service: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    subject_cf: Mapped[str] = mapped_column(String(16), index=True)
    state: Mapped[str] = mapped_column(String(32))
    amount_cents: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    events: Mapped[list[Event]] = relationship(
        back_populates="transaction", order_by="Event.id", lazy="selectin"
    )
    documents: Mapped[list[Document]] = relationship(
        back_populates="transaction", order_by="Document.id"
    )

    __mapper_args__ = {"version_id_col": version}


class Event(Base):
    """An append-only entry of a transaction's timeline: when, which channel, who, what."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("transaction.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    channel: Mapped[str] = mapped_column(String(16))
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(64))
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    on_behalf_of: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    transaction: Mapped[Transaction] = relationship(back_populates="events")


class Document(Base):
    """A PDF issued by the gateway: its bytes, their hash and the seal printed on it."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_id: Mapped[int | None] = mapped_column(ForeignKey("transaction.id"), index=True)
    subject_cf: Mapped[str] = mapped_column(String(16), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64), default="application/pdf")
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    seal: Mapped[str | None] = mapped_column(Text)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    transaction: Mapped[Transaction | None] = relationship(back_populates="documents")


Index("ix_event_transaction_at", Event.transaction_id, Event.at)
