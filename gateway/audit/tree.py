"""The Merkle tree in the database: complete subtrees in ``audit_node``, proofs from them.

Only the sequencer writes nodes; everything else reads. A proof reads O(log n) nodes.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from tlog import merkle

from ..models import AuditHead, AuditNode


class NodeStore:
    """Reads complete subtrees, caching what it read or was told (one per transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.known: dict[tuple[int, int], bytes] = {}

    def complete(self, level: int, index: int) -> bytes:
        key = (level, index)
        if key not in self.known:
            digest = self.session.scalar(
                select(AuditNode.hash).where(AuditNode.level == level, AuditNode.index == index)
            )
            if digest is None:
                raise LookupError(f"no stored subtree at level {level}, index {index}")
            self.known[key] = bytes(digest)
        return self.known[key]

    def prefetch(self, keys: Iterable[tuple[int, int]]) -> None:
        wanted = [k for k in keys if k not in self.known]
        if not wanted:
            return
        rows = self.session.execute(
            select(AuditNode.level, AuditNode.index, AuditNode.hash).where(
                tuple_(AuditNode.level, AuditNode.index).in_(wanted)
            )
        )
        for level, index, digest in rows:
            self.known[level, index] = bytes(digest)

    def add(self, level: int, index: int, digest: bytes) -> None:
        self.known[level, index] = digest
        self.session.add(AuditNode(level=level, index=index, hash=digest))

    def subtree(self, start: int, end: int) -> bytes:
        return merkle.aligned_subtree(self.complete)(start, end)

    def root(self, size: int) -> bytes:
        return merkle.root_from_frontier(size, self.complete)


def tree_size(session: Session) -> int:
    head = session.get(AuditHead, 1)
    return int(head.seq) if head is not None else 0


def inclusion_proof(session: Session, index: int, size: int) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of ``size`` leaves (ProofError if
    either is out of the tree as it stands)."""
    if size > tree_size(session):
        raise merkle.ProofError(f"the tree has fewer than {size} leaves")
    return merkle.inclusion_proof(index, size, NodeStore(session).subtree)


def consistency_proof(session: Session, old_size: int, new_size: int) -> list[bytes]:
    if new_size > tree_size(session):
        raise merkle.ProofError(f"the tree has fewer than {new_size} leaves")
    return merkle.consistency_proof(old_size, new_size, NodeStore(session).subtree)
