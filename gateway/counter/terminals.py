"""The registry of partner terminals and their secrets.

A terminal's secret is shown once, when it is created, and stored encrypted (AES-GCM with a
key derived from SPORTELLO_SECRET_KEY and the terminal id as associated data): the gateway
needs the secret itself to check HMAC signatures, so a one-way hash would not do. Rotating
SPORTELLO_SECRET_KEY therefore means issuing new terminal secrets (``flask counter
reset-secret``).
"""

from __future__ import annotations

import hmac
import re
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.orm import Session

from ..audit import append_audit
from ..models import Terminal, utcnow
from ..payments.errors import DisabledTerminal, UnauthorizedTerminal

TERMINAL_ID = re.compile(r"[A-Z0-9][A-Z0-9-]{2,31}")
_KDF_INFO = b"sportello terminal secrets v1"


def _cipher(secret_key: str) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KDF_INFO).derive(
        secret_key.encode()
    )
    return AESGCM(key)


def seal_secret(secret_key: str, terminal_id: str, secret: str) -> bytes:
    nonce = secrets.token_bytes(12)
    return nonce + _cipher(secret_key).encrypt(nonce, secret.encode(), terminal_id.encode())


def open_secret(secret_key: str, terminal: Terminal) -> str:
    blob = terminal.secret_enc
    return _cipher(secret_key).decrypt(blob[:12], blob[12:], terminal.id.encode()).decode()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def add_terminal(
    session: Session,
    *,
    secret_key: str,
    terminal_id: str,
    network: str,
    shop_name: str,
    shop_address: str,
    secret: str | None = None,
) -> tuple[Terminal, str]:
    """Register a terminal; returns it with its secret (shown once to the operator)."""
    if not TERMINAL_ID.fullmatch(terminal_id):
        raise ValueError("a terminal id is 3-32 upper-case letters, digits and dashes")
    if session.get(Terminal, terminal_id) is not None:
        raise ValueError(f"terminal {terminal_id} already exists")
    secret = secret or new_secret()
    terminal = Terminal(
        id=terminal_id,
        network=network,
        shop_name=shop_name,
        shop_address=shop_address,
        active=True,
        secret_enc=seal_secret(secret_key, terminal_id, secret),
    )
    session.add(terminal)
    append_audit(
        session,
        actor="system:cli",
        action="counter.terminal_added",
        subject=terminal_id,
        channel="system",
        data={"network": network, "shop": shop_name},
    )
    return terminal, secret


def set_active(session: Session, terminal_id: str, active: bool) -> Terminal:
    """Enable or disable a terminal; a disabled one is refused from its next request on."""
    terminal = session.get(Terminal, terminal_id)
    if terminal is None:
        raise ValueError(f"no terminal {terminal_id}")
    terminal.active = active
    terminal.disabled_at = None if active else utcnow()
    append_audit(
        session,
        actor="system:cli",
        action="counter.terminal_enabled" if active else "counter.terminal_disabled",
        subject=terminal_id,
        channel="system",
    )
    return terminal


def reset_secret(session: Session, secret_key: str, terminal_id: str) -> str:
    terminal = session.get(Terminal, terminal_id)
    if terminal is None:
        raise ValueError(f"no terminal {terminal_id}")
    secret = new_secret()
    terminal.secret_enc = seal_secret(secret_key, terminal_id, secret)
    append_audit(
        session,
        actor="system:cli",
        action="counter.terminal_secret_reset",
        subject=terminal_id,
        channel="system",
    )
    return secret


def active_terminal(session: Session, terminal_id: str) -> Terminal:
    """The registered, enabled terminal of a web terminal's session (already logged in):
    UnauthorizedTerminal (401) when unknown, DisabledTerminal (403) when disabled since."""
    terminal = session.get(Terminal, terminal_id) if terminal_id else None
    if terminal is None:
        raise UnauthorizedTerminal(detail=f"unknown terminal {terminal_id!r}")
    if not terminal.active:
        raise DisabledTerminal(detail=f"terminal {terminal_id} is disabled")
    return terminal


# Compared against when the terminal is unknown, so that an unknown id costs the same time.
_NO_SECRET = new_secret()


def registered_secret(
    session: Session, secret_key: str, terminal_id: str
) -> tuple[Terminal | None, str]:
    """The terminal with this id (enabled or not) and its secret; for an unknown id, None and
    a random secret nobody knows, so the caller's check fails the way a wrong secret does."""
    terminal = session.get(Terminal, terminal_id) if TERMINAL_ID.fullmatch(terminal_id) else None
    if terminal is None:
        return None, _NO_SECRET
    return terminal, open_secret(secret_key, terminal)


def enabled(terminal: Terminal | None, detail: str) -> Terminal:
    """The terminal whose secret was proven; an unknown or disabled one is refused exactly
    as a wrong secret is (401, same body), so terminal ids cannot be enumerated."""
    if terminal is None:
        raise UnauthorizedTerminal(detail=detail)
    if not terminal.active:
        raise UnauthorizedTerminal(detail=f"terminal {terminal.id} is disabled")
    return terminal


def check_password(session: Session, secret_key: str, terminal_id: str, secret: str) -> Terminal:
    """The web terminal's login: terminal id and secret, compared in constant time; an
    unknown id, a wrong secret and a disabled terminal get the same refusal."""
    terminal, expected = registered_secret(session, secret_key, terminal_id.strip().upper())
    if not hmac.compare_digest(expected.encode(), secret.encode()):
        raise UnauthorizedTerminal(detail="wrong terminal secret")
    return enabled(terminal, "unknown terminal")
