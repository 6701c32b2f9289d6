"""OIDC login through the gateway against a real local OpenID provider over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway import create_app
from gateway.db import db
from gateway.models import AuditEntry
from identity.testop import TestOPClient, start_test_op

from ..conftest import make_config

CALLBACK = "http://127.0.0.1:5000/accedi/oidc/callback"
SECRET = "TEST-ONLY-oidc-secret"


@pytest.fixture(scope="module")
def provider() -> Iterator[Any]:
    running = start_test_op(clients=[TestOPClient("sportello", (CALLBACK,), SECRET)])
    yield running
    running.stop()


@pytest.fixture
def oidc_app(database_url: str, simulators: Any, provider: Any) -> Iterator[Flask]:
    app = create_app(
        make_config(
            database_url,
            simulators_url=simulators.base_url,
            oidc_issuer=provider.issuer,
            oidc_client_secret=SECRET,
        )
    )
    yield app
    db.dispose(app)


def authorize(client: FlaskClient, fiscal_code: str, next_url: str = "/area-personale/") -> str:
    """Start at the gateway, approve at the provider as ``fiscal_code``; the callback query."""
    start = client.get("/accedi/oidc", query_string={"next": next_url})
    assert start.status_code == 302
    url = start.headers["Location"]
    answer = requests.get(
        url + "&" + urlencode({"login_hint": fiscal_code}), allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(CALLBACK)
    return urlsplit(location).query


def test_oidc_login_round_trip(oidc_app: Flask) -> None:
    client = oidc_app.test_client()
    assert 'data-testid="oidc-login"' in client.get("/accedi").get_data(as_text=True)
    query = authorize(client, "BNCGLI85C55F205C")
    response = client.get("/accedi/oidc/callback?" + query)
    assert response.status_code == 302 and response.headers["Location"] == "/area-personale/"
    assert "Ciao, Giulia" in client.get("/area-personale/").get_data(as_text=True)
    with db.fresh_session(oidc_app) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "auth.login")).one()
        assert entry.subject == "BNCGLI85C55F205C" and '"method":"oidc"' in entry.data


def test_a_callback_from_another_browser_is_refused(oidc_app: Flask) -> None:
    victim, attacker = oidc_app.test_client(), oidc_app.test_client()
    victim.get("/accedi/oidc")
    query = authorize(attacker, "RMNCHR95B68D612V")
    response = victim.get("/accedi/oidc/callback?" + query)
    assert response.status_code == 403
    assert victim.get("/area-personale/").status_code == 302


def test_a_code_cannot_be_used_twice(oidc_app: Flask) -> None:
    client = oidc_app.test_client()
    query = authorize(client, "BNCGLI85C55F205C")
    assert client.get("/accedi/oidc/callback?" + query).status_code == 302
    assert client.get("/accedi/oidc/callback?" + query).status_code == 403


def test_provider_error_is_a_clear_page(oidc_app: Flask) -> None:
    client = oidc_app.test_client()
    start = client.get("/accedi/oidc")
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    response = client.get(
        "/accedi/oidc/callback?" + urlencode({"error": "access_denied", "state": state})
    )
    assert response.status_code == 403
    assert 'data-testid="login-refused"' in response.get_data(as_text=True)


def test_refusals_are_audited(oidc_app: Flask, session: Session) -> None:
    client = oidc_app.test_client()
    client.get("/accedi/oidc/callback?code=x&state=y")
    with db.fresh_session(oidc_app) as s:
        refused = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "auth.login_refused")
        ).all()
    assert len(refused) == 1 and "OIDC_STATE_MISMATCH" in refused[0].data


def test_the_level_asked_of_the_provider_is_the_pages_policy(oidc_app: Flask) -> None:
    client = oidc_app.test_client()
    start = client.get("/accedi/oidc", query_string={"next": "/area-personale/salute/"})
    acr = parse_qs(urlsplit(start.headers["Location"]).query)["acr_values"][0].split()
    assert acr[0] == "https://www.spid.gov.it/SpidL2"
    assert "https://www.spid.gov.it/SpidL1" not in acr
    query = authorize(client, "BNCGLI85C55F205C", "/area-personale/salute/")
    response = client.get("/accedi/oidc/callback?" + query)
    assert response.headers["Location"] == "/area-personale/salute/"
    assert client.get("/area-personale/salute/").status_code == 200


def test_a_provider_answering_below_the_level_is_refused(oidc_app: Flask, provider: Any) -> None:
    provider.op.tampering.acr = "https://www.spid.gov.it/SpidL1"
    try:
        client = oidc_app.test_client()
        query = authorize(client, "BNCGLI85C55F205C", "/area-personale/salute/")
        assert client.get("/accedi/oidc/callback?" + query).status_code == 403
        assert client.get("/area-personale/").status_code == 302
    finally:
        provider.op.tampering.acr = None


def test_the_callback_needs_the_binder_of_the_browser_that_started(oidc_app: Flask) -> None:
    client = oidc_app.test_client()
    query = authorize(client, "BNCGLI85C55F205C")
    client.delete_cookie("sportello_login")
    assert client.get("/accedi/oidc/callback?" + query).status_code == 403
    assert client.get("/area-personale/").status_code == 302


@pytest.mark.parametrize(
    "hostile", ["//evil.example/", "/%09/evil.example/", "https://evil.example/"]
)
def test_an_oidc_login_never_leaves_the_site(oidc_app: Flask, hostile: str) -> None:
    client = oidc_app.test_client()
    query = authorize(client, "BNCGLI85C55F205C", hostile)
    response = client.get("/accedi/oidc/callback?" + query)
    assert response.status_code == 302 and response.headers["Location"] == "/area-personale/"
