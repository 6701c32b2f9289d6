"""The SAML replay cache on the database, shared by every worker when Redis is not set up."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from identity import ReplayCache

from ..models import SamlAssertionSeen, utcnow

log = logging.getLogger(__name__)


class DatabaseReplayCache:
    """``seen_before`` as an INSERT: the primary key makes check-and-add atomic."""

    def __init__(self, factory: Callable[[], Session]) -> None:
        self._factory = factory

    def seen_before(self, assertion_id: str, expires_at: dt.datetime) -> bool:
        with self._factory() as session:
            session.execute(
                delete(SamlAssertionSeen).where(SamlAssertionSeen.expires_at < utcnow())
            )
            session.add(SamlAssertionSeen(key=assertion_id[:300], expires_at=expires_at))
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                return True
            return False


class FallbackReplayCache:
    """Redis first; the database while Redis does not answer (never a failed login for it)."""

    def __init__(self, primary: ReplayCache, fallback: ReplayCache) -> None:
        self.primary = primary
        self.fallback = fallback

    def seen_before(self, assertion_id: str, expires_at: dt.datetime) -> bool:
        try:
            return self.primary.seen_before(assertion_id, expires_at)
        except Exception:  # Redis down or slow: an outage must not refuse every login
            log.warning("SAML replay cache: Redis unavailable, using the database")
            return self.fallback.seen_before(assertion_id, expires_at)
