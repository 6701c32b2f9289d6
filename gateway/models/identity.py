"""Login state kept by the gateway: pending SAML requests, seen assertions, assigned roles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class SamlRequest(Base):
    """An AuthnRequest sent to an IdP and not yet answered.

    Kept on the server, found again by its RelayState: the IdP's POST to the ACS is cross-site,
    so the browser may not send the session cookie with it.
    """

    __tablename__ = "saml_request"

    request_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    relay_state: Mapped[str] = mapped_column(String(128), unique=True)
    idp_entity_id: Mapped[str] = mapped_column(String(300))
    level: Mapped[int] = mapped_column(Integer)
    issue_instant: Mapped[datetime] = mapped_column(UTCDateTime)
    next_url: Mapped[str] = mapped_column(String(500), default="/area-personale/")
    lang: Mapped[str | None] = mapped_column(String(8))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # sha256 of the binder cookie of the browser that started the login (gateway/auth/binding)
    browser_hash: Mapped[str | None] = mapped_column(String(64))
    # who that browser's session was logged in as, and that session's id hash: the answer must
    # be the same person (a step-up), and replaces that session
    session_subject: Mapped[str | None] = mapped_column(String(16))
    session_hash: Mapped[str | None] = mapped_column(String(64))


class SamlAssertionSeen(Base):
    """Assertion ids already accepted, until they expire: the replay cache on the database."""

    __tablename__ = "saml_assertion_seen"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class RoleAssignment(Base):
    """A role the gateway grants to a person identified by fiscal code.

    Clerks belong to an office; clinicians have a professional registry number and a facility.
    Checked on every request, so revoking takes effect at once.
    """

    __tablename__ = "role_assignment"
    __table_args__ = (UniqueConstraint("fiscal_code", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_code: Mapped[str] = mapped_column(String(16), index=True)
    role: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    office: Mapped[str | None] = mapped_column(String(200))
    facility: Mapped[str | None] = mapped_column(String(200))
    registry_number: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
