"""Municipal offices with desks and opening hours, and citizens' requests for help.

A help request is an appointment at an office desk or a call-back. Both wait in the clerks'
queue; a clerk takes one and closes it with an outcome.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow


class Office(Base):
    """A municipal office that receives citizens by appointment (URP, Anagrafe, ...)."""

    __tablename__ = "help_office"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    slot_minutes: Mapped[int] = mapped_column(Integer, default=20)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    hours: Mapped[list[OpeningHours]] = relationship(
        order_by="(OpeningHours.weekday, OpeningHours.opens)", lazy="selectin"
    )
    desks: Mapped[list[Desk]] = relationship(order_by="Desk.id", lazy="selectin")


class OpeningHours(Base):
    """One opening period of an office on a weekday (0 = Monday), in local time."""

    __tablename__ = "help_opening_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("help_office.id"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)


class Desk(Base):
    """A desk of an office: one citizen per slot."""

    __tablename__ = "help_desk"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("help_office.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class HelpRequest(Base):
    """An appointment (``kind="appointment"``) or a call-back (``kind="callback"``).

    ``status``: waiting -> taken -> closed (with ``outcome`` done / no_answer), or cancelled;
    rescheduling puts it back to waiting at a new time. ``starts_at`` is the appointment's
    slot or the start of the call-back's preferred window (None: as soon as possible).
    ``slot_start`` repeats ``starts_at`` while an appointment holds its desk and is cleared when
    it lets the slot go: the unique (desk, slot_start) pair is what makes double booking
    impossible on any database. ``citizen_cf`` is None for a visitor's call-back.
    """

    __tablename__ = "help_request"
    __table_args__ = (UniqueConstraint("desk_id", "slot_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(16), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    outcome: Mapped[str | None] = mapped_column(String(16))
    citizen_cf: Mapped[str | None] = mapped_column(String(16), index=True)
    citizen_name: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str | None] = mapped_column(String(20))
    topic: Mapped[str] = mapped_column(String(500))
    language: Mapped[str] = mapped_column(String(2), default="it")
    related_reference: Mapped[str | None] = mapped_column(String(16))
    transaction_id: Mapped[int | None] = mapped_column(ForeignKey("transaction.id"))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("help_office.id"))
    desk_id: Mapped[int | None] = mapped_column(ForeignKey("help_desk.id"))
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    slot_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    taken_by: Mapped[str | None] = mapped_column(String(16))
    taken_by_name: Mapped[str] = mapped_column(String(200), default="")
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    office: Mapped[Office | None] = relationship()
    desk: Mapped[Desk | None] = relationship()


Index("ix_help_request_queue", HelpRequest.status, HelpRequest.starts_at)
