"""With the database gone, every page answers 503 with an error id: never a 500, never a crash
of the error page itself (which must need neither the database nor the session)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from gateway import create_app
from gateway.db import db
from gateway.sessions import COOKIE_NAME

from ..conftest import make_config

NOWHERE = "postgresql+psycopg://sportello@127.0.0.1:9/nothing?connect_timeout=1"


@pytest.fixture
def down(simulators: Any) -> Iterator[Flask]:
    app = create_app(make_config(NOWHERE, simulators_url=simulators.base_url))
    yield app
    db.dispose(app)


SESSION = "a-session-id-the-database-would-know-" + "x" * 10


@pytest.mark.parametrize(
    ("path", "accept", "cookie"),
    [
        ("/area-personale/", "text/html", True),
        ("/area-personale/multe/", "text/html", True),
        ("/area-personale/", "application/json", True),
        ("/aiuto", "text/html", False),  # reads the offices
        ("/aiuto", "text/html", True),
        ("/accedi/spid?idp=x", "text/html", False),  # stores a pending login
        ("/readyz", "application/json", False),
        ("/readyz", "application/json", True),
    ],
)
def test_pages_answer_503_with_an_error_id(
    down: Flask, cookie: bool, path: str, accept: str
) -> None:
    client = down.test_client()
    if cookie:
        client.set_cookie(COOKIE_NAME, SESSION)
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    request_id = response.headers["X-Request-ID"]
    body = response.get_data(as_text=True)
    if path == "/readyz":
        assert response.json["checks"]["database"] == "down"
    elif accept == "application/json":
        assert response.json["code"] == "DATABASE_UNAVAILABLE"
        assert response.json["request_id"] == request_id
        assert response.headers["Retry-After"] == "5"
    else:
        assert request_id in body and "Traceback" not in body


def test_without_a_session_a_personal_page_asks_to_log_in(down: Flask) -> None:
    response = down.test_client().get("/area-personale/")
    assert response.status_code == 302 and "/accedi" in response.headers["Location"]


def test_a_form_post_with_a_session_cookie_is_a_503_too(down: Flask) -> None:
    client = down.test_client()
    client.set_cookie(COOKIE_NAME, SESSION)
    response = client.post("/esci", data={})
    assert response.status_code in (400, 503)  # CSRF, then the database: never a 500
    assert response.status_code != 500


def test_public_pages_without_the_database_still_render(down: Flask) -> None:
    client = down.test_client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 200
