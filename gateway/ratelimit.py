"""Rate limits: sliding windows counted in Redis (several workers) or in the database.

A limit has a name, a number of requests and a window; each request is counted under
``<name>:<who>:<window number>``, and the rate is the current window's count plus the previous
window's weighted by how much of it still lies within one window of now (the sliding-window
counter: no double burst at a window's edge). Going over answers 429 with ``Retry-After``.
Counting happens in its own short transaction, on the side pool, so that it never holds locks
or connections of the request's work.

Why not a library (Flask-Limiter, limits): when Redis fails, these counters carry on in the
database, shared by every worker, instead of falling back to per-process memory.

``admit`` is the counter API's gate in one Redis round trip (a Lua script): a limit before
a one-time key (the request's nonce), the key claimed only if that limit holds, then a second
limit — what three calls would do, in the order they would do it.
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


_RL = "sportello:rl:"


class _Window:
    """Where a hit of ``limit`` by ``who`` is counted now, and how to judge the counts."""

    def __init__(self, limit: Limit, who: str) -> None:
        now = time.time()
        window = int(now // limit.window_seconds)
        self.limit = limit
        self.key = f"{limit.name}:{who}:{window}"[:200]
        self.previous_key = f"{limit.name}:{who}:{window - 1}"[:200]
        self.left = (window + 1) * limit.window_seconds - now
        self.weight = self.left / limit.window_seconds  # the previous window's share in range
        self.ttl = 2 * limit.window_seconds + 1

    def wait(self, count: int, previous: int) -> int:
        """0 when ``count`` (this window) and ``previous`` are within the limit, else the
        seconds until this window ends."""
        if count + previous * self.weight <= self.limit.requests:
            return 0
        return max(1, math.ceil(self.left))


@dataclass(frozen=True)
class Once:
    """A key that may be claimed once (SET NX) for ``ttl`` seconds; ``fallback`` claims it
    elsewhere when Redis cannot, and says whether it was fresh."""

    key: str
    ttl: int
    fallback: Callable[[], bool]


@dataclass(frozen=True)
class Admission:
    wait: int  # seconds to wait when a limit is exceeded, else 0
    fresh: bool  # False: the one-time key had been claimed already


_OVER, _SEEN = 1, 2
# KEYS: first limit's window and previous window, the one-time key, second limit's windows.
# ARGV: first ttl, first limit, first weight of the previous window, once ttl, second ttl.
_ADMIT = """
local count = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1])
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
if count + previous * tonumber(ARGV[3]) > tonumber(ARGV[2]) then
  return {1, count, previous, 0, 0}
end
if not redis.call('SET', KEYS[3], 1, 'NX', 'EX', ARGV[4]) then
  return {2, count, previous, 0, 0}
end
local then_count = redis.call('INCR', KEYS[4])
redis.call('EXPIRE', KEYS[4], ARGV[5])
local then_previous = tonumber(redis.call('GET', KEYS[5]) or '0')
return {0, count, previous, then_count, then_previous}
"""


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
        self._admit_script: Any = None

    def hit(self, limit: Limit, who: str) -> int:
        window = _Window(limit, who)
        counts = None
        if self.redis is not None:
            try:
                counts = self._count_redis(window.key, window.previous_key, limit)
            except Exception:  # Redis down or slow: the database counts in the meantime
                log.warning("rate limits: Redis unavailable, counting in the database")
        if counts is None:
            counts = self._count_db(window.key, window.previous_key, 2 * limit.window_seconds)
        return window.wait(*counts)

    def admit(self, first: tuple[Limit, str], once: Once, then: tuple[Limit, str]) -> Admission:
        """Count ``first``; if it holds, claim ``once``; if that was fresh, count ``then``.

        One round trip to Redis; without Redis (or while it is down) the same steps with the
        database counters and ``once.fallback``.
        """
        a, b = _Window(*first), _Window(*then)
        if self.redis is not None:
            try:
                status, count, previous, then_count, then_previous = self._admit_redis(a, once, b)
            except Exception:  # Redis down or slow: the database counts in the meantime
                log.warning("rate limits: Redis unavailable, counting in the database")
            else:
                if status == _OVER:
                    return Admission(wait=a.wait(count, previous), fresh=True)
                if status == _SEEN:
                    return Admission(wait=0, fresh=False)
                return Admission(wait=b.wait(then_count, then_previous), fresh=True)
        wait = self.hit(*first)
        if wait:
            return Admission(wait=wait, fresh=True)
        if not once.fallback():
            return Admission(wait=0, fresh=False)
        return Admission(wait=self.hit(*then), fresh=True)

    def _admit_redis(self, a: _Window, once: Once, b: _Window) -> list[int]:
        if self._admit_script is None:
            self._admit_script = self.redis.register_script(_ADMIT)
        keys = [_RL + a.key, _RL + a.previous_key, once.key, _RL + b.key, _RL + b.previous_key]
        args = [a.ttl, a.limit.requests, repr(a.weight), once.ttl, b.ttl]
        return [int(v) for v in self._admit_script(keys=keys, args=args)]

    def _count_redis(self, key: str, previous_key: str, limit: Limit) -> tuple[int, int]:
        pipe = self.redis.pipeline()
        pipe.incr(_RL + key)
        pipe.expire(_RL + key, 2 * limit.window_seconds + 1)
        pipe.get(_RL + previous_key)
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
    _refuse_after(limiter.hit(limiter.limits[name], who or client_address()))


def check_admission(first: tuple[str, str | None], once: Once, then: tuple[str, str]) -> bool:
    """``RateLimiter.admit`` with limits by name (``first``'s who defaults to the client's
    address): raise 429 when a limit is exceeded; else whether ``once`` was fresh."""
    limiter: RateLimiter = current_app.extensions["sportello.ratelimiter"]
    admission = limiter.admit(
        (limiter.limits[first[0]], first[1] or client_address()),
        once,
        (limiter.limits[then[0]], then[1]),
    )
    _refuse_after(admission.wait)
    return admission.fresh


def _refuse_after(wait: int) -> None:
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
