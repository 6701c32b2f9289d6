"""Pages and probes: real data, both languages, errors that never leak internals."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from gateway.db import db
from gateway.fines.operations import fines_system
from gateway.transactions.operations import Actor, change_state
from gateway.transactions.states import State

from ..factories import CHIARA, MARIO, create_transaction, login


def test_home_is_italian_by_default_and_english_on_request(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="it">' in page
    assert "Comune di Villanova" in page
    assert "bootstrap-italia.min.css" in page
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in english and "Municipality of Villanova" in english


def test_language_switch_is_remembered(client: FlaskClient) -> None:
    response = client.get("/lingua/en?next=/")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    client.get("/lingua/it")
    assert '<html lang="it">' in client.get("/").get_data(as_text=True)


def test_language_switch_never_redirects_off_site(client: FlaskClient) -> None:
    for target in ("https://evil.example/", "//evil.example/"):
        response = client.get("/lingua/en", query_string={"next": target})
        assert response.headers["Location"] == "/"


def test_timeline_shows_who_did_what_on_which_channel(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    tx = create_transaction(session)
    clerk = Actor(
        kind="clerk",
        id="SPSNNA75S70L219W",
        name="Anna Esposito",
        channel="desk",
        on_behalf_of=MARIO["fiscal_code"],
    )
    change_state(session, tx, State.SUBMITTED, clerk, kind="submitted")
    session.commit()
    login(client, app)
    home = client.get("/area-personale/").get_data(as_text=True)
    assert tx.reference in home
    page = client.get(f"/area-personale/pratiche/{tx.reference}").get_data(as_text=True)
    assert "Pratica avviata" in page and "Richiesta inviata" in page
    assert "allo sportello comunale" in page
    assert "Anna Esposito (operatore comunale)" in page
    assert f"per conto di {MARIO['fiscal_code']}" in page


def test_another_citizen_cannot_open_the_timeline(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    tx = create_transaction(session)
    session.commit()
    login(client, app, CHIARA)
    theirs = client.get(f"/area-personale/pratiche/{tx.reference}")
    missing = client.get("/area-personale/pratiche/SP-ZZZZ-ZZZZ")
    assert theirs.status_code == missing.status_code == 404
    assert tx.title not in theirs.get_data(as_text=True)


def test_personal_area_asks_for_login(client: FlaskClient) -> None:
    response = client.get("/area-personale/")
    assert response.status_code == 302
    assert "/accedi" in response.headers["Location"]


@pytest.mark.parametrize(
    ("method", "path", "status", "headers", "data"),
    [
        ("GET", "/api/v1/missing", 404, {}, None),
        ("POST", "/healthz", 405, {"Accept": "application/json"}, None),
        ("POST", "/api/v1/missing", 404, {"Content-Type": "application/json"}, b"{"),
    ],
)
def test_api_errors_are_problem_json(
    client: FlaskClient,
    method: str,
    path: str,
    status: int,
    headers: dict[str, str],
    data: bytes | None,
) -> None:
    response = client.open(path, method=method, headers=headers, data=data)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = json.loads(response.data)
    assert body["status"] == status and body["code"] and body["type"].startswith("https://")
    assert body["request_id"] == response.headers["X-Request-ID"]


@pytest.mark.parametrize(
    ("path", "accept", "mimetype"),
    [
        ("/verifica", "application/json", "application/problem+json"),
        ("/verifica", "text/html", "text/html"),
    ],
)
def test_too_large_requests_are_refused_cleanly(
    app: Flask, client: FlaskClient, path: str, accept: str, mimetype: str
) -> None:
    """A body over the limit, to a route that reads its body: 413, never a 500."""
    too_big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(
        path,
        data=too_big,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
    )
    assert response.status_code == 413
    assert response.mimetype == mimetype


def test_browser_errors_are_friendly_pages_with_an_error_id(client: FlaskClient) -> None:
    response = client.get("/non-esiste", headers={"Accept": "text/html"})
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "La pagina che cerchi non esiste." in page
    assert response.headers["X-Request-ID"] in page
    assert "Traceback" not in page


def test_unexpected_errors_never_show_a_stack_trace(app: Flask) -> None:
    from flask import Blueprint

    from gateway.access import register

    broken = Blueprint("broken", __name__)

    @broken.get("/explode")
    def explode() -> str:
        raise RuntimeError("secret internal detail")

    register(app, broken, access="public")

    response = app.test_client().get("/explode")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internal detail" not in page and "Traceback" not in page
    assert response.headers["X-Request-ID"] in page


def test_security_headers(client: FlaskClient) -> None:
    headers = client.get("/").headers
    csp = headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_flags(app: Flask, client: FlaskClient) -> None:
    response = client.get("/lingua/en")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_healthz_and_readyz(client: FlaskClient) -> None:
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json["checks"]["database"] == "up"
    assert (
        ready.json["checks"]["migrations"]["current"] == ready.json["checks"]["migrations"]["head"]
    )


def test_an_instance_whose_request_pool_is_busy_is_still_ready(
    app: Flask, client: FlaskClient
) -> None:
    """Every connection of the requests' pool held (a burst of slow requests): readiness is
    checked on the side pool, so the instance is not taken out of rotation for being busy."""
    engine = db.engine(app)
    if engine is db.side_factory(app).kw["bind"]:
        pytest.skip("an in-memory database has one engine for both")
    pool = engine.pool
    held = [engine.connect() for _ in range(pool.size() + pool._max_overflow)]  # type: ignore[attr-defined]
    try:
        ready = client.get("/readyz")
    finally:
        for connection in held:
            connection.close()
    assert ready.status_code == 200, ready.get_data(as_text=True)
    assert ready.json["checks"]["database"] == "up"


def test_request_id_from_proxy_is_kept_when_well_formed(client: FlaskClient) -> None:
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abc12345-xyz"}).headers["X-Request-ID"]
        == "abc12345-xyz"
    )
    assert (
        client.get("/healthz", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"]
        != "<script>"
    )


def test_readyz_reports_each_legacy_connector(app: Flask, client: FlaskClient, simulators) -> None:

    assert client.get("/readyz").json["checks"]["legacy.fines"] == "up"
    simulators.control("fines", down=True)
    try:
        for _ in range(3):
            try:
                fines_system(app).list_by_fiscal_code("RSSMRA80A01H501U")
            except Exception as e:  # the outage itself is what this test provokes
                assert type(e).__name__ in ("Unavailable", "CircuitOpen")
        assert client.get("/readyz").json["checks"]["legacy.fines"] == "open"
    finally:
        simulators.reset()
