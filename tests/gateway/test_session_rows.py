"""Server-side session rows: written with the login, never brought back once ended."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.db import db
from gateway.models import AuditEntry, WebSession
from gateway.sessions import COOKIE_NAME, end_sessions
from tests.factories import MARIO, login

from .auth_support import log_in


def test_a_session_ended_while_a_request_runs_is_not_written_again(app: Flask) -> None:
    """A logout elsewhere (single logout, "log out everywhere") deletes the row while one of
    the session's requests is still running: that request's save must not bring it back."""
    sid = login(app.test_client(), app)
    # Open it as a request does, then end it from "another device" before the save.
    with app.test_request_context("/", headers={"Cookie": f"{COOKIE_NAME}={sid}"}) as ctx:
        opened = app.session_interface.open_session(app, ctx.request)
        assert opened is not None and opened["identity"]["fiscal_code"] == MARIO["fiscal_code"]
        with db.fresh_session(app) as s:
            assert end_sessions(s, key=None, id_hashes=[opened_hash(s)]) == 1
            s.commit()
        opened["lang"] = "en"  # the running request changes the session
        response = app.response_class("ok")
        app.session_interface.save_session(app, opened, response)
    with db.fresh_session(app) as s:
        assert s.scalars(select(WebSession)).all() == []
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith(f"{COOKIE_NAME}=;") for c in cookies), cookies


def opened_hash(s: Session) -> str:
    hashes = s.scalars(select(WebSession.id_hash)).all()
    assert len(hashes) == 1
    return hashes[0]


def test_the_login_writes_its_session_row_with_its_audit_entry(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    log_in(client, app)
    row = session.scalars(select(WebSession)).one()
    login_entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.login")).one()
    assert row.subject_cf == login_entry.subject == MARIO["fiscal_code"]
    assert row.data["identity"]["fiscal_code"] == MARIO["fiscal_code"]
    # The cookie the browser got is this row's, and the next page needs no other write.
    assert client.get("/area-personale/").status_code == 200
    with client.session_transaction() as kept:
        assert kept["identity"]["fiscal_code"] == MARIO["fiscal_code"]
