"""The SAML replay cache on the database, shared by every worker when Redis is not set up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import SamlAssertionSeen, utcnow


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
