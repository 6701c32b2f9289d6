"""Server-side sessions: the cookie carries a random id; the data stays in the database.

Idle and absolute timeouts are enforced on every request. ``rotate()`` issues a new id (at
login, so that a session id planted before login is worthless) and deletes the old row.

An anonymous visitor gets no row: as long as a session holds only ``CLIENT_SIDE_KEYS`` (the
CSRF secret, the chosen language, flash messages) it travels in a signed cookie — the
signed double-submit pattern for the CSRF token — and becomes a database session at the
first key that must stay on the server (a login, a pending OIDC request, a counter).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta
from typing import Any, cast

from flask import Flask, Request, Response, g
from flask import session as flask_session
from flask.sessions import SessionInterface, SessionMixin
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import ColumnElement, CursorResult, delete, insert, or_, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as DatabaseTimeout
from sqlalchemy.orm import Session
from werkzeug.datastructures import CallbackDict

from .db import Database
from .models import WebSession, utcnow

log = logging.getLogger(__name__)
DATABASE_DOWN = (OperationalError, DatabaseTimeout)
COOKIE_NAME = "sportello_session"
ANONYMOUS_COOKIE = "sportello_visit"
CLIENT_SIDE_KEYS = frozenset({"csrf_token", "lang", "_flashes", "expired"})
TOUCH_EVERY = timedelta(seconds=60)


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def sso_key(idp_entity_id: str, name_id: str) -> str:
    """What an IdP's LogoutRequest (IdP + NameID) finds a session by."""
    return hashlib.sha256(f"{idp_entity_id}\n{name_id}".encode()).hexdigest()


def _sso_key_of(data: dict[str, Any]) -> str | None:
    identity = data.get("identity") or {}
    if identity.get("method") in ("spid", "cie") and identity.get("name_id"):
        return sso_key(str(identity.get("idp_entity_id", "")), str(identity["name_id"]))
    return None


def session_id_hash(session: SessionMixin) -> str | None:
    """The stored id of this browser's current session (None when it has none yet)."""
    sid = getattr(session, "sid", None)
    return _hash(sid) if sid else None


def end_sessions(session: Any, *, id_hashes: Any = (), key: str | None = None) -> int:
    """Delete web sessions by id hash or by SSO key (in the caller's transaction)."""
    conditions: list[ColumnElement[bool]] = []
    if id_hashes:
        conditions.append(WebSession.id_hash.in_(list(id_hashes)))
    if key:
        conditions.append(WebSession.sso_key == key)
    if not conditions:
        return 0
    result = session.execute(delete(WebSession).where(or_(*conditions)))
    return int(result.rowcount or 0)


class ServerSession(CallbackDict[str, Any], SessionMixin):
    def __init__(
        self,
        initial: dict[str, Any] | None = None,
        sid: str | None = None,
        created_at: datetime | None = None,
        last_seen_at: datetime | None = None,
    ):
        def on_update(_self: Any) -> None:
            self.modified = True

        super().__init__(initial or {}, on_update)
        self.sid = sid
        self.new = sid is None
        self.modified = False
        self.created_at = created_at or utcnow()
        self.last_seen_at = last_seen_at
        self.rotate_requested = False
        self.stored: bool | None = None  # written by ``store_now``: True if a row is kept

    def rotate(self) -> None:
        """Give this session a new id when the response is sent; the old id stops working."""
        self.rotate_requested = True
        self.modified = True

    def destroy(self) -> None:
        """End the login: everything goes but the language, which is the browser's choice."""
        lang = self.get("lang")
        self.clear()
        if lang:
            self["lang"] = lang
        self.rotate()


