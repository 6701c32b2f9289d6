"""Factories: plain ``create_<thing>(**overrides)`` functions and a login helper."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from gateway.db import db
from gateway.models import Transaction, WebSession, utcnow
from gateway.sessions import COOKIE_NAME
from gateway.transactions.operations import Actor, open_transaction
from gateway.transactions.states import State

MARIO = {"fiscal_code": "RSSMRA80A01H501U", "name": "Mario", "family_name": "Rossi"}
CHIARA = {"fiscal_code": "RMNCHR95B68D612V", "name": "Chiara", "family_name": "Romano"}


def citizen_actor(cf: str = MARIO["fiscal_code"], channel: str = "web") -> Actor:
    return Actor(kind="citizen", id=cf, name="Mario Rossi", channel=channel)


def create_transaction(session: Session, **overrides: Any) -> Transaction:
    values: dict[str, Any] = {
        "service": "certificato_scolastico",
        "title": "Certificato di frequenza",
        "subject_cf": MARIO["fiscal_code"],
        "actor": citizen_actor(),
        "state": State.DRAFT,
        "amount_cents": 1600,
    }
    values.update(overrides)
    tx = open_transaction(session, **values)
    session.flush()
    return tx


def create_login_session(app: Flask, identity: dict[str, Any] | None = None, **extra: Any) -> str:
    """Store a logged-in server-side session and return its cookie value."""
    data = {"identity": {"method": "spid", "level": 2, **(identity or MARIO)}, **extra}
    sid = secrets.token_urlsafe(32)
    with db.fresh_session(app) as s:
        s.add(
            WebSession(
                id_hash=hashlib.sha256(sid.encode()).hexdigest(),
                data=data,
                subject_cf=data["identity"]["fiscal_code"],
                created_at=utcnow(),
                last_seen_at=utcnow(),
            )
        )
        s.commit()
    return sid


def login(client: Any, app: Flask, identity: dict[str, Any] | None = None) -> str:
    sid = create_login_session(app, identity)
    client.set_cookie(COOKIE_NAME, sid)
    return sid
