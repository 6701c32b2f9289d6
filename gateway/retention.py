"""Retention is a job, not a hope: what the gateway deletes, after how long, and why.

Each kind of row that only grows has a period (days, ``SPORTELLO_RETENTION`` overrides them:
``idempotency=14,outbox=60``) or an expiry of its own; ``purge`` deletes what is past it, each
kind in its own short transaction. ``flask jobs run`` purges and writes the due reminders.

Kept on purpose, and not purged here: the audit log (the municipality's accountability),
the transactions and their timelines and documents (the administrative record), the health
record's consents and access log (the FSE rules give the patient the right to see who looked),
the inbox (the citizen's own messages).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session, sessionmaker

from .config import Config, ConfigurationError
from .models import (
    IdempotencyRecord,
    KeptAnswers,
    OutboxMessage,
    RateLimitBucket,
    ResumeGuess,
    SamlAssertionSeen,
    SamlRequest,
    SharedMessage,
    SharedProposal,
    SharedSession,
    TerminalNonce,
    WebSession,
    utcnow,
)


@dataclass(frozen=True)
class Period:
    days: int
    why: str


# Periods in days, and the reason each is long enough and no longer (GDPR art. 5(1)(e)).
PERIODS: dict[str, Period] = {
    "idempotency": Period(
        7,
        "a terminal may retry a payment call with the same key for a day; a week covers "
        "weekends and outages, after which the payment itself is the record",
    ),
    "outbox": Period(
        30,
        "delivered messages (payments told to the fines system, e-mails with their text) are "
        "kept a month to answer questions about a delivery, then only the timeline remains",
    ),
    "live_help": Period(
        30,
        "a shared live session's proposals and events, kept a month after it ended for a "
        "citizen's complaint about what a clerk proposed; the outcome is on the timeline",
    ),
    "saml_requests": Period(
        1,
        "a pending login is answered within minutes; a day of them helps diagnose failed logins",
    ),
    "resume_guesses": Period(1, "throttling guessed resume codes looks back a day at most"),
}


def periods(config: Config) -> dict[str, int]:
    """The periods in days, with ``SPORTELLO_RETENTION``'s overrides."""
    days = {name: period.days for name, period in PERIODS.items()}
    for item in Config.split(config.retention):
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or name not in PERIODS or not value.strip().isdigit() or int(value) < 1:
            raise ConfigurationError(
                f"SPORTELLO_RETENTION: {item!r} is not <kind>=<days>, kinds: {', '.join(PERIODS)}"
            )
        days[name] = int(value)
    return days


def purge(
    factory: sessionmaker[Session], config: Config, now: datetime | None = None
) -> dict[str, int]:
    """Delete what is past its period or expiry; how many rows of each kind went."""
    now = now or utcnow()
    days = periods(config)
    idle = timedelta(minutes=config.session_idle_minutes)
    absolute = timedelta(hours=config.session_absolute_hours)
    ended = now - timedelta(days=days["live_help"])
    old_sessions = select(SharedSession.id).where(
        SharedSession.ended_at.is_not(None), SharedSession.ended_at < ended
    )
    statements: dict[str, Callable[[], object]] = {
        "web_sessions": lambda: delete(WebSession).where(
            or_(WebSession.last_seen_at < now - idle, WebSession.created_at < now - absolute)
        ),
        "saml_requests": lambda: delete(SamlRequest).where(
            SamlRequest.expires_at < now - timedelta(days=days["saml_requests"])
        ),
        "saml_assertions": lambda: delete(SamlAssertionSeen).where(
            SamlAssertionSeen.expires_at < now
        ),
        "kept_answers": lambda: delete(KeptAnswers).where(KeptAnswers.expires_at < now),
        "terminal_nonces": lambda: delete(TerminalNonce).where(TerminalNonce.expires_at < now),
        "rate_limit_buckets": lambda: delete(RateLimitBucket).where(
            RateLimitBucket.expires_at < now
        ),
        "idempotency_records": lambda: delete(IdempotencyRecord).where(
            IdempotencyRecord.created_at < now - timedelta(days=days["idempotency"])
        ),
        "resume_guesses": lambda: delete(ResumeGuess).where(
            ResumeGuess.at < now - timedelta(days=days["resume_guesses"])
        ),
        "outbox_delivered": lambda: delete(OutboxMessage).where(
            OutboxMessage.status == "delivered",
            OutboxMessage.delivered_at < now - timedelta(days=days["outbox"]),
        ),
        "live_help_messages": lambda: delete(SharedMessage).where(
            SharedMessage.session_id.in_(old_sessions)
        ),
        "live_help_proposals": lambda: delete(SharedProposal).where(
            SharedProposal.session_id.in_(old_sessions)
        ),
    }
    counts: dict[str, int] = {}
    for name, statement in statements.items():
        with factory() as session:
            result = session.execute(statement())  # type: ignore[call-overload]
            session.commit()
            counts[name] = int(result.rowcount or 0)
    return counts
