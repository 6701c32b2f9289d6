"""SQLAlchemy models of the gateway, split by feature."""

from .audit import AuditEntry, AuditHead
from .base import Base, UTCDateTime, utcnow
from .outbox import OutboxMessage
from .sessions import WebSession
from .transactions import Document, Event, Transaction

__all__ = [
    "AuditEntry",
    "AuditHead",
    "Base",
    "Document",
    "Event",
    "OutboxMessage",
    "Transaction",
    "UTCDateTime",
    "WebSession",
    "utcnow",
]
