"""The audit log: hash-chained records of every security-relevant action."""

from .chain import ChainReport, append_audit, verify_chain

__all__ = ["ChainReport", "append_audit", "verify_chain"]
