"""The audit log: entries, the Merkle tree over them and its signed checkpoints."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, LargeBinary, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class AuditEntry(Base):
    """One audit record, written by a plain insert in the business transaction.

    ``seq`` is its id, taken from a sequence at insert (a rolled-back transaction leaves a
    gap). ``position`` is its leaf index in the Merkle tree, given by the sequencer once the
    entry is committed: positions have no gaps and follow the order entries were sequenced.
    """

    __tablename__ = "audit_entry"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    data: Mapped[str] = mapped_column(Text)
    position: Mapped[int | None] = mapped_column(BigInteger, unique=True)

    __table_args__ = (
        Index(
            "ix_audit_entry_unsequenced",
            "seq",
            postgresql_where="position IS NULL",
            sqlite_where="position IS NULL",
        ),
    )


class AuditHead(Base):
    """The tree's size and root hash (hex) as the sequencer left them; only sequencers
    lock this row, never an append."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class AuditNode(Base):
    """The hash of a complete subtree: 2**level leaves from leaf index * 2**level."""

    __tablename__ = "audit_node"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    index: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class AuditCheckpoint(Base):
    """A signed checkpoint (C2SP signed note), with the witnesses' cosignatures as they
    arrive in ``cosigned``. Every one is also appended to the checkpoint file outside the
    database, which is what ``flask audit verify`` trusts."""

    __tablename__ = "audit_checkpoint"

    size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    cosigned: Mapped[str | None] = mapped_column(Text)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
