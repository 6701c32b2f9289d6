"""Form drafts with their resume codes, clerks' delegations, and resume-code guess counting."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .transactions import Transaction


class Draft(Base):
    """The answers of a form not yet submitted, and the code that reopens it on any channel.

    Only an HMAC of the resume code is kept (``code_hash``): the code itself is shown once, when
    it is issued, and printed on the draft sheet. A code opens the draft only for its subject
    and only until ``expires_at``; submitting the form clears it.
    """

    __tablename__ = "form_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("transaction.id"), unique=True)
    service: Mapped[str] = mapped_column(String(64))
    subject_cf: Mapped[str] = mapped_column(String(16), index=True)
    code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    transaction: Mapped[Transaction] = relationship()


class Delegation(Base):
    """A citizen present at the desk lets a clerk act for them: evidence, scope, expiry.

    ``evidence_type`` is ``identity_document`` (``document_type`` and ``evidence_number`` of
    the document the clerk checked in person) or ``delegation_form`` (the number of the signed
    form). ``scope`` lists the service ids the clerk may act on. Valid while not revoked and
    not expired; checked on every request.
    """

    __tablename__ = "delegation"

    id: Mapped[int] = mapped_column(primary_key=True)
    clerk_cf: Mapped[str] = mapped_column(String(16), index=True)
    clerk_name: Mapped[str] = mapped_column(String(200), default="")
    citizen_cf: Mapped[str] = mapped_column(String(16), index=True)
    citizen_name: Mapped[str] = mapped_column(String(200), default="")
    evidence_type: Mapped[str] = mapped_column(String(32))
    document_type: Mapped[str | None] = mapped_column(String(32))
    evidence_number: Mapped[str] = mapped_column(String(64))
    scope: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(64))

    def is_valid(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


class ResumeGuess(Base):
    """One resume code that opened nothing: counted per client and overall to throttle guessing."""

    __tablename__ = "resume_guess"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


Index("ix_resume_guess_client_at", ResumeGuess.client, ResumeGuess.at)


class KeptAnswers(Base):
    """What a citizen had typed in a form posted after their session expired, kept for the
    browser that posted it (``id_hash``: the SHA-256 of a random cookie) until they log in
    again; shown once, and only to the person the form was shown to (``owner_tag``: an HMAC
    of their fiscal code that the page carried)."""

    __tablename__ = "form_kept_answers"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    path: Mapped[str] = mapped_column(String(300))
    owner_tag: Mapped[str] = mapped_column(String(64))
    answers: Mapped[list[Any]] = mapped_column(JSON, default=list)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
