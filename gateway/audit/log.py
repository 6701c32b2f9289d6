"""Append audit entries: a plain insert inside the caller's business transaction.

No lock is taken: concurrent transactions append side by side, a rolled-back one leaves only
a gap in the entry ids, and the sequencer (``sequencer.py``) later gives every committed
entry its position in the Merkle tree. An entry's leaf is SHA-256(0x00 ‖ ``entry_bytes``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from ..models import AuditEntry, utcnow


def canonical(data: Mapping[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_bytes(entry: AuditEntry) -> bytes:
    """The bytes a leaf hashes: the entry's fields as canonical JSON (sorted keys, no
    spaces, UTF-8), its time in UTC with microseconds; ``data`` is the JSON text stored."""
    return canonical(
        {
            "seq": entry.seq,
            "at": entry.at.isoformat(timespec="microseconds"),
            "actor": entry.actor,
            "action": entry.action,
            "subject": entry.subject,
            "channel": entry.channel,
            "data": entry.data,
        }
    ).encode()


def append_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    subject: str,
    channel: str,
    data: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Add an entry inside the caller's transaction (the caller commits); its ``seq`` is
    known on return, its tree position once the sequencer has run."""
    entry = AuditEntry(
        at=utcnow(),
        actor=actor,
        action=action,
        subject=subject,
        channel=channel,
        data=canonical(data or {}),
    )
    session.add(entry)
    session.flush()
    return entry
