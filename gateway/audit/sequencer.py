"""The sequencer: gives committed audit entries their tree positions, stores the tree and
signs checkpoints.

Appends never wait for it. It runs in the outbox worker's loop and as ``flask audit
sequence``; several may run at once: each takes the ``audit_head`` row first (PostgreSQL:
``FOR UPDATE SKIP LOCKED``, so a second sequencer skips the round instead of waiting; SQLite:
the database's single write lock), so positions are handed out by one of them at a time, in
order and without gaps. An entry committed after a later-numbered one simply gets a later
position. A checkpoint is signed when ``every_entries`` new leaves are in, or
``every_seconds`` after the last one if anything changed, and appended to the checkpoint
file outside the database once the transaction has committed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tlog import merkle
from tlog.note import Checkpoint, sign_note

from ..models import AuditCheckpoint, AuditEntry, AuditHead, utcnow
from .checkpoints import append_to_file
from .keys import AuditSettings
from .log import entry_bytes
from .tree import NodeStore

log = logging.getLogger(__name__)
BATCH = 2000


@dataclass(frozen=True)
class SequenceResult:
    sequenced: int
    size: int
    checkpoint: int | None = None
    skipped: bool = False


def _lock_head(session: Session) -> AuditHead | None:
    query = select(AuditHead).where(AuditHead.id == 1).with_for_update(skip_locked=True)
    head = session.scalars(query.execution_options(populate_existing=True)).one_or_none()
    if head is None and session.get(AuditHead, 1) is None:
        session.add(AuditHead(id=1, seq=0, last_hash=merkle.EMPTY_ROOT.hex()))
        session.flush()
        head = session.scalars(query).one_or_none()
    return head


def _due(session: Session, settings: AuditSettings, size: int, now: datetime, force: bool) -> bool:
    last = session.scalars(
        select(AuditCheckpoint).order_by(AuditCheckpoint.size.desc()).limit(1)
    ).first()
    if last is None:
        return size > 0 or force
    if size <= last.size:
        return False
    if force or size - last.size >= settings.every_entries:
        return True
    return now - last.signed_at >= timedelta(seconds=settings.every_seconds)


def sequence_once(
    session: Session, settings: AuditSettings, *, force: bool = False, batch: int = BATCH
) -> tuple[SequenceResult, str | None]:
    """One round in ``session`` (the caller commits), and the note to file after commit."""
    head = _lock_head(session)
    if head is None:
        return SequenceResult(0, 0, skipped=True), None
    size = int(head.seq)
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.position.is_(None))
        .order_by(AuditEntry.seq)
        .limit(batch)
    ).all()
    store = NodeStore(session)
    if entries:
        # The left siblings on the way up from the next leaf: the frontier of the tree.
        store.prefetch(_frontier(size))
    for entry in entries:
        leaf = merkle.leaf_hash(entry_bytes(entry))
        for level, index, digest in merkle.completed_nodes(size, leaf, store.complete):
            store.add(level, index, digest)
        entry.position = size
        size += 1
    root = store.root(size)
    head.seq, head.last_hash = size, root.hex()
    now = utcnow()
    note_text = None
    checkpoint_size = None
    if _due(session, settings, size, now, force):
        note = sign_note(Checkpoint(settings.origin, size, root).text(), settings.signer)
        note_text = note.encoded()
        session.add(AuditCheckpoint(size=size, root=root, note=note_text, signed_at=now))
        checkpoint_size = size
    session.flush()
    return SequenceResult(len(entries), size, checkpoint_size), note_text


def _frontier(size: int) -> list[tuple[int, int]]:
    keys, start = [], 0
    for level in reversed(range(size.bit_length())):
        if size >> level & 1:
            keys.append((level, start >> level))
            start += 1 << level
    return keys


def sequence(
    factory: sessionmaker[Session], settings: AuditSettings, *, force: bool = False
) -> SequenceResult:
    """Sequence what is waiting (in rounds of ``BATCH``) and sign a checkpoint when due."""
    total = 0
    while True:
        with factory() as session:
            result, note = sequence_once(session, settings, force=force)
            session.commit()
        if note is not None:
            try:
                append_to_file(settings.checkpoint_file, note)
            except OSError as e:
                # The checkpoint stays in the database and the next one covers it; a file that
                # cannot be written is an operator's alarm, not a reason to stop sequencing.
                log.error("audit: checkpoint of %d NOT filed in %s: %s", result.size,
                          settings.checkpoint_file, e)  # fmt: skip
            else:
                log.info("audit: checkpoint of %d entries signed", result.size)
        total += result.sequenced
        if result.skipped or result.sequenced < BATCH:
            return SequenceResult(total, result.size, result.checkpoint, result.skipped)
