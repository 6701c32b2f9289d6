"""Anonymous visitors cost no database row: their CSRF secret and language travel signed."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.models import WebSession
from gateway.sessions import ANONYMOUS_COOKIE

from .auth_support import log_in
from .pages import csrf_token

PAGES = ["/", "/accedi", "/aiuto", "/verifica", "/healthz", "/non-esiste"]


def rows(session: Session) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(WebSession)) or 0)


def test_a_hundred_anonymous_page_views_create_no_session_row(
    client: FlaskClient, session: Session
) -> None:
    for n in range(100):
        fresh = client if n % 2 else client.application.test_client()
        assert fresh.get(PAGES[n % len(PAGES)]).status_code in (200, 404)
    assert rows(session) == 0


def test_an_anonymous_form_works_with_the_signed_csrf_secret(
    client: FlaskClient, session: Session
) -> None:
    token = csrf_token(client, "/verifica")
    assert client.get_cookie(ANONYMOUS_COOKIE) is not None
    posted = client.post("/verifica", data={"csrf_token": token, "seal": "not a seal"})
    assert posted.status_code in (200, 422)
    other = client.application.test_client()  # another browser, without the cookie
    refused = other.post("/verifica", data={"csrf_token": token, "seal": "not a seal"})
    assert refused.status_code == 400
    assert rows(session) == 0


def test_a_tampered_visit_cookie_is_ignored(client: FlaskClient) -> None:
    token = csrf_token(client, "/verifica")
    cookie = client.get_cookie(ANONYMOUS_COOKIE)
    assert cookie is not None
    client.set_cookie(ANONYMOUS_COOKIE, cookie.value[:-3] + "AAA")
    refused = client.post("/verifica", data={"csrf_token": token, "seal": "x"})
    assert refused.status_code == 400


def test_the_language_of_a_visitor_is_kept_without_a_row(
    client: FlaskClient, session: Session
) -> None:
    client.get("/lingua/en?next=/")
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert rows(session) == 0


def test_a_login_turns_the_visit_into_a_server_session(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    client.get("/lingua/en?next=/")
    assert client.get_cookie(ANONYMOUS_COOKIE) is not None
    log_in(client, app)
    assert client.get_cookie(ANONYMOUS_COOKIE) is None
    assert rows(session) == 1
    assert '<html lang="en">' in client.get("/area-personale/").get_data(as_text=True)
