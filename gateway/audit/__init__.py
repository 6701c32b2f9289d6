"""The audit log: plain appends, a sequencer building an RFC 9162 Merkle tree, signed
checkpoints kept outside the database, proofs and witnesses (``witness.py``)."""

from .log import append_audit, canonical, entry_bytes

__all__ = ["append_audit", "canonical", "entry_bytes"]
