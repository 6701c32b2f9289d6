"""SQLAlchemy models of the gateway, split by feature."""

from .audit import AuditEntry, AuditHead
from .base import Base, UTCDateTime, utcnow
from .identity import RoleAssignment, SamlAssertionSeen, SamlRequest
from .outbox import OutboxMessage
from .ratelimit import RateLimitBucket
from .sessions import WebSession
from .transactions import Document, Event, Transaction

__all__ = [
    "AuditEntry",
    "AuditHead",
    "Base",
    "Document",
    "Event",
    "OutboxMessage",
    "RateLimitBucket",
    "RoleAssignment",
    "SamlAssertionSeen",
    "SamlRequest",
    "Transaction",
    "UTCDateTime",
    "WebSession",
    "utcnow",
]
