"""Logging in through the real endpoints: the gateway's AuthnRequest, the test IdP's answer."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient

from . import pages

MARIO_CF = "RSSMRA80A01H501U"
GIULIA_CF = "BNCGLI85C55F205C"


def builtin_idp(app: Flask) -> Any:
    return app.extensions["sportello.test_idp"]


def start_login(
    client: FlaskClient, app: Flask, next_url: str = "/area-personale/", **query: Any
) -> Any:
    """``/accedi/spid`` for the test IdP; the AuthnRequest as the IdP reads it."""
    idp = builtin_idp(app)
    response = client.get(
        "/accedi/spid",
        query_string={"idp": idp.settings.entity_id, "next": next_url, **query},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    location = response.headers["Location"]
    assert location.startswith(idp.settings.sso_url)
    return idp.parse_authn_request(binding="redirect", query_string=urlsplit(location).query)


def idp_answer(app: Flask, request: Any, user: str = MARIO_CF, **defects: Any) -> dict[str, str]:
    """The form the IdP's page posts to the ACS."""
    acs, saml_response, relay_state = builtin_idp(app).build_response(request, user, **defects)
    assert urlsplit(acs).path == "/saml/acs"
    return {"SAMLResponse": saml_response, "RelayState": relay_state}


def finish_login(
    client: FlaskClient, app: Flask, request: Any, user: str = MARIO_CF, **defects: Any
) -> Any:
    return client.post("/saml/acs", data=idp_answer(app, request, user, **defects))


def log_in(
    client: FlaskClient, app: Flask, user: str = MARIO_CF, next_url: str = "/area-personale/"
) -> Any:
    """A whole SAML login; returns the ACS's response."""
    response = finish_login(client, app, start_login(client, app, next_url), user)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def csrf_token(client: FlaskClient, path: str = "/area-personale/") -> str:
    return pages.csrf_token(client, path)
