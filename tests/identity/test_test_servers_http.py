"""The test IdP and the test OP refuse malformed HTTP requests with a 4xx, never a 500.

Bodies are bounded (413), forms are url-encoded UTF-8 (415 for another type or charset, 400 for
bytes that are not UTF-8, raw or percent-encoded), query strings ASCII and UTF-8 (400).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from werkzeug.test import Client, TestResponse

from identity.oidc import code_challenge
from identity.saml import ServiceProvider
from identity.testidp import TestIdP, TestIdPApp
from identity.testidp.app import MAX_BODY as IDP_MAX_BODY
from identity.testop import RunningOP, TestOPClient, start_test_op
from identity.testop.app import MAX_BODY as OP_MAX_BODY

from .support import IDP_ENTITY_ID

FORM = "application/x-www-form-urlencoded"
REDIRECT = "http://127.0.0.1:5000/accedi/oidc/callback"
SECRET = "TEST-ONLY-client-secret"
MARIO = "RSSMRA80A01H501U"


# --- test IdP -------------------------------------------------------------------------------


@pytest.fixture
def browser(idp: TestIdP) -> Client:
    return Client(TestIdPApp(idp))


def idp_post(browser: Client, path: str, body: bytes, content_type: str = FORM) -> TestResponse:
    answer = browser.post(path, data=body, content_type=content_type)
    assert answer.status_code < 500
    assert b"Traceback" not in answer.data
    return answer


def refused_page(answer: TestResponse, status: str) -> str:
    """The IdP's own error page, with its security headers, at `status`."""
    assert answer.status == status
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "'unsafe-inline'" not in answer.headers["Content-Security-Policy"]
    text = answer.get_data(as_text=True)
    assert "Richiesta non valida" in text
    return text


def login_form(sp: ServiceProvider) -> dict[str, str]:
    return dict(sp.login(IDP_ENTITY_ID, level=2, binding="post").form_fields)


def choice_form(sp: ServiceProvider) -> dict[str, str]:
    """What the login page posts to /sso/continue when a user is chosen."""
    return {"binding": "post", **login_form(sp), "level": "2", "user": MARIO}


def test_a_good_form_declared_utf8_is_served(browser: Client, sp: ServiceProvider) -> None:
    for content_type in (FORM, f"{FORM}; charset=UTF-8", f"{FORM}; charset=us-ascii"):
        answer = idp_post(browser, "/sso", urlencode(login_form(sp)).encode(), content_type)
        assert answer.status == "200 OK"


@pytest.mark.parametrize("path", ["/sso", "/sso/continue", "/slo", "/slo/response"])
def test_a_body_over_the_limit_is_413(browser: Client, sp: ServiceProvider, path: str) -> None:
    fields = urlencode(choice_form(sp)).encode()
    body = fields + b"&padding=" + b"A" * (IDP_MAX_BODY - len(fields))
    assert len(body) == IDP_MAX_BODY + len(b"&padding=")
    text = refused_page(idp_post(browser, path, body), "413 Request Entity Too Large")
    assert str(IDP_MAX_BODY) in text


@pytest.mark.parametrize(
    "content_type",
    [
        f"{FORM}; charset=iso-8859-1",
        f"{FORM}; charset=windows-1252",
        f"{FORM}; charset=utf-16",
        "text/plain",
        "application/json",
        "multipart/form-data; boundary=x",
    ],
)
def test_another_charset_or_media_type_is_415(
    browser: Client, sp: ServiceProvider, content_type: str
) -> None:
    body = urlencode(choice_form(sp)).encode()
    for path in ("/sso", "/sso/continue"):
        refused_page(idp_post(browser, path, body, content_type), "415 Unsupported Media Type")


@pytest.mark.parametrize(
    "relay_state",
    [b"\xe9", b"%E9", b"caf%C3", b"\xff\xfe", b"%C3%28"],
    ids=["raw-latin1", "escaped-latin1", "truncated", "raw-garbage", "bad-continuation"],
)
def test_a_form_not_in_utf8_is_400(
    browser: Client, sp: ServiceProvider, relay_state: bytes
) -> None:
    fields = choice_form(sp)
    del fields["RelayState"]
    body = urlencode(fields).encode() + b"&RelayState=" + relay_state
    for path in ("/sso", "/sso/continue"):
        text = refused_page(idp_post(browser, path, body), "400 Bad Request")
        assert "not UTF-8" in text


