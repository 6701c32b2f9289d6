"""The one Redis client of an app, made from ``SPORTELLO_REDIS_URL`` with timeouts.

Rate limits, counter nonces, the SAML replay cache and live help all use ``redis_client``;
live help's listener thread, which waits on a subscription, gets its own connection from
``redis_subscriber`` (no read timeout there: silence is normal). No Redis configured: None.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

EXTENSION = "sportello.redis"
CONNECT_TIMEOUT_SECONDS = 1.0
SOCKET_TIMEOUT_SECONDS = 1.0
HEALTH_CHECK_SECONDS = 30


def redis_client(app: Flask) -> Any | None:
    """The app's shared client (thread-safe; a connection pool), or None without Redis."""
    if EXTENSION not in app.extensions:
        url = app.config["SPORTELLO"].redis_url
        app.extensions[EXTENSION] = _connect(url, SOCKET_TIMEOUT_SECONDS) if url else None
    return app.extensions[EXTENSION]


def redis_subscriber(app: Flask) -> Any:
    """A new client for a long-lived subscription: connect timeout, no read timeout."""
    return _connect(app.config["SPORTELLO"].redis_url, None)


def redis_state(app: Flask) -> str:
    """For /readyz: "up", "down" or "not configured"."""
    client = redis_client(app)
    if client is None:
        return "not configured"
    try:
        client.ping()
    except Exception:  # any failure to reach it means down, whatever redis-py raises
        return "down"
    return "up"


def init_redis(app: Flask) -> None:
    app.extensions.setdefault("sportello.readiness", {})["redis"] = lambda: redis_state(app)


def _connect(url: str, socket_timeout: float | None) -> Any:
    import redis

    return redis.Redis.from_url(
        url,
        socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
        socket_timeout=socket_timeout,
        health_check_interval=HEALTH_CHECK_SECONDS,
    )
