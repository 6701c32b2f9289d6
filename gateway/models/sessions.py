"""Server-side web sessions: the cookie holds only a random id, the state lives here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class WebSession(Base):
    """One browser session; ``id_hash`` is the sha256 of the cookie value, never the value."""

    __tablename__ = "web_session"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    subject_cf: Mapped[str | None] = mapped_column(String(16), index=True)
    # sha256 of "IdP entity id + NameID" of a SAML login: an IdP's LogoutRequest finds it
    sso_key: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
