"""Request signing of partner terminals (HMAC-SHA256 with a per-terminal secret).

Every request of the counter API carries four headers::

    X-Terminal-Id:  TAB-0001
    X-Timestamp:    1764000000            (Unix time, seconds)
    X-Nonce:        16-64 characters of [A-Za-z0-9_-], never reused by this terminal
    X-Signature:    lowercase hex of HMAC-SHA256(secret, string_to_sign)

    string_to_sign = METHOD + "\\n" + PATH_WITH_QUERY + "\\n" + TIMESTAMP + "\\n" + NONCE
                     + "\\n" + lowercase hex SHA-256 of the raw body (of b"" when empty)

``secret`` is the terminal's secret as UTF-8 bytes; PATH_WITH_QUERY is the path as sent
(e.g. ``/counter/api/v1/payments/abc/close``) plus ``?query`` when there is one. The gateway
refuses with 401 UNAUTHORIZED_TERMINAL a missing header, an unknown terminal, a timestamp
more than 300 s from its clock, a wrong signature or a nonce already seen within that
window, and with 403 a disabled terminal. Nonces are remembered in the database (or in Redis
when SPORTELLO_REDIS_URL is set) until their timestamp is stale.

We chose HMAC rather than mutual TLS so that the scheme does not depend on a proxy's
configuration; TLS still protects the transport.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import time
from datetime import timedelta

from flask import Flask, Request
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db import db
from ..models import Terminal, TerminalNonce, utcnow
from ..payments.errors import UnauthorizedTerminal
from ..redis_store import redis_client
from .terminals import active_terminal, open_secret

log = logging.getLogger(__name__)
MAX_SKEW = 300
HEADERS = ("X-Terminal-Id", "X-Timestamp", "X-Nonce", "X-Signature")
_NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # ASCII digits: isdigit() also accepts "²"


def string_to_sign(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    return "\n".join((method.upper(), path, timestamp, nonce, digest)).encode()


def sign(secret: str, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    message = string_to_sign(method, path, timestamp, nonce, body)
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(
    terminal_id: str,
    secret: str,
    method: str,
    path: str,
    body: bytes = b"",
    *,
    timestamp: int | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """The headers a terminal sends (a reference client, used by the tests and the docs)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_urlsafe(18)
    return {
        "X-Terminal-Id": terminal_id,
        "X-Timestamp": ts,
        "X-Nonce": nonce,
        "X-Signature": sign(secret, method, path, ts, nonce, body),
    }


def _path_with_query(request: Request) -> str:
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")


def authenticate(app: Flask, session: Session, request: Request) -> Terminal:
    """The terminal that signed this request, or UnauthorizedTerminal / DisabledTerminal."""
    values = [request.headers.get(name, "") for name in HEADERS]
    terminal_id, timestamp, nonce, signature = values
    if not all(values):
        raise UnauthorizedTerminal(detail="missing signature headers")
    terminal = active_terminal(session, terminal_id)
    if not _TIMESTAMP.fullmatch(timestamp) or abs(time.time() - int(timestamp)) > MAX_SKEW:
        raise UnauthorizedTerminal(detail="stale or malformed timestamp")
    if not _NONCE.fullmatch(nonce):
        raise UnauthorizedTerminal(detail="malformed nonce")
    secret = open_secret(app.config["SPORTELLO"].secret_key, terminal)
    expected = sign(
        secret, request.method, _path_with_query(request), timestamp, nonce, request.get_data()
    )
    if not hmac.compare_digest(expected, signature.lower()):
        raise UnauthorizedTerminal(detail="signature does not match")
    # Only a correctly signed request spends its nonce, so nobody can burn a terminal's nonces.
    if not remember_nonce(app, terminal.id, nonce):
        raise UnauthorizedTerminal(detail="nonce already used")
    return terminal


def remember_nonce(app: Flask, terminal_id: str, nonce: str) -> bool:
    """Store the nonce until it is stale; False if it was already there (a replay).

    In Redis when it is configured; in the database when it is not, or while it is down (a
    nonce spent in Redis just before an outage is not seen there: the gap lasts at most the
    ten minutes a timestamp is valid).
    """
    lifetime = 2 * MAX_SKEW  # a timestamp can be up to MAX_SKEW in the future
    client = redis_client(app)
    if client is not None:
        try:
            key = f"sportello:nonce:{terminal_id}:{nonce}"
            return bool(client.set(key, 1, nx=True, ex=lifetime))
        except Exception:  # Redis down or slow: the database keeps the nonces meanwhile
            log.warning("counter nonces: Redis unavailable, using the database")
    now = utcnow()
    with db.side_session(app) as s:
        s.add(
            TerminalNonce(
                terminal_id=terminal_id, nonce=nonce, expires_at=now + timedelta(seconds=lifetime)
            )
        )
        try:
            s.commit()
        except IntegrityError:
            s.rollback()
            return False
        if secrets.randbelow(50) == 0:  # now and then, forget the stale ones
            s.execute(delete(TerminalNonce).where(TerminalNonce.expires_at < now))
            s.commit()
    return True