def test_a_utf8_relay_state_goes_back_unchanged(browser: Client, sp: ServiceProvider) -> None:
    fields = {**choice_form(sp), "RelayState": "è-€-𝄞"}
    answer = idp_post(browser, "/sso/continue", urlencode(fields).encode())
    assert answer.status == "200 OK"
    assert 'value="è-€-𝄞"' in answer.get_data(as_text=True)


# --- test OP --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def running() -> Iterator[RunningOP]:
    op = start_test_op(clients=[TestOPClient("sportello", (REDIRECT,), client_secret=SECRET)])
    yield op
    op.stop()


AUTHORIZE = {
    "response_type": "code",
    "client_id": "sportello",
    "redirect_uri": REDIRECT,
    "scope": "openid profile",
    "state": "s",
    "nonce": "n",
    "code_challenge": code_challenge("v" * 43),
    "code_challenge_method": "S256",
}
BASIC = "Basic " + base64.b64encode(f"sportello:{SECRET}".encode()).decode()


def op_post(
    running: RunningOP, path: str, body: bytes, content_type: str = FORM, **headers: str
) -> requests.Response:
    answer = requests.post(
        running.issuer + path,
        data=body,
        headers={"Content-Type": content_type, **headers},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code < 500
    return answer


def oauth_error(answer: requests.Response, status: int) -> dict[str, Any]:
    assert answer.status_code == status
    assert answer.headers["Content-Type"] == "application/json"
    error: dict[str, Any] = answer.json()
    return error


def test_the_login_page_form_declared_utf8_is_served(running: RunningOP) -> None:
    body = urlencode({**AUTHORIZE, "user": MARIO}).encode()
    answer = op_post(running, "/authorize", body, f"{FORM}; charset=utf-8")
    assert answer.status_code == 302
    assert "code=" in answer.headers["Location"]


@pytest.mark.parametrize("path", ["/authorize", "/token"])
def test_an_op_body_over_the_limit_is_413(running: RunningOP, path: str) -> None:
    body = urlencode({**AUTHORIZE, "user": MARIO, "padding": "A" * OP_MAX_BODY}).encode()
    error = oauth_error(op_post(running, path, body, Authorization=BASIC), 413)
    assert error["error"] == "invalid_request"


@pytest.mark.parametrize(
    "content_type",
    [f"{FORM}; charset=iso-8859-1", "application/json", "text/plain"],
)
@pytest.mark.parametrize("path", ["/authorize", "/token"])
def test_an_op_form_of_another_charset_or_type_is_415(
    running: RunningOP, path: str, content_type: str
) -> None:
    body = urlencode({**AUTHORIZE, "user": MARIO, "grant_type": "authorization_code"}).encode()
    answer = op_post(running, path, body, content_type, Authorization=BASIC)
    assert oauth_error(answer, 415)["error"] == "invalid_request"


@pytest.mark.parametrize("bad", [b"\xff", b"%FF", b"%C3"], ids=["raw", "escaped", "truncated"])
@pytest.mark.parametrize("path", ["/authorize", "/token"])
def test_an_op_form_not_in_utf8_is_400(running: RunningOP, path: str, bad: bytes) -> None:
    body = urlencode({**AUTHORIZE, "grant_type": "authorization_code"}).encode()
    body += b"&user=" + bad + b"&code=" + bad
    answer = op_post(running, path, body, Authorization=BASIC)
    error = oauth_error(answer, 400)
    assert error == {"error": "invalid_request", "error_description": "The form is not UTF-8."}


@pytest.mark.parametrize("bad", ["%FF", "%E9", "%C3"])
def test_an_authorize_query_not_in_utf8_is_400(running: RunningOP, bad: str) -> None:
    url = f"{running.issuer}/authorize?{urlencode(AUTHORIZE)}&login_hint={bad}"
    answer = requests.get(url, allow_redirects=False, timeout=10)
    error = oauth_error(answer, 400)
    assert error["error"] == "invalid_request"


@pytest.mark.parametrize(
    "credentials",
    [b"\xff\xfe:\xff", b"sportello:\xe9", "sportello:è".encode("latin-1")],
    ids=["garbage", "latin1-secret", "latin1-accent"],
)
def test_basic_credentials_not_in_utf8_are_an_invalid_client(
    running: RunningOP, credentials: bytes
) -> None:
    header = "Basic " + base64.b64encode(credentials).decode()
    body = b"grant_type=authorization_code&code=x&redirect_uri=" + REDIRECT.encode()
    answer = op_post(running, "/token", body, Authorization=header)
    assert oauth_error(answer, 401)["error"] == "invalid_client"
    assert answer.headers["WWW-Authenticate"].startswith("Basic")
