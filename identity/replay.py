"""Replay caches: remember assertion IDs until they expire, so each one is accepted only once."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any, Protocol


class ReplayCache(Protocol):
    """Atomic check-and-add of an assertion ID."""

    def seen_before(self, assertion_id: str, expires_at: dt.datetime) -> bool:
        """Record `assertion_id` until `expires_at`; return True if it was already recorded."""
        ...


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class InMemoryReplayCache:
    """Process-local cache: right for one process (demo, tests), wrong for several workers."""

    def __init__(self) -> None:
        self._seen: dict[str, dt.datetime] = {}
        self._lock = threading.Lock()

    def seen_before(self, assertion_id: str, expires_at: dt.datetime) -> bool:
        """See `ReplayCache.seen_before`; expired entries are purged on the way."""
        now = _utcnow()
        with self._lock:
            for key in [k for k, exp in self._seen.items() if exp <= now]:
                del self._seen[key]
            if assertion_id in self._seen:
                return True
            self._seen[assertion_id] = expires_at
            return False


class RedisReplayCache:
    """Cache shared by all workers: one Redis `SET key 1 NX EX ttl` per assertion.

    `client` is a `redis.Redis` (or anything with the same `set`). A Redis error propagates: the
    caller must refuse the login rather than risk accepting a replay.
    """

    def __init__(self, client: Any, prefix: str = "sportello:saml:assertion:") -> None:
        self._client = client
        self._prefix = prefix

    def seen_before(self, assertion_id: str, expires_at: dt.datetime) -> bool:
        """See `ReplayCache.seen_before`; the key lives at least one second."""
        ttl = max(1, int((expires_at - _utcnow()).total_seconds()) + 1)
        added = self._client.set(self._prefix + assertion_id, b"1", nx=True, ex=ttl)
        return not added
