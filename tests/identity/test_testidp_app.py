"""The test IdP's WSGI app, mounted at /test-idp, driven like a browser would."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urlsplit
from wsgiref.util import setup_testing_defaults

import pytest
from lxml import etree

from identity import AuthenticationError, ServiceProvider
from identity.saml import LoginRequest
from identity.testidp import TestIdP, TestIdPApp
from identity.testidp.users import load_test_users

from .support import IDP_ENTITY_ID

MOUNT = "/test-idp"


class Page(HTMLParser):
    """Forms, inputs, buttons and scripts of an HTML page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self.scripts: list[dict[str, str | None]] = []
        self.inline_script = False
        self.in_script = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action"), "fields": {}, "buttons": []})
        elif tag == "input" and self.forms:
            self.forms[-1]["fields"][a["name"]] = a.get("value") or ""
        elif tag == "button" and self.forms:
            self.forms[-1]["buttons"].append((a.get("name"), a.get("value")))
        elif tag == "script":
            self.scripts.append(a)
            self.in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and data.strip():
            self.inline_script = True


def call(
    app: TestIdPApp, method: str, path: str, *, query: str = "", form: dict[str, str] | None = None
) -> tuple[str, dict[str, str], str]:
    body = urlencode(form or {}).encode()
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": MOUNT,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "wsgi.input": io.BytesIO(body),
    }
    setup_testing_defaults(environ)
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        captured["status"], captured["headers"] = status, dict(headers)

    content = b"".join(app(environ, start_response))
    return captured["status"], captured["headers"], content.decode()


@pytest.fixture
def app(idp: TestIdP) -> TestIdPApp:
    return TestIdPApp(idp)


def _login_page(app: TestIdPApp, login: LoginRequest) -> Page:
    if login.binding == "redirect":
        status, headers, text = call(app, "GET", "/sso", query=urlsplit(login.url).query)
    else:
        status, headers, text = call(app, "POST", "/sso", form=login.form_fields)
    assert status == "200 OK"
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    return Page(text)


@pytest.mark.parametrize("binding", ["redirect", "post"])
def test_browser_round_trip(app: TestIdPApp, sp: ServiceProvider, binding: str) -> None:
    login = sp.login(IDP_ENTITY_ID, level=2, binding=binding)  # type: ignore[arg-type]
    page = _login_page(app, login)
    (form,) = page.forms
    assert form["action"] == f"{MOUNT}/sso/continue"
    assert ("user", "GLLFNC48T47C351T") in form["buttons"] and ("cancel", "1") in form["buttons"]
    assert len([b for b in form["buttons"] if b[0] == "user"]) == len(load_test_users())
    assert not page.inline_script

    status, _, text = call(
        app,
        "POST",
        "/sso/continue",
        form={**form["fields"], "level": "2", "user": "GLLFNC48T47C351T"},
    )
    assert status == "200 OK"
    autopost = Page(text)
    assert autopost.forms[0]["action"] == sp.settings.acs_url
    assert autopost.scripts == [{"src": f"{MOUNT}/static/autosubmit.js", "defer": None}]
    assert not autopost.inline_script
    fields = autopost.forms[0]["fields"]
    assert fields["RelayState"] == login.relay_state
    identity = sp.process_response(
        fields["SAMLResponse"],
        request_id=login.request_id,
        requested_level=2,
        issue_instant=login.issue_instant,
    )
    assert (identity.fiscal_code, identity.name) == ("GLLFNC48T47C351T", "Francesca")


def test_cancel_returns_spid_error_25(app: TestIdPApp, sp: ServiceProvider) -> None:
    login = sp.login(IDP_ENTITY_ID, level=2, binding="redirect")
    (form,) = _login_page(app, login).forms
    _, _, text = call(app, "POST", "/sso/continue", form={**form["fields"], "cancel": "1"})
    fields = Page(text).forms[0]["fields"]
    with pytest.raises(AuthenticationError) as caught:
        sp.process_response(
            fields["SAMLResponse"],
            request_id=login.request_id,
            requested_level=2,
            issue_instant=login.issue_instant,
        )
    assert caught.value.reason == "SPID_NR25"


def test_choosing_a_lower_level_is_refused_by_the_sp(app: TestIdPApp, sp: ServiceProvider) -> None:
    login = sp.login(IDP_ENTITY_ID, level=3, binding="post")
    (form,) = _login_page(app, login).forms
    _, _, text = call(
        app,
        "POST",
        "/sso/continue",
        form={**form["fields"], "level": "1", "user": "RSSMRA80A01H501U"},
    )
    with pytest.raises(AuthenticationError) as caught:
        sp.process_response(
            Page(text).forms[0]["fields"]["SAMLResponse"],
            request_id=login.request_id,
            requested_level=3,
            issue_instant=login.issue_instant,
        )
    assert caught.value.reason == "LEVEL_TOO_LOW"


def test_tampered_request_is_refused(app: TestIdPApp, sp: ServiceProvider) -> None:
    login = sp.login(IDP_ENTITY_ID, level=2, binding="redirect")
    query = urlsplit(login.url).query.replace("RelayState=", "RelayState=evil")
    status, _, _ = call(app, "GET", "/sso", query=query)
    assert status == "400 Bad Request"
    status, _, _ = call(app, "GET", "/sso", query="")
    assert status == "400 Bad Request"


def test_metadata_static_and_unknown_paths(app: TestIdPApp, idp: TestIdP) -> None:
    status, headers, text = call(app, "GET", "/metadata")
    assert status == "200 OK" and headers["Content-Type"] == "application/samlmetadata+xml"
    assert etree.fromstring(text.encode()).get("entityID") == idp.settings.entity_id
    status, headers, text = call(app, "GET", "/static/autosubmit.js")
    assert status == "200 OK" and "submit()" in text
    assert call(app, "GET", "/nowhere")[0] == "404 Not Found"


def test_logout_through_the_app(app: TestIdPApp, sp: ServiceProvider, idp: TestIdP) -> None:
    login = sp.login(IDP_ENTITY_ID, level=2, binding="post")
    (form,) = _login_page(app, login).forms
    _, _, text = call(
        app,
        "POST",
        "/sso/continue",
        form={**form["fields"], "level": "2", "user": "CNTGPP62M10G273O"},
    )
    identity = sp.process_response(
        Page(text).forms[0]["fields"]["SAMLResponse"],
        request_id=login.request_id,
        requested_level=2,
        issue_instant=login.issue_instant,
    )
    logout = sp.logout_request(identity, "redirect")
    status, headers, _ = call(app, "GET", "/slo", query=urlsplit(logout.url).query)
    assert status == "302 Found"
    sp.process_logout_response(
        request_id=logout.request_id,
        idp_entity_id=IDP_ENTITY_ID,
        binding="redirect",
        query_string=urlsplit(headers["Location"]).query,
    )
