"""Request signing of partner terminals (HMAC-SHA256 with a per-terminal secret).

Every request of the counter API carries four headers::

    X-Terminal-Id:  TAB-0001
    X-Timestamp:    1764000000            (Unix time, seconds)
    X-Nonce:        16-64 characters of [A-Za-z0-9_-], never reused by this terminal
    X-Signature:    lowercase hex of HMAC-SHA256(secret, string_to_sign)

    string_to_sign = METHOD + "\\n" + PATH_WITH_QUERY + "\\n" + TIMESTAMP + "\\n" + NONCE
                     + "\\n" + lowercase hex SHA-256 of the raw body (of b"" when empty)

``secret`` is the terminal's secret as UTF-8 bytes. PATH_WITH_QUERY is the request path
percent-decoded as UTF-8 (``/counter/api/v1/payments/abc/close``; a terminal that sends only
unreserved characters, as every documented path has, signs the path it sends), then ``?``
and the query string exactly as sent, when there is one. TIMESTAMP is 1-12 ASCII digits;
NONCE 16-64 ASCII characters; the signature 64 hex digits. A header not of this form
is refused with 400 INVALID_REQUEST; the gateway refuses with 401 UNAUTHORIZED_TERMINAL a
missing header, a timestamp more than 300 s from its
clock, a wrong signature, a nonce already seen within that window — and, only once the
signature has been checked, an unknown or disabled terminal, with the same answer as a wrong
signature, so that terminal ids cannot be told apart. Nonces are remembered in the database
(or in Redis when SPORTELLO_REDIS_URL is set) until their timestamp is stale; in Redis the
nonce is spent in the same round trip as the rate limits (``nonce_claim``).

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
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, Request
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db import db
from ..models import Terminal, TerminalNonce, utcnow
from ..payments.errors import UnauthorizedTerminal
from ..ratelimit import Once
from ..redis_store import redis_client
from .contract import MalformedRequest
from .terminals import TERMINAL_ID, enabled, registered_secret

log = logging.getLogger(__name__)
MAX_SKEW = 300
NONCE_LIFETIME = 2 * MAX_SKEW  # a timestamp can be up to MAX_SKEW in the future
HEADERS = ("X-Terminal-Id", "X-Timestamp", "X-Nonce", "X-Signature")
_NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # ASCII digits: isdigit() also accepts "²"
_SIGNATURE = re.compile(r"[0-9a-fA-F]{64}")
_FORMS = (TERMINAL_ID, _TIMESTAMP, _NONCE, _SIGNATURE)  # in the order of HEADERS


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


def signed_path(request: Request) -> str:
    """PATH_WITH_QUERY as the gateway signs it: the path percent-decoded (as UTF-8, what the
    routes see), then ``?`` and the query string exactly as sent, when there is one."""
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")


@dataclass(frozen=True)
class SignedCall:
    """A request whose signature was checked: its terminal and the nonce it has yet to spend."""

    terminal: Terminal
    nonce: str


def authenticate(app: Flask, session: Session, request: Request) -> Terminal:
    """The terminal that signed this request, nonce spent, or UnauthorizedTerminal."""
    call = verify_signature(app, session, request)
    # Only a correctly signed request spends its nonce, so nobody can burn a terminal's nonces.
    if not remember_nonce(app, call.terminal.id, call.nonce):
        raise UnauthorizedTerminal(detail="nonce already used")
    return call.terminal


def verify_signature(app: Flask, session: Session, request: Request) -> SignedCall:
    """The terminal that signed this request and its nonce (not spent yet), or
    UnauthorizedTerminal.

    Headers are checked for form first (ASCII only, bounded lengths, no database: a
    malformed one is a 400 INVALID_REQUEST), then the timestamp's age, then the signature;
    only a correctly signed request learns anything about its terminal: an unknown id, a
    disabled terminal and a wrong secret get the same 401. The caller spends the nonce
    (``remember_nonce``, or ``nonce_claim`` with the rate limits) before acting on it.
    """
    values = [request.headers.get(name, "") for name in HEADERS]
    terminal_id, timestamp, nonce, signature = values
    if not all(values):
        raise UnauthorizedTerminal(detail="missing signature headers")
    for name, value, form in zip(HEADERS, values, _FORMS, strict=True):
        if not form.fullmatch(value):
            raise MalformedRequest(
                _l("The header %(header)s is not valid.", header=name), detail=f"{name} malformed"
            )
    if abs(time.time() - int(timestamp)) > MAX_SKEW:
        raise UnauthorizedTerminal(detail="stale timestamp")
    terminal, secret = registered_secret(session, app.config["SPORTELLO"].secret_key, terminal_id)
    expected = sign(
        secret, request.method, signed_path(request), timestamp, nonce, request.get_data()
    )
    if not hmac.compare_digest(expected, signature.lower()):
        raise UnauthorizedTerminal(detail="signature does not match")
    return SignedCall(enabled(terminal, f"unknown terminal {terminal_id!r}"), nonce)


def nonce_claim(app: Flask, call: SignedCall) -> Once:
    """The call's nonce as a one-time key for ``ratelimit.check_admission``: in Redis, and in
    the database when Redis is not configured or down."""
    return Once(
        key=_nonce_key(call.terminal.id, call.nonce),
        ttl=NONCE_LIFETIME,
        fallback=lambda: _remember_in_database(app, call.terminal.id, call.nonce),
    )


def _nonce_key(terminal_id: str, nonce: str) -> str:
    return f"sportello:nonce:{terminal_id}:{nonce}"


def remember_nonce(app: Flask, terminal_id: str, nonce: str) -> bool:
    """Store the nonce until it is stale; False if it was already there (a replay).

    In Redis when it is configured; in the database when it is not, or while it is down (a
    nonce spent in Redis just before an outage is not seen there: the gap lasts at most the
    ten minutes a timestamp is valid).
    """
    client = redis_client(app)
    if client is not None:
        try:
            key = _nonce_key(terminal_id, nonce)
            return bool(client.set(key, 1, nx=True, ex=NONCE_LIFETIME))
        except Exception:  # Redis down or slow: the database keeps the nonces meanwhile
            log.warning("counter nonces: Redis unavailable, using the database")
    return _remember_in_database(app, terminal_id, nonce)


def _remember_in_database(app: Flask, terminal_id: str, nonce: str) -> bool:
    lifetime = NONCE_LIFETIME
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
