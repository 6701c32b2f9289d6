"""Logins bound to their browser, SPID levels by policy, logout that cannot be forged.

Each attack is played against the running gateway with real signed responses of the test IdP,
on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway import create_app
from gateway.db import db
from gateway.models import AuditEntry, RoleAssignment, WebSession

from ..conftest import make_config
from ..factories import login
from .auth_support import (
    GIULIA_CF,
    MARIO_CF,
    builtin_idp,
    csrf_token,
    finish_login,
    idp_answer,
    log_in,
    start_login,
)

PAOLO = {"fiscal_code": "FRRPLA70E12A944T", "name": "Paolo", "family_name": "Ferrari"}


def logged_in_as(client: FlaskClient) -> str | None:
    """Whose name the personal area greets, or None when it asks for a login."""
    page = client.get("/area-personale/")
    if page.status_code != 200:
        return None
    text = page.get_data(as_text=True)
    return text.split("Ciao, ", 1)[1].split("<", 1)[0].strip() if "Ciao, " in text else None


def refusals(session: Session) -> list[str]:
    rows = session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.login_refused"))
    return [json.loads(row.data)["reason"] for row in rows]


# -- one login, one browser --------------------------------------------------------------------


def test_a_response_posted_into_an_anonymous_browser_is_refused(
    app: Flask, session: Session
) -> None:
    attacker, victim = app.test_client(), app.test_client()
    form = idp_answer(app, start_login(attacker, app), GIULIA_CF)
    response = victim.post("/saml/acs", data=form)
    assert response.status_code == 403
    assert "non è stato avviato da questo browser" in response.get_data(as_text=True)
    assert logged_in_as(victim) is None
    assert refusals(session) == ["BROWSER_MISMATCH"]
    # The attacker's own browser could still have used it: nothing was consumed.
    assert attacker.post("/saml/acs", data=form).status_code == 302


def test_a_response_posted_into_a_logged_in_browser_does_not_switch_it(
    app: Flask, session: Session
) -> None:
    victim, attacker = app.test_client(), app.test_client()
    log_in(victim, app, MARIO_CF)
    form = idp_answer(app, start_login(attacker, app), GIULIA_CF)
    assert victim.post("/saml/acs", data=form).status_code == 403
    assert logged_in_as(victim) == "Mario"
    assert refusals(session) == ["BROWSER_MISMATCH"]


def test_a_response_for_another_browsers_request_is_refused_mid_login(app: Flask) -> None:
    victim, attacker = app.test_client(), app.test_client()
    start_login(victim, app)  # the victim has a login of its own under way
    form = idp_answer(app, start_login(attacker, app), GIULIA_CF)
    assert victim.post("/saml/acs", data=form).status_code == 403
    assert logged_in_as(victim) is None


def test_without_the_binder_cookie_the_answer_is_refused(app: Flask) -> None:
    client = app.test_client()
    request = start_login(client, app)
    client.delete_cookie("sportello_login")
    assert finish_login(client, app, request).status_code == 403
    assert logged_in_as(client) is None


def test_a_forged_binder_cookie_is_refused(app: Flask) -> None:
    client = app.test_client()
    request = start_login(client, app)
    client.set_cookie("sportello_login", "A" * 43)
    assert finish_login(client, app, request).status_code == 403


def test_one_browser_can_have_two_logins_under_way(app: Flask) -> None:
    """Two tabs: both requests carry the same binder, either answer completes."""
    client = app.test_client()
    first = start_login(client, app)
    second = start_login(client, app, "/area-personale/messaggi/")
    assert first.request_id != second.request_id
    response = finish_login(client, app, second)
    assert response.headers["Location"] == "/area-personale/messaggi/"


def test_a_login_never_switches_a_session_to_another_person(app: Flask, session: Session) -> None:
    """Logged in as Mario, the same browser completes a login as Giulia: refused."""
    client = app.test_client()
    log_in(client, app, MARIO_CF)
    response = finish_login(client, app, start_login(client, app), GIULIA_CF)
    assert response.status_code == 403
    assert "sei già entrato come" in response.get_data(as_text=True)
    assert logged_in_as(client) == "Mario"
    assert refusals(session) == ["SESSION_SWITCH"]


def test_a_step_up_keeps_the_person_and_replaces_the_old_session(
    app: Flask, session: Session
) -> None:
    client = app.test_client()
    log_in(client, app, MARIO_CF)
    old = session.scalars(select(WebSession.id_hash)).one()
    log_in(client, app, MARIO_CF, next_url="/area-personale/salute/")
    session.expire_all()
    assert session.get(WebSession, old) is None
    assert len(session.scalars(select(WebSession)).all()) == 1
    assert logged_in_as(client) == "Mario"


def test_behind_https_the_binder_survives_the_idps_cross_site_post(
    database_url: str, simulators: Any
) -> None:
    """Production cookies: the session cookie (Lax) stays behind, the binder (None) comes."""
    app = create_app(
        make_config(
            database_url,
            simulators_url=simulators.base_url,
            base_url="https://sportello.example",
            secure_cookies=True,
        )
    )
    try:
        client = app.test_client()
        client.environ_base.update({"wsgi.url_scheme": "https", "HTTP_HOST": "sportello.example"})
        started = client.get(
            "/accedi/spid",
            query_string={"idp": builtin_idp(app).settings.entity_id, "next": "/area-personale/"},
        )
        cookie = started.headers["Set-Cookie"]
        assert cookie.startswith("__Host-sportello-login=")
        for attribute in ("Secure", "HttpOnly", "Path=/", "SameSite=None"):
            assert attribute in cookie
        assert "Domain" not in cookie
        request = builtin_idp(app).parse_authn_request(
            binding="redirect", query_string=urlsplit(started.headers["Location"]).query
        )
        client.delete_cookie("sportello_session")  # a cross-site POST carries no Lax cookie
        done = finish_login(client, app, request)
        assert done.status_code == 302 and done.headers["Location"] == "/area-personale/"
        assert client.get_cookie("sportello_session") is not None
    finally:
        db.dispose(app)


# -- levels --------------------------------------------------------------------------------------


def test_the_browser_cannot_pick_the_level(app: Flask) -> None:
    client = app.test_client()
    request = start_login(client, app, "/area-personale/salute/", level=1)
    assert request.level == 2


def test_a_health_page_after_a_spidl1_login_asks_for_spidl2(app: Flask) -> None:
    client = app.test_client()
    log_in(client, app, GIULIA_CF)  # the personal area: SpidL1
    page = client.get("/area-personale/")
    assert "livello 1" in page.get_data(as_text=True)
    health = client.get("/area-personale/salute/")
    assert health.status_code == 302
    location = urlsplit(health.headers["Location"])
    assert location.path == "/accedi/livello"
    assert parse_qs(location.query)["next"] == ["/area-personale/salute/"]
    step_up = client.get(health.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="step-up"' in step_up and "livello 2" in step_up
    link = step_up.split('data-testid="step-up-providers"')[1].split('href="')[1].split('"')[0]
    request = builtin_idp(app).parse_authn_request(
        binding="redirect",
        query_string=urlsplit(client.get(link.replace("&amp;", "&")).headers["Location"]).query,
    )
    assert request.level == 2
    done = finish_login(client, app, request, GIULIA_CF)
    assert done.headers["Location"] == "/area-personale/salute/"
    page = client.get("/area-personale/salute/")
    assert page.status_code == 200
    assert "livello 2" in page.get_data(as_text=True)


def test_an_idp_answering_below_the_level_asked_is_refused(app: Flask) -> None:
    client = app.test_client()
    request = start_login(client, app, "/area-personale/salute/")
    assert finish_login(client, app, request, GIULIA_CF, level=1).status_code == 403
    assert logged_in_as(client) is None


def test_a_clinician_at_spidl1_cannot_open_a_patients_record(app: Flask, session: Session) -> None:
    session.add(RoleAssignment(fiscal_code=PAOLO["fiscal_code"], role="clinician", office="ASL"))
    session.commit()
    client = app.test_client()
    log_in(client, app, PAOLO["fiscal_code"])  # SpidL1, for the personal area
    for path in ("/clinico/", f"/clinico/pazienti/{GIULIA_CF}"):
        response = client.get(path)
        assert response.status_code == 302
        assert urlsplit(response.headers["Location"]).path == "/accedi/livello"
    api = client.get("/clinico/", headers={"Accept": "application/json"})
    assert api.status_code == 403 and api.json["code"] == "STEP_UP_REQUIRED"
    assert api.json["required_level"] == 2
    token = csrf_token(client)
    emergency = client.post(
        f"/clinico/pazienti/{GIULIA_CF}/emergenza",
        data={"csrf_token": token, "reason": "Paziente incosciente in pronto soccorso, urgente"},
    )
    assert emergency.status_code == 403


@pytest.mark.parametrize("policy", ["breakglass=3"])
def test_break_glass_can_need_spidl3(database_url: str, simulators: Any, policy: str) -> None:
    app = create_app(
        make_config(database_url, simulators_url=simulators.base_url, spid_levels=policy)
    )
    try:
        with db.fresh_session(app) as s:
            s.add(RoleAssignment(fiscal_code=PAOLO["fiscal_code"], role="clinician", office="X"))
            s.commit()
        client = app.test_client()
        login(client, app, {**PAOLO, "level": 2})
        assert client.get(f"/clinico/pazienti/{GIULIA_CF}").status_code != 302
        emergency = client.post(
            f"/clinico/pazienti/{GIULIA_CF}/emergenza",
            data={
                "csrf_token": csrf_token(client),
                "reason": "Paziente incosciente in pronto soccorso, urgente",
            },
            headers={"Accept": "application/json"},
        )
        assert emergency.status_code == 403 and emergency.json["required_level"] == 3
    finally:
        db.dispose(app)


def test_every_area_checks_the_level_on_every_request(app: Flask) -> None:
    """A session whose level is below an area's is stepped up on every GET route of it."""
    from gateway.levels import required_level

    client = app.test_client()
    with db.fresh_session(app) as s:
        for role in ("clinician", "clerk", "privacy_officer"):
            s.add(RoleAssignment(fiscal_code=MARIO_CF, role=role, office="X"))
        s.commit()
    login(client, app, {"fiscal_code": MARIO_CF, "name": "Mario", "family_name": "Rossi"})
    with db.fresh_session(app) as s:  # the same session, now at SpidL1
        row = s.scalars(select(WebSession)).one()
        row.data = {**row.data, "identity": {**row.data["identity"], "level": 1}}
        s.commit()
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments:
            continue
        if required_level(app, rule.endpoint) < 2:
            continue
        response = client.get(rule.rule)
        assert response.status_code == 302, rule.rule
        assert urlsplit(response.headers["Location"]).path == "/accedi/livello", rule.rule
        checked += 1
    assert checked >= 6  # health, delegations, clinician, desk, queue, live help pages


def test_a_bad_level_policy_refuses_to_start(database_url: str, simulators: Any) -> None:
    from gateway.config import ConfigurationError

    with pytest.raises(ConfigurationError, match="SPORTELLO_SPID_LEVELS"):
        create_app(make_config(database_url, spid_levels="health=4"))


# -- logout --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/saml/slo", None),
        ("get", "/saml/slo?SAMLResponse=bm90aGluZw%3D%3D", None),
        ("post", "/saml/slo", {"SAMLResponse": "bm90aGluZw=="}),
        ("get", "/saml/slo?SAMLRequest=bm90aGluZw%3D%3D", None),
        ("post", "/saml/slo", {"SAMLRequest": "bm90aGluZw=="}),
        ("get", "/esci", None),
        ("post", "/esci", {}),  # no CSRF token
    ],
)
def test_a_cross_site_link_or_form_does_not_log_anyone_out(
    app: Flask, method: str, path: str, data: dict[str, str] | None
) -> None:
    client = app.test_client()
    log_in(client, app, MARIO_CF)
    response = getattr(client, method)(path, data=data)
    assert response.status_code in (302, 400, 405)
    assert logged_in_as(client) == "Mario"


def test_logout_answer_counts_only_for_the_logout_this_browser_started(app: Flask) -> None:
    client, other = app.test_client(), app.test_client()
    log_in(client, app, MARIO_CF)
    log_in(other, app, GIULIA_CF)
    slo = client.post("/esci", data={"csrf_token": csrf_token(client)})
    assert slo.status_code == 302
    idp = builtin_idp(app)
    assert slo.headers["Location"].startswith(idp.settings.slo_url)
    assert logged_in_as(client) is None
    # The IdP's answer to Mario's logout, replayed into Giulia's browser, changes nothing there.
    request = idp.parse_logout_request(
        binding="redirect", query_string=urlsplit(slo.headers["Location"]).query
    )
    answer = idp.logout_response(request, binding="redirect")
    assert other.get(urlsplit(answer.url).path + "?" + urlsplit(answer.url).query).status_code
    assert logged_in_as(other) == "Giulia"
    done = client.get(urlsplit(answer.url).path + "?" + urlsplit(answer.url).query)
    assert done.status_code == 302 and done.headers["Location"] == "/uscita"


def _session_of(app: Flask, fiscal_code: str) -> dict[str, Any]:
    with db.fresh_session(app) as s:
        row = s.scalars(select(WebSession).where(WebSession.subject_cf == fiscal_code)).one()
        return dict(row.data["identity"])


@pytest.mark.parametrize("binding", ["redirect", "post"])
def test_an_idp_initiated_logout_ends_that_login_everywhere_and_is_answered(
    app: Flask, session: Session, binding: str
) -> None:
    mario, giulia = app.test_client(), app.test_client()
    log_in(mario, app, MARIO_CF)
    log_in(giulia, app, GIULIA_CF)
    idp = builtin_idp(app)
    data = _session_of(app, MARIO_CF)
    message = idp.logout_request_for(
        app.extensions["sportello.saml_sp"].settings.entity_id,
        name_id=data["name_id"],
        session_index=data["session_index"],
        binding=binding,
        relay_state="r-1",
    )
    # The IdP's front channel runs through some browser: here one with no session at all.
    courier = app.test_client()
    if binding == "redirect":
        answer = courier.get(urlsplit(message.url).path + "?" + urlsplit(message.url).query)
    else:
        answer = courier.post(urlsplit(message.url).path, data=message.form_fields)
    assert answer.status_code == 302  # answered by HTTP-Redirect, whatever the request's binding
    query = urlsplit(answer.headers["Location"]).query
    assert parse_qs(query)["RelayState"] == ["r-1"]
    idp.parse_logout_response(binding="redirect", query_string=query)
    assert logged_in_as(mario) is None
    assert logged_in_as(giulia) == "Giulia"
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.logout")).all()
    assert [(a.subject, json.loads(a.data)["reason"]) for a in audit] == [(MARIO_CF, "idp")]


def test_a_logout_request_not_signed_by_the_idp_changes_nothing(app: Flask) -> None:
    from identity.testdata import sp_cert_pem, sp_key_pem
    from identity.testidp import TestIdP, TestIdPSettings

    mario = app.test_client()
    log_in(mario, app, MARIO_CF)
    data = _session_of(app, MARIO_CF)
    idp = builtin_idp(app)
    rogue = TestIdP(
        TestIdPSettings(
            entity_id=idp.settings.entity_id,
            base_url=idp.settings.base_url,
            key_pem=sp_key_pem(),  # a real key, but not the IdP's
            cert_pem=sp_cert_pem(),
        ),
        service_providers=[app.extensions["sportello.saml_sp"].metadata()],
    )
    message = rogue.logout_request_for(
        app.extensions["sportello.saml_sp"].settings.entity_id,
        name_id=data["name_id"],
        session_index=data["session_index"],
    )
    answer = mario.get(urlsplit(message.url).path + "?" + urlsplit(message.url).query)
    assert answer.status_code == 400
    assert 'data-testid="logout-refused"' in answer.get_data(as_text=True)
    assert logged_in_as(mario) == "Mario"
