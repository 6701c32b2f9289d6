"""SPID login through the gateway: metadata, AuthnRequest, ACS, roles, logout."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.models import AuditEntry, RoleAssignment
from tests.gateway.audit_support import assert_log_intact

from .auth_support import MARIO_CF, builtin_idp, csrf_token, finish_login, start_login


def test_metadata_is_signed_spid_metadata(client: FlaskClient) -> None:
    response = client.get("/saml/metadata")
    assert response.mimetype == "application/samlmetadata+xml"
    root = etree.fromstring(response.data)
    ns = {
        "md": "urn:oasis:names:tc:SAML:2.0:metadata",
        "ds": "http://www.w3.org/2000/09/xmldsig#",
        "spid": "https://spid.gov.it/saml-extensions",
    }
    assert root.find("ds:Signature", ns) is not None
    assert root.findtext(".//spid:IPACode", namespaces=ns) == "c_x000"
    assert root.find(".//spid:Public", ns) is not None


def test_full_login_lands_in_the_personal_area_with_the_name(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    before = "planted-by-someone-else-" + "x" * 20  # session fixation: a cookie set beforehand
    client.set_cookie("sportello_session", before)
    request = start_login(client, app)
    assert request.level == 1  # the personal area's policy level
    response = finish_login(client, app, request)
    assert response.status_code == 302 and response.headers["Location"] == "/area-personale/"
    assert client.get_cookie("sportello_session").value != before  # rotated at login
    page = client.get("/area-personale/").get_data(as_text=True)
    assert "Ciao, Mario" in page
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.login")).all()
    assert [a.subject for a in audit] == [MARIO_CF]
    assert_log_intact(app)


def test_a_response_cannot_be_used_twice(app: Flask, client: FlaskClient) -> None:
    request = start_login(client, app)
    _acs, saml_response, relay_state = builtin_idp(app).build_response(request, MARIO_CF)
    form = {"SAMLResponse": saml_response, "RelayState": relay_state}
    assert client.post("/saml/acs", data=form).status_code == 302
    other = app.test_client()
    replay = other.post("/saml/acs", data=form)
    assert replay.status_code == 403
    assert "Ciao" not in other.get("/area-personale/", follow_redirects=True).get_data(as_text=True)


@pytest.mark.parametrize(
    ("defects", "reason_text"),
    [
        ({"sign_assertion": False, "sign_response": False}, "completare l"),
        ({"audience": "https://evil.example/sp"}, "completare l"),
        ({"level": 1}, "livello di sicurezza"),
        ({"spid_error": 22}, "consenso"),
        ({"spid_error": 19}, "tentativi"),
    ],
)
def test_bad_responses_are_refused_with_a_clear_page_and_audited(
    app: Flask, client: FlaskClient, session: Session, defects: dict[str, Any], reason_text: str
) -> None:
    request = start_login(client, app, "/area-personale/salute/")
    assert request.level == 2
    response = finish_login(client, app, request, **defects)
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert 'data-testid="login-refused"' in page
    assert reason_text.lower() in page.lower()
    assert "Traceback" not in page and "saml" not in page.lower().split("<main")[1][:2000]
    refusals = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "auth.login_refused")
    ).all()
    assert len(refusals) == 1
    assert client.get("/area-personale/").status_code == 302  # still not logged in


def test_a_login_started_in_another_browser_is_refused(app: Flask, client: FlaskClient) -> None:
    """Login CSRF: a response for someone else's request, posted into this browser's session."""
    start_login(client, app)  # this browser has its own pending request
    attacker = app.test_client()
    their_request = start_login(attacker, app)
    response = finish_login(client, app, their_request)
    assert response.status_code == 403


def test_unknown_relay_state_and_garbage_are_refused(client: FlaskClient) -> None:
    for form in (
        {},
        {"SAMLResponse": "not base64 !", "RelayState": "x"},
        {"SAMLResponse": "PHNhbWw+", "RelayState": ""},
    ):
        response = client.post("/saml/acs", data=form)
        assert response.status_code == 403


def test_an_unknown_idp_is_a_clear_400(client: FlaskClient) -> None:
    assert client.get("/accedi/spid?idp=https://unknown.example").status_code == 400
    assert client.get("/accedi/spid").status_code == 400


def test_next_is_kept_and_never_leaves_the_site(app: Flask, client: FlaskClient) -> None:
    request = start_login(client, app, next_url="//evil.example/")
    response = finish_login(client, app, request)
    assert response.headers["Location"] == "/area-personale/"


def test_roles_are_checked_on_every_request(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    from flask import Blueprint

    from gateway.access import register

    desk = Blueprint("probe_desk", __name__)

    @desk.get("/probe-desk")
    def probe() -> str:
        return "desk"

    register(app, desk, access="clerk")
    request = start_login(client, app, "/probe-desk")
    finish_login(client, app, request, user="SPSNNA75S70L219W")
    assert client.get("/probe-desk").status_code == 403
    role = RoleAssignment(fiscal_code="SPSNNA75S70L219W", role="clerk", office="URP")
    session.add(role)
    session.commit()
    assert client.get("/probe-desk").get_data(as_text=True) == "desk"
    role.active = False
    session.commit()
    assert client.get("/probe-desk").status_code == 403


def test_logout_ends_the_session_and_starts_single_logout(app: Flask, client: FlaskClient) -> None:
    request = start_login(client, app)
    finish_login(client, app, request)
    response = client.post("/esci", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert response.headers["Location"].startswith(builtin_idp(app).settings.slo_url)
    assert client.get("/area-personale/").status_code == 302


def test_the_language_chosen_survives_logout(app: Flask, client: FlaskClient) -> None:
    client.get("/lingua/en")
    request = start_login(client, app)
    finish_login(client, app, request)
    assert '<html lang="en">' in client.get("/area-personale/").get_data(as_text=True)
    client.post("/esci", data={"csrf_token": csrf_token(client)})
    page = client.get("/uscita").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert client.get("/area-personale/").status_code == 302  # the login itself is gone


def test_idle_sessions_expire(app: Flask, client: FlaskClient, session: Session) -> None:
    from datetime import timedelta

    from gateway.models import WebSession, utcnow

    request = start_login(client, app)
    finish_login(client, app, request)
    assert client.get("/area-personale/").status_code == 200
    row = session.scalars(select(WebSession)).one()
    row.last_seen_at = utcnow() - timedelta(minutes=31)
    session.commit()
    response = client.get("/area-personale/")
    assert response.status_code == 302
