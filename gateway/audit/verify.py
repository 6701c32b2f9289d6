"""``flask audit verify``: the stored tree against the checkpoints kept outside the database,
and the records that must each have their audit entry against those entries.

Whoever can write the database can rewrite rows, nodes and the head together; they cannot
sign a checkpoint (the key is not in the database) nor change what the checkpoint file and
the witnesses already hold. So the tree is rebuilt from the entries alone and each filed
checkpoint's root must be the root of the rebuilt tree at its size: an edited, deleted,
inserted or reordered entry, a truncated tail or a recomputed history all change a root the
file already holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from tlog import merkle
from tlog.note import Note

from ..models import (
    AuditCheckpoint,
    AuditEntry,
    AuditHead,
    AuditNode,
    BreakGlass,
    ClinicalAccess,
    HealthConsent,
    Payment,
)
from .checkpoints import FiledCheckpoint, read_file
from .keys import AuditSettings
from .log import entry_bytes

CONSULTATIONS = tuple(
    f"health.{who}_{what}" for who in ("consult", "self", "guardian") for what in ("list", "open")
)
CONSENTS = ("health.consent_given", "health.consent_withdrawn")
BREAK_GLASS = ("health.break_glass",)
PAYMENTS = ("counter.payment_completed", "payment.online_completed")


@dataclass
class LogReport:
    entries: int = 0
    unsequenced: int = 0
    filed: int = 0
    cosigned: int = 0
    latest_filed: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class _Rebuild:
    """The tree rebuilt leaf by leaf, keeping the root at the sizes asked for."""

    def __init__(self, sizes: Iterable[int]) -> None:
        self.stack: list[tuple[int, bytes]] = []
        self.size = 0
        self.wanted = set(sizes)
        self.roots: dict[int, bytes] = {0: merkle.EMPTY_ROOT}

    def add(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        completed = [(0, self.size, leaf)]
        self.stack.append((0, leaf))
        index = self.size
        while len(self.stack) > 1 and self.stack[-1][0] == self.stack[-2][0]:
            (level, right), (_, left) = self.stack.pop(), self.stack.pop()
            index >>= 1
            digest = merkle.node_hash(left, right)
            self.stack.append((level + 1, digest))
            completed.append((level + 1, index, digest))
        self.size += 1
        if self.size in self.wanted:
            self.roots[self.size] = self.root()
        return completed

    def root(self) -> bytes:
        if not self.stack:
            return merkle.EMPTY_ROOT
        digest = self.stack[-1][1]
        for _, left in reversed(self.stack[:-1]):
            digest = merkle.node_hash(left, digest)
        return digest


def verify_log(session: Session, settings: AuditSettings, batch: int = 1000) -> LogReport:
    report = LogReport()
    filed: list[FiledCheckpoint] = []
    for item in read_file(settings.checkpoint_file, settings):
        if isinstance(item, str):
            report.problems.append(item)
        else:
            filed.append(item)
    stored = list(session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.size)))
    head = session.get(AuditHead, 1)
    sizes = {c.checkpoint.size for c in filed} | {c.size for c in stored}
    if head is not None:
        sizes.add(int(head.seq))
    tree = _Rebuild(sizes)
    _walk(session, tree, report, batch)
    report.entries = tree.size
    report.unsequenced = (
        session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.position.is_(None))
        )
        or 0
    )
    # An empty tree's head may hold any hash (it names no root).
    if head is not None and (
        head.seq != tree.size or (tree.size and head.last_hash != tree.root().hex())
    ):
        report.problems.append(
            f"the head names a tree of {head.seq} entries that is not the one the entries make "
            f"({tree.size})"
        )
    for c in filed:
        where = f"checkpoint of {c.checkpoint.size} entries (file line {c.line})"
        _against_tree(tree, c.checkpoint.size, c.checkpoint.root, where, report)
        _cosignatures(c.note, settings, report)
    for row in stored:
        _against_tree(tree, row.size, bytes(row.root), f"stored checkpoint of {row.size}", report)
    if filed:
        report.latest_filed = max(c.checkpoint.size for c in filed)
    elif tree.size:
        report.problems.append(
            f"no checkpoint in {settings.checkpoint_file}: the tree of {tree.size} entries "
            "cannot be checked against anything outside the database"
        )
    report.filed = len(filed)
    _cross_checks(session, report)
    return report


def _cosignatures(note: Note, settings: AuditSettings, report: LogReport) -> None:
    log_ids = {(v.name, v.key_id) for v in settings.log_verifiers}
    others = [s for s in note.signatures if (s.name, s.key_id) not in log_ids]
    for witness in settings.witnesses:
        if note.signed_by(witness) is not None:
            report.cosigned += 1
            others = [s for s in others if (s.name, s.key_id) != (witness.name, witness.key_id)]
    for s in others:
        if any(w.name == s.name and w.key_id == s.key_id for w in settings.witnesses):
            report.problems.append(f"a cosignature of {s.name} does not verify")


def _against_tree(tree: _Rebuild, size: int, root: bytes, where: str, report: LogReport) -> None:
    if size > tree.size:
        report.problems.append(
            f"{where}: the log holds only {tree.size} sequenced entries (truncated or deleted)"
        )
    elif tree.roots.get(size) != root:
        report.problems.append(
            f"{where}: the entries give another root hash (edited, inserted, deleted or "
            "reordered entries)"
        )


def _walk(session: Session, tree: _Rebuild, report: LogReport, batch: int) -> None:
    last = -1
    while True:
        entries = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.position > last)
            .order_by(AuditEntry.position)
            .limit(batch)
        ).all()
        if not entries:
            return
        rebuilt: dict[tuple[int, int], bytes] = {}
        for e in entries:
            assert e.position is not None
            if e.position != tree.size:
                report.problems.append(
                    f"tree position {tree.size} has no entry (the next is {e.position}): "
                    "entries were deleted"
                )
                return
            for level, index, digest in tree.add(merkle.leaf_hash(entry_bytes(e))):
                rebuilt[level, index] = digest
            last = e.position
        stored = {
            (level, index): digest
            for level, index, digest in session.execute(
                select(AuditNode.level, AuditNode.index, AuditNode.hash).where(
                    tuple_(AuditNode.level, AuditNode.index).in_(list(rebuilt))
                )
            )
        }
        for key, digest in rebuilt.items():
            if key not in stored or bytes(stored[key]) != digest:
                report.problems.append(
                    f"stored tree node {key} does not match the entries (proofs from it "
                    "would be wrong)"
                )
                return


def _cross_checks(session: Session, report: LogReport) -> None:
    """Every health access, consent change, break-glass grant and payment has its entry, and
    every such entry still has its record."""
    for model, actions, what in (
        (ClinicalAccess, CONSULTATIONS, "access-log row"),
        (HealthConsent, CONSENTS, "consent change"),
        (BreakGlass, BREAK_GLASS, "break-glass grant"),
    ):
        rows = session.execute(
            select(
                model.id, model.audit_seq, model.patient_cf, AuditEntry.action, AuditEntry.subject
            ).outerjoin(AuditEntry, AuditEntry.seq == model.audit_seq)
        ).all()
        for row_id, seq, patient, action, subject in rows:
            if action is None:
                report.problems.append(f"{what} {row_id} has no audit entry (entry {seq} is gone)")
            elif action not in actions or subject != patient:
                report.problems.append(f"{what} {row_id} does not match its audit entry {seq}")
        orphans = session.scalars(
            select(AuditEntry.seq)
            .outerjoin(model, model.audit_seq == AuditEntry.seq)
            .where(AuditEntry.action.in_(actions), model.id.is_(None))
        ).all()
        for seq in orphans:
            report.problems.append(f"audit entry {seq} ({what}) has no record: it was deleted")
    _payments(session, report)


def _payments(session: Session, report: LogReport) -> None:
    import json

    audited: dict[str, int] = {}
    for seq, data in session.execute(
        select(AuditEntry.seq, AuditEntry.data).where(AuditEntry.action.in_(PAYMENTS))
    ):
        try:
            receipt = json.loads(data).get("receipt_id")
        except (ValueError, AttributeError):
            receipt = None
        if isinstance(receipt, str):
            audited[receipt] = seq
        else:
            report.problems.append(f"payment audit entry {seq} names no receipt")
    paid = {
        r
        for r in session.scalars(select(Payment.receipt_id).where(Payment.receipt_id.is_not(None)))
        if r is not None
    }
    for receipt in sorted(r for r in paid if r not in audited):
        report.problems.append(f"payment with receipt {receipt} has no audit entry")
    for receipt in sorted(set(audited) - paid):
        report.problems.append(
            f"audit entry {audited[receipt]} records receipt {receipt}, whose payment is gone"
        )
