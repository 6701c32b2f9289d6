"""Rate limits: sliding windows counted in Redis (several workers) or in the database.

A limit has a name, a number of requests and a window; each request is counted under
``<name>:<who>:<window number>``, and the rate is the current window's count plus the previous
window's weighted by how much of it still lies within one window of now (the sliding-window
counter: no double burst at a window's edge). Going over answers 429 with ``Retry-After``.
Counting happens in its own short transaction, on the side pool, so that it never holds locks
or connections of the request's work.

Why not a library (Flask-Limiter, limits): when Redis fails, these counters carry on in the
database, shared by every worker, instead of falling back to per-process memory.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, current_app, request
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from werkzeug.exceptions import TooManyRequests

from .config import ConfigurationError
from .db import db
from .models.base import utcnow
from .models.ratelimit import RateLimitBucket
from .redis_store import redis_client

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    name: str
    requests: int
    window_seconds: int


# The limits of the gateway, in one place. Tests and operators read them here.
LIMITS = {
    # Per client address: a municipal office may log many people in behind one address.
    "login": Limit("login", 60, 60),
    "acs": Limit("acs", 60, 60),
    "resume_code": Limit("resume_code", 10, 600),
    "resume_code_global": Limit("resume_code_global", 1000, 86400),
    # The counter API: per address before the signature is checked, per terminal after.
    "counter_address": Limit("counter_address", 1200, 60),
    "counter": Limit("counter", 600, 60),
    # Debt look-ups by fiscal code, per terminal: a counter serves people, it does not survey.
    "counter_debts": Limit("counter_debts", 120, 3600),
    "callback_request": Limit("callback_request", 5, 3600),
    # Per clerk: codes of shared live sessions (7 characters, valid for minutes).
    "session_code": Limit("session_code", 10, 600),
    # Per address: answers to "how clear is this page?"; a family or an office shares one.
    "feedback": Limit("feedback", 30, 3600),
}


class RateLimiter:
    """Counts hits; ``hit`` returns the seconds to wait when over the limit, else 0."""

    def __init__(self, app: Flask) -> None:
        config = app.config["SPORTELLO"]
        self.app = app
        self.limits = dict(LIMITS)
        for item in config.split(config.rate_limits):
            # "name=requests/seconds", e.g. "login=60/60"
            name, _, spec = item.partition("=")
            count, _, seconds = spec.partition("/")
            try:
                self.limits[name] = Limit(name, int(count), int(seconds))
            except ValueError as e:
                raise ConfigurationError(
                    f"SPORTELLO_RATE_LIMITS: {item!r} is not name=requests/seconds"
                ) from e
        self.redis: Any = redis_client(app)

    def hit(self, limit: Limit, who: str) -> int:
        now = time.time()
        window = int(now // limit.window_seconds)
        key = f"{limit.name}:{who}:{window}"[:200]
        previous_key = f"{limit.name}:{who}:{window - 1}"[:200]
        left = (window + 1) * limit.window_seconds - now
        counts = None
        if self.redis is not None:
            try:
                counts = self._count_redis(key, previous_key, limit)
            except Exception:  # Redis down or slow: the database counts in the meantime
                log.warning("rate limits: Redis unavailable, counting in the database")
        if counts is None:
            counts = self._count_db(key, previous_key, 2 * limit.window_seconds)
        count, previous = counts
        weight = left / limit.window_seconds  # the share of the previous window still in range
        if count + previous * weight <= limit.requests:
            return 0
        return max(1, math.ceil(left))

    def _count_redis(self, key: str, previous_key: str, limit: Limit) -> tuple[int, int]:
        pipe = self.redis.pipeline()
        pipe.incr("sportello:rl:" + key)
        pipe.expire("sportello:rl:" + key, 2 * limit.window_seconds + 1)
        pipe.get("sportello:rl:" + previous_key)
        current, _, previous = pipe.execute()
        return int(current), int(previous or 0)

    def _count_db(self, key: str, previous_key: str, ttl: int) -> tuple[int, int]:
        with db.side_session(self.app) as session:
            dialect = session.get_bind().dialect.name
            insert = pg_insert if dialect == "postgresql" else sqlite_insert
            statement = (
                insert(RateLimitBucket)
                .values(key=key, count=1, expires_at=utcnow() + timedelta(seconds=ttl))
                .on_conflict_do_update(
                    index_elements=[RateLimitBucket.key],
                    set_={"count": RateLimitBucket.count + 1},
                )
                .returning(RateLimitBucket.count)
            )
            count = int(session.execute(statement).scalar_one())
            previous = session.scalar(
                select(RateLimitBucket.count).where(RateLimitBucket.key == previous_key)
            )
            if count == 1:  # a new window: sweep the old ones now and then
                session.execute(
                    delete(RateLimitBucket).where(RateLimitBucket.expires_at < utcnow())
                )
            session.commit()
            return count, int(previous or 0)


def init_rate_limits(app: Flask) -> None:
    app.extensions["sportello.ratelimiter"] = RateLimiter(app)


def client_address() -> str:
    """The client's address as the trusted proxy in front of us reports it."""
    return request.remote_addr or "-"


def check_limit(name: str, who: str | None = None) -> None:
    """Count one request against ``LIMITS[name]``; raise 429 with Retry-After when over."""
    limiter: RateLimiter = current_app.extensions["sportello.ratelimiter"]
    wait = limiter.hit(limiter.limits[name], who or client_address())
    if wait:
        error = TooManyRequests()
        error.retry_after = wait
        raise error


def rate_limited(name: str, who: Callable[[], str] | None = None) -> Callable[[F], F]:
    """Decorate a view: one hit of the named limit per request, per client by default."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            check_limit(name, who() if who else None)
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorator
