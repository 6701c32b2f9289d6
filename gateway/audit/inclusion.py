"""Inclusion of entries in the latest signed checkpoint, checked here and handed out as a
proof document anyone can check offline (``tools/verify_audit_proof.py``).

The proof document (JSON, ``sportello-audit-inclusion/v1``)::

    {"format": "sportello-audit-inclusion/v1",
     "log_key": "<the log's note verifier key>",
     "checkpoint": "<the signed checkpoint note>",
     "index": <the entry's leaf index>,
     "entry": "<the entry's canonical JSON: the bytes its leaf hashes>",
     "proof": ["<base64 hash>", ...]}

Check: the checkpoint's signature with the log key (compare it with the published one), then
SHA-256(0x00 ‖ entry) with the proof leads to the checkpoint's root hash (RFC 9162 2.1.3.2).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import Response
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from tlog import merkle
from tlog.note import NoteError, open_checkpoint

from ..exceptions import NotFound
from ..models import AuditEntry
from .checkpoints import latest, published
from .keys import AuditSettings, audit_settings
from .log import canonical, entry_bytes
from .tree import NodeStore

FORMAT = "sportello-audit-inclusion/v1"


@dataclass(frozen=True)
class Inclusion:
    seq: int
    index: int
    size: int
    entry: bytes
    checkpoint: str
    proof: tuple[bytes, ...]

    def document(self, settings: AuditSettings) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "log_key": settings.verifier.encoded(),
            "checkpoint": self.checkpoint,
            "index": self.index,
            "entry": self.entry.decode(),
            "proof": [base64.b64encode(p).decode() for p in self.proof],
        }

    def json(self, settings: AuditSettings) -> str:
        return json.dumps(self.document(settings), ensure_ascii=False, indent=2) + "\n"


class _Recorder:
    """Runs the proof math once with placeholder hashes to learn which nodes it reads."""

    def __init__(self) -> None:
        self.keys: set[tuple[int, int]] = set()

    def complete(self, level: int, index: int) -> bytes:
        self.keys.add((level, index))
        return bytes(32)


def inclusions(
    session: Session, settings: AuditSettings, seqs: Iterable[int]
) -> dict[int, Inclusion]:
    """The entries among ``seqs`` that the latest checkpoint includes, each with its proof,
    verified here against that checkpoint (signature and root) before it is returned."""
    wanted = sorted(set(seqs))
    row = latest(session)
    if not wanted or row is None:
        return {}
    text = published(row)
    try:
        _, checkpoint = open_checkpoint(text, settings.verifier, settings.origin)
    except NoteError:
        return {}
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.seq.in_(wanted), AuditEntry.position < checkpoint.size)
    ).all()
    recorder = _Recorder()
    for e in entries:
        assert e.position is not None
        merkle.inclusion_proof(
            e.position, checkpoint.size, merkle.aligned_subtree(recorder.complete)
        )
    store = NodeStore(session)
    keys = sorted(recorder.keys)
    for start in range(0, len(keys), 500):
        store.prefetch(keys[start : start + 500])
    found: dict[int, Inclusion] = {}
    for e in entries:
        assert e.position is not None
        data = entry_bytes(e)
        try:
            proof = merkle.inclusion_proof(e.position, checkpoint.size, store.subtree)
        except LookupError:
            continue
        if merkle.verify_inclusion(
            e.position, checkpoint.size, merkle.leaf_hash(data), proof, checkpoint.root
        ):
            found[e.seq] = Inclusion(e.seq, e.position, checkpoint.size, data, text, tuple(proof))
    return found


def proof_download(session: Session, seq: int) -> Response:
    """The proof document of entry ``seq`` as a file to save (404 until it is included in a
    signed checkpoint). The caller has checked that the person may see this entry."""
    settings = audit_settings()
    found = inclusions(session, settings, [seq]).get(seq)
    if found is None:
        raise NotFound(_("This entry is not yet in a signed checkpoint."), detail=f"entry {seq}")
    response = Response(found.json(settings), mimetype="application/json")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="sportello-audit-entry-{seq}.json"'
    )
    return response


PAYMENT_ACTIONS = ("counter.payment_completed", "payment.online_completed")


def receipt_inclusion(session: Session, receipt_id: str) -> str | None:
    """The proof document (JSON text) of the audit entry of the payment with this receipt,
    once a signed checkpoint includes it."""
    needle = canonical({"receipt_id": receipt_id})[1:-1]  # "receipt_id":"..."
    seqs = session.scalars(
        select(AuditEntry.seq).where(
            AuditEntry.action.in_(PAYMENT_ACTIONS), AuditEntry.data.contains(needle)
        )
    ).all()
    settings = audit_settings()
    found = inclusions(session, settings, seqs)
    for seq in seqs:
        if seq in found and json.loads(found[seq].entry).get("data", "").find(needle) >= 0:
            return found[seq].json(settings)
    return None
