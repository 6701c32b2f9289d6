"""SQLAlchemy models of the gateway, split by feature."""

from .audit import AuditCheckpoint, AuditEntry, AuditHead, AuditNode
from .base import Base, UTCDateTime, utcnow
from .cobrowse import SharedMessage, SharedProposal, SharedSession
from .forms import Delegation, Draft, KeptAnswers, ResumeGuess
from .health import BreakGlass, ClinicalAccess, HealthConsent, NamedClinician, ObscuredDocument
from .help import Desk, HelpRequest, Office, OpeningHours
from .identity import RoleAssignment, SamlAssertionSeen, SamlRequest
from .notifications import CitizenContact, InboxMessage
from .outbox import OutboxMessage
from .payments import (
    CounterCart,
    IdempotencyRecord,
    Notice,
    NoticeCounter,
    Payment,
    Terminal,
    TerminalNonce,
)
from .ratelimit import RateLimitBucket
from .sessions import WebSession
from .transactions import Document, Event, Transaction

__all__ = [
    "AuditCheckpoint",
    "AuditEntry",
    "AuditHead",
    "AuditNode",
    "Base",
    "BreakGlass",
    "CitizenContact",
    "ClinicalAccess",
    "CounterCart",
    "Delegation",
    "Desk",
    "Document",
    "Draft",
    "Event",
    "HealthConsent",
    "HelpRequest",
    "IdempotencyRecord",
    "InboxMessage",
    "KeptAnswers",
    "NamedClinician",
    "Notice",
    "NoticeCounter",
    "ObscuredDocument",
    "Office",
    "OpeningHours",
    "OutboxMessage",
    "Payment",
    "RateLimitBucket",
    "ResumeGuess",
    "RoleAssignment",
    "SamlAssertionSeen",
    "SamlRequest",
    "SharedMessage",
    "SharedProposal",
    "SharedSession",
    "Terminal",
    "TerminalNonce",
    "Transaction",
    "UTCDateTime",
    "WebSession",
    "utcnow",
]