class DatabaseSessionInterface(SessionInterface):
    def __init__(self, database: Database):
        self.database = database

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        sid = request.cookies.get(COOKIE_NAME)
        if not sid or len(sid) > 100:
            return ServerSession(_read_visit(app, request.cookies.get(ANONYMOUS_COOKIE)))
        config = app.config["SPORTELLO"]
        try:
            return self._open(app, sid, config)
        except DATABASE_DOWN:
            # The database is down: this request runs without its session (nobody logged
            # in); the error page it will most likely show must not need the session either.
            from .errors import database_unavailable

            log.error("session store unavailable: the request runs without its session")
            database_unavailable()
            return ServerSession()

    def _open(self, app: Flask, sid: str, config: Any) -> ServerSession:
        with self.database.fresh_session(app) as s:
            row = s.get(WebSession, _hash(sid))
            if row is None:
                return ServerSession()
            now = utcnow()
            idle = timedelta(minutes=config.session_idle_minutes)
            absolute = timedelta(hours=config.session_absolute_hours)
            if now - row.last_seen_at > idle or now - row.created_at > absolute:
                s.delete(row)
                s.commit()
                expired = ServerSession()
                expired["expired"] = True
                expired.modified = False
                return expired
            return ServerSession(dict(row.data), sid, row.created_at, row.last_seen_at)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        assert isinstance(session, ServerSession)
        config = app.config["SPORTELLO"]
        if session.sid is None and set(session) <= CLIENT_SIDE_KEYS:
            _save_visit(app, session, response)
            return
        response.delete_cookie(ANONYMOUS_COOKIE, path="/")
        if g.get("database_unavailable"):
            return  # nothing could be stored; the cookie the browser has stays as it is
        try:
            self._save(app, session, response, config)
        except DATABASE_DOWN:
            log.error("session store unavailable: the session was not saved")

    def _save(self, app: Flask, session: ServerSession, response: Response, config: Any) -> None:
        if session.stored is not None and not session.modified:
            _cookie(response, session.sid if session.stored else None, config)
            return  # written by ``store_now`` in the request's own transaction
        now = utcnow()
        touch = session.last_seen_at is None or now - session.last_seen_at > TOUCH_EVERY
        if not session.modified and not touch:
            return
        if not session and session.new:
            return
        with self.database.fresh_session(app) as s:
            kept = _write(s, session, now)
            s.commit()
        _cookie(response, session.sid if kept else None, config)


def _write(s: Session, session: ServerSession, now: datetime) -> bool:
    """Write the session's row in ``s``'s transaction, without committing; a new id is one
    insert, a known one one update. False when no row is left: the session is empty (its row
    deleted), or its row is gone — ended meanwhile by a logout, a single logout or another
    device's "log out everywhere" — and is not brought back."""
    if session.sid and (session.rotate_requested or not session):
        s.execute(delete(WebSession).where(WebSession.id_hash == _hash(session.sid)))
        session.rotate_requested = False
        if not session:
            return False
        session.sid = None
        session.created_at = now
    data = dict(session)
    values = {
        "data": data,
        "subject_cf": (session.get("identity") or {}).get("fiscal_code"),
        "sso_key": _sso_key_of(data),
        "last_seen_at": now,
    }
    session.last_seen_at = now
    if session.sid is None:
        session.sid = secrets.token_urlsafe(32)
        row = {"id_hash": _hash(session.sid), "created_at": session.created_at, **values}
        s.execute(insert(WebSession).values(**row))
        return True
    updated = s.execute(
        update(WebSession).where(WebSession.id_hash == _hash(session.sid)).values(**values)
    )
    return bool(cast(CursorResult[Any], updated).rowcount)


def store_now(s: Session) -> None:
    """Write this request's session in ``s``'s transaction, which the caller commits.

    At login the session row then commits with the login's own records (one transaction,
    and either both or neither); the response only sets the cookie. A change to the session
    after this is written again at the end of the request, as usual.
    """
    server = flask_session._get_current_object()  # type: ignore[attr-defined]
    assert isinstance(server, ServerSession)
    server.stored = _write(s, server, utcnow())
    server.modified = False


def _cookie(response: Response, sid: str | None, config: Any) -> None:
    """The session cookie for ``sid``, or its removal (no row is left for it)."""
    if sid is None:
        response.delete_cookie(COOKIE_NAME, path="/")
        return
    response.set_cookie(
        COOKIE_NAME, sid, httponly=True, secure=config.secure_cookies, samesite="Lax", path="/"
    )


def _visit_serializer(app: Flask) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(app.config["SPORTELLO"].secret_key, salt="sportello-visit")


def _read_visit(app: Flask, cookie: str | None) -> dict[str, Any] | None:
    """The anonymous visitor's session data, if the cookie is ours, intact and recent."""
    if not cookie or len(cookie) > 4000:
        return None
    max_age = app.config["SPORTELLO"].session_absolute_hours * 3600
    try:
        data = _visit_serializer(app).loads(cookie, max_age=max_age)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return {k: v for k, v in data.items() if k in CLIENT_SIDE_KEYS and k != "expired"}


def _save_visit(app: Flask, session: ServerSession, response: Response) -> None:
    if not session.modified:
        return
    data = {k: v for k, v in session.items() if k != "expired"}
    if not data:
        response.delete_cookie(ANONYMOUS_COOKIE, path="/")
        return
    config = app.config["SPORTELLO"]
    response.set_cookie(
        ANONYMOUS_COOKIE,
        _visit_serializer(app).dumps(data),
        max_age=config.session_absolute_hours * 3600,
        httponly=True,
        secure=config.secure_cookies,
        samesite="Lax",
        path="/",
    )
