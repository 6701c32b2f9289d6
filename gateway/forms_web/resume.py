"""Resume codes in the gateway: stored as an HMAC, bound to a subject, expiring, throttled.

The code itself (``forms.resume``) is shown once and printed on the draft sheet; the database
keeps ``HMAC-SHA256(secret key, code)``, so a copy of the database opens no draft. A code that
opens nothing — unknown, expired, already submitted, or someone else's — gets one and the same
answer and counts as a guess; guesses are limited per client (an address or a terminal) and
overall (see ``forms.resume`` for why both). A mistyped code (wrong length, characters or check
character) is told apart and not counted: it reveals nothing about which codes exist.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from forms import InvalidResumeCode
from forms.resume import new_resume_code, normalize_resume_code

from ..models import Draft, ResumeGuess, utcnow
from ..ratelimit import LIMITS
from .errors import ResumeCodeMistyped, ResumeCodeNotFound, TooManyGuesses

OVERALL = "*"


@dataclass(frozen=True)
class ResumeSettings:
    """The HMAC key, how long a draft lives, and the guess limits."""

    secret: str
    draft_days: int = 30
    per_client: int = 10
    client_window: timedelta = timedelta(minutes=10)
    overall: int = 1000
    overall_window: timedelta = timedelta(days=1)

    @property
    def draft_ttl(self) -> timedelta:
        return timedelta(days=self.draft_days)


def resume_settings(app: Flask | None = None) -> ResumeSettings:
    """Settings of the app. The guess limits are the rate limits ``resume_code`` (per client)
    and ``resume_code_global`` of ``gateway.ratelimit`` (so SPORTELLO_RATE_LIMITS sets them),
    counted here over sliding windows and on failed guesses only."""
    target = app or current_app
    config = target.config["SPORTELLO"]
    limiter = target.extensions.get("sportello.ratelimiter")
    limits = limiter.limits if limiter is not None else LIMITS
    client, overall = limits["resume_code"], limits["resume_code_global"]
    return ResumeSettings(
        secret=config.secret_key,
        per_client=client.requests,
        client_window=timedelta(seconds=client.window_seconds),
        overall=overall.requests,
        overall_window=timedelta(seconds=overall.window_seconds),
    )


def code_hash(secret: str, code: str) -> str:
    """The stored form of a normalised code."""
    return hmac.new(secret.encode(), b"resume-code:" + code.encode(), hashlib.sha256).hexdigest()


def issue_code(draft: Draft, settings: ResumeSettings) -> str:
    """Give the draft a new code (the previous one stops working); return it to show once."""
    code = new_resume_code()
    draft.code_hash = code_hash(settings.secret, code)
    return code


def parse_code(text: str) -> str:
    """The normalised code, or ResumeCodeMistyped (with ``reason`` format/check)."""
    try:
        return normalize_resume_code(text)
    except InvalidResumeCode as e:
        raise ResumeCodeMistyped(
            reason=e.reason,
        ) from e


def check_throttle(
    session: Session, client: str, settings: ResumeSettings, now: datetime | None = None
) -> None:
    """Raise TooManyGuesses when the client, or everyone together, guessed too often."""
    now = now or utcnow()
    for who, limit, window in (
        (client, settings.per_client, settings.client_window),
        (OVERALL, settings.overall, settings.overall_window),
    ):
        since = now - window
        query = select(func.count(), func.min(ResumeGuess.at)).where(ResumeGuess.at > since)
        if who != OVERALL:
            query = query.where(ResumeGuess.client == who)
        count, oldest = session.execute(query).one()
        if count >= limit:
            wait = (oldest + window - now).total_seconds() if oldest else window.total_seconds()
            raise TooManyGuesses(
                retry_after=max(1, math.ceil(wait)),
                detail=f"resume guesses: {count} for {'everyone' if who == OVERALL else who}",
            )


def record_guess(
    session: Session, client: str, settings: ResumeSettings, now: datetime | None = None
) -> None:
    """Count a code that opened nothing; forget guesses older than every window."""
    now = now or utcnow()
    session.add(ResumeGuess(client=client[:64], at=now))
    horizon = now - max(settings.client_window, settings.overall_window)
    session.execute(delete(ResumeGuess).where(ResumeGuess.at < horizon))


def find_draft(
    session: Session,
    text: str,
    *,
    subject_cf: str | None,
    client: str,
    settings: ResumeSettings,
    now: datetime | None = None,
) -> Draft:
    """The open draft this code resumes, for ``subject_cf`` (None: any subject, read-only use).

    Raises TooManyGuesses, ResumeCodeMistyped or ResumeCodeNotFound. A failed guess is added to
    the session: the caller must commit it even though the request fails.
    """
    now = now or utcnow()
    check_throttle(session, client, settings, now)
    code = parse_code(text)
    draft = session.scalar(select(Draft).where(Draft.code_hash == code_hash(settings.secret, code)))
    if (
        draft is None
        or (subject_cf is not None and draft.subject_cf != subject_cf)
        or draft.expires_at <= now
        or draft.submitted_at is not None
    ):
        record_guess(session, client, settings, now)
        raise ResumeCodeNotFound(
            detail=f"resume code refused for client {client}",
        )
    return draft
