"""Signed checkpoints outside the database, and the witnesses' cosignatures.

The checkpoint file holds one JSON object a line, ``{"note": "<signed note>"}``, appended
and synced: every checkpoint the sequencer signed, and each one again with a witness's
cosignature when it arrives. Put it where the database's administrators cannot rewrite it
(another host's mount, an object store with retention); ``flask audit verify`` trusts it and
the log's public key, not the database.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tlog.note import Checkpoint, Note, NoteError, Signature, open_checkpoint, parse_note

from ..models import AuditCheckpoint
from .keys import AuditSettings


def append_to_file(path: Path, note: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps({"note": note}, ensure_ascii=False) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class FiledCheckpoint:
    line: int
    note: Note
    checkpoint: Checkpoint


def read_file(path: Path, settings: AuditSettings) -> Iterator[FiledCheckpoint | str]:
    """Each line's checkpoint, or a sentence saying why the line is not one."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            try:
                text = json.loads(line)["note"]
                if not isinstance(text, str):
                    raise TypeError("note is not text")
            except (ValueError, KeyError, TypeError):
                yield f"line {number} of {path} is not a checkpoint record"
                continue
            opened = _open_with_any(text, settings)
            if isinstance(opened, str):
                yield f"line {number} of {path}: {opened}"
            else:
                yield FiledCheckpoint(number, *opened)


def _open_with_any(text: str, settings: AuditSettings) -> tuple[Note, Checkpoint] | str:
    reason = "no log key"
    for key in settings.log_verifiers:
        try:
            return open_checkpoint(text, key, settings.origin)
        except NoteError as e:
            reason = str(e)
    return reason


def latest(session: Session) -> AuditCheckpoint | None:
    return session.scalars(
        select(AuditCheckpoint).order_by(AuditCheckpoint.size.desc()).limit(1)
    ).first()


def latest_cosigned(session: Session) -> AuditCheckpoint | None:
    return session.scalars(
        select(AuditCheckpoint)
        .where(AuditCheckpoint.cosigned.is_not(None))
        .order_by(AuditCheckpoint.size.desc())
        .limit(1)
    ).first()


def published(row: AuditCheckpoint) -> str:
    return row.cosigned or row.note


class CosignatureRefused(ValueError):
    """The note is not a checkpoint of this log cosigned by a known witness."""


def accept_cosignature(session: Session, settings: AuditSettings, data: bytes) -> AuditCheckpoint:
    """Keep a witness's cosignature of one of the log's checkpoints (the caller commits,
    then files ``row.cosigned``)."""
    try:
        note = parse_note(data)
        checkpoint = Checkpoint.parse(note.text)
    except NoteError as e:
        raise CosignatureRefused(str(e)) from e
    if checkpoint.size >= 1 << 63:  # beyond the column: not one of ours
        raise CosignatureRefused("not a checkpoint this log signed")
    row = session.get(AuditCheckpoint, checkpoint.size, with_for_update=True)
    if row is None or parse_note(row.note).text != note.text:
        raise CosignatureRefused("not a checkpoint this log signed")
    cosignatures = [s for w in settings.witnesses if (s := note.signed_by(w)) is not None]
    if not cosignatures:
        raise CosignatureRefused("no cosignature of a known witness")
    current = parse_note(row.cosigned or row.note)
    have = {(s.name, s.key_id) for s in current.signatures}
    merged = current
    for s in cosignatures:
        if (s.name, s.key_id) not in have:
            merged = merged.with_signature(Signature(s.name, s.key_id, s.blob))
    row.cosigned = merged.encoded()
    return row
