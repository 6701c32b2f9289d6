"""Append to and verify the hash chain of audit entries.

Each entry's hash is sha256 over the previous hash and the entry's canonical content, so
editing, inserting or deleting any entry breaks every link after it. Appends are serialised by
updating the single ``audit_head`` row first: on PostgreSQL a concurrent append waits on that
row lock and then sees the new head; on SQLite the whole write transaction is serialised.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import AuditEntry, AuditHead, utcnow

GENESIS = "0" * 64


def canonical(data: Mapping[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(
    prev_hash: str,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    channel: str,
    data: str,
) -> str:
    body = canonical(
        {
            "seq": seq,
            "at": at.isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "subject": subject,
            "channel": channel,
            "data": data,
        }
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def _advance_head(session: Session) -> tuple[int, str]:
    """Take the next sequence number and the previous hash, locking the head row.

    The head row exists from the first migration on; it is created here only if it is
    missing, so the common case costs one statement.
    """
    advance = (
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.last_hash)
    )
    row = session.execute(advance).one_or_none()
    if row is None:
        session.add(AuditHead(id=1, seq=0, last_hash=GENESIS))
        session.flush()
        row = session.execute(advance).one()
    return int(row[0]), str(row[1])


def append_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    subject: str,
    channel: str,
    data: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Add an entry to the chain inside the caller's database transaction.

    The caller commits; until then the head row stays locked, so keep the rest of the
    transaction short.
    """
    seq, prev_hash = _advance_head(session)
    at = utcnow()
    payload = canonical(data or {})
    digest = entry_hash(prev_hash, seq, at, actor, action, subject, channel, payload)
    entry = AuditEntry(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        subject=subject,
        channel=channel,
        data=payload,
        prev_hash=prev_hash,
        hash=digest,
    )
    session.add(entry)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(last_hash=digest))
    # The head row was changed behind the ORM's back: drop a cached copy, if the session
    # holds one (looked up in the identity map: ``session.get`` would reload it).
    head = session.identity_map.get(session.identity_key(AuditHead, 1))
    if head is not None:
        session.expire(head)
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries: int
    broken_at: int | None = None
    reason: str = ""


def verify_chain(session: Session, batch: int = 1000) -> ChainReport:
    """Walk the chain in order and report the first broken link, if any.

    Detects an edited entry (its hash no longer matches its content), a deleted or inserted
    entry (a gap in the sequence or a previous-hash mismatch) and a truncated tail (the head
    names an entry that is gone).
    """
    prev_hash, expected_seq, count = GENESIS, 1, 0
    last_seq = 0
    while True:
        rows = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.seq > last_seq)
            .order_by(AuditEntry.seq)
            .limit(batch)
        ).all()
        if not rows:
            break
        for e in rows:
            if e.seq != expected_seq:
                return ChainReport(False, count, expected_seq, f"entry {expected_seq} is missing")
            if e.prev_hash != prev_hash:
                return ChainReport(False, count, e.seq, "previous-hash link does not match")
            digest = entry_hash(
                e.prev_hash, e.seq, e.at, e.actor, e.action, e.subject, e.channel, e.data
            )
            if digest != e.hash:
                return ChainReport(False, count, e.seq, "content does not match its hash")
            prev_hash, expected_seq, count = e.hash, e.seq + 1, count + 1
            last_seq = e.seq
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != count or head.last_hash != prev_hash):
        return ChainReport(
            False, count, count + 1, f"the chain ends at {count} but the head names {head.seq}"
        )
    return ChainReport(True, count)
