"""OpenID Connect round trips over real HTTP against the built-in TEST provider, and refusals."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import socket
import time
from collections.abc import Iterator
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway.i18n import load_language
from identity.errors import AuthenticationError
from identity.model import Identity
from identity.oidc import (
    ID_TOKEN_INVALID,
    ISSUER_MISMATCH,
    LEVEL_TOO_LOW,
    MISSING_CLAIMS,
    NONCE_MISMATCH,
    STATE_MISMATCH,
    TOKEN_ERROR,
    USERINFO_ERROR,
    AuthorizationRequest,
    OIDCAuthenticationError,
    OIDCSettings,
    ProviderError,
    ProviderUnavailable,
    RelyingParty,
)
from identity.testop import RunningOP, Tampering, TestOPClient, start_test_op

REDIRECT = "http://127.0.0.1:5000/accedi/oidc/callback"
SECRET = "TEST-ONLY-client-secret"
MARIO = "RSSMRA80A01H501U"
L1, L2, L3 = (f"https://www.spid.gov.it/SpidL{n}" for n in (1, 2, 3))

ITALIAN = load_language("it").gettext  # the gateway's catalogue


@pytest.fixture(scope="module")
def running() -> Iterator[RunningOP]:
    op = start_test_op(clients=[TestOPClient("sportello", (REDIRECT,), client_secret=SECRET)])
    yield op
    op.stop()


@pytest.fixture(autouse=True)
def honest_provider(running: RunningOP) -> None:
    running.op.tampering = Tampering()


def settings_for(running: RunningOP, **overrides: object) -> OIDCSettings:
    values: dict[str, object] = {
        "issuer": running.issuer,
        "client_id": "sportello",
        "client_secret": SECRET,
        "redirect_uri": REDIRECT,
        "http_timeout": 2.0,
    }
    values.update(overrides)
    return OIDCSettings(**values)  # type: ignore[arg-type]


@pytest.fixture
def rp(running: RunningOP) -> RelyingParty:
    return RelyingParty(settings_for(running))


def callback_params(response: requests.Response) -> dict[str, str]:
    """The query of the provider's redirect to our callback (which is not followed)."""
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert location.startswith(REDIRECT + "?")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def authorize(rp: RelyingParty, hint: str = MARIO) -> tuple[AuthorizationRequest, dict[str, str]]:
    """begin(), then what the browser does at the provider: back comes the callback query."""
    request = rp.begin(login_hint=hint)
    response = requests.get(request.url, allow_redirects=False, timeout=5)
    return request, callback_params(response)


def complete(rp: RelyingParty, request: AuthorizationRequest, params: dict[str, str]) -> Identity:
    return rp.complete(
        params, state=request.state, nonce=request.nonce, code_verifier=request.code_verifier
    )


def refused(rp: RelyingParty, request: AuthorizationRequest, params: dict[str, str]) -> str:
    with pytest.raises(OIDCAuthenticationError) as info:
        complete(rp, request, params)
    assert isinstance(info.value, AuthenticationError)
    return info.value.reason


@pytest.mark.parametrize(
    ("fiscal_code", "name", "family_name", "born"),
    [
        (MARIO, "Mario", "Rossi", dt.date(1980, 1, 1)),
        ("BNCGLI85C55F205C", "Giulia", "Bianchi", dt.date(1985, 3, 15)),
        ("RSSSFO12P50H501K", "Sofia", "Rossi", dt.date(2012, 9, 10)),
    ],
)
def test_round_trip_gives_the_chosen_citizen(
    running: RunningOP,
    rp: RelyingParty,
    fiscal_code: str,
    name: str,
    family_name: str,
    born: dt.date,
) -> None:
    userinfo_before = running.op.hits["/userinfo"]
    request, params = authorize(rp, fiscal_code)
    assert params["iss"] == running.issuer
    identity = complete(rp, request, params)
    assert identity.fiscal_code == fiscal_code
    assert (identity.name, identity.family_name, identity.date_of_birth) == (
        name,
        family_name,
        born,
    )
    assert identity.email == f"{name.lower()}.{family_name.lower()}@example.org"
    assert identity.method == "oidc"
    assert identity.spid_level == 2
    assert identity.idp_entity_id == running.issuer
    assert identity.name_id and identity.name_id != fiscal_code
    # The ID token carried only the subject: the claims came from userinfo.
    assert running.op.hits["/userinfo"] == userinfo_before + 1


def test_round_trip_through_the_login_page(rp: RelyingParty) -> None:
    request = rp.begin()
    page = requests.get(request.url, allow_redirects=False, timeout=5)
    assert page.status_code == 200
    assert "text/html" in page.headers["Content-Type"]
    form = next(f for f in re.findall(r"<form.*?</form>", page.text) if "BNCGLI85C55F205C" in f)
    action = unescape(re.search(r'action="([^"]+)"', form).group(1))
    fields = {
        unescape(k): unescape(v) for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', form)
    }
    issuer = urlsplit(request.url)
    choice = requests.post(
        f"{issuer.scheme}://{issuer.netloc}{action}", data=fields, allow_redirects=False, timeout=5
    )
    identity = complete(rp, request, callback_params(choice))
    assert identity.fiscal_code == "BNCGLI85C55F205C"


def test_claims_in_the_id_token_need_no_userinfo(running: RunningOP, rp: RelyingParty) -> None:
    running.op.tampering = Tampering(claims_in_id_token=True)
    userinfo_before = running.op.hits["/userinfo"]
    identity = complete(rp, *authorize(rp, "CNTGPP62M10G273O"))
    assert identity.fiscal_code == "CNTGPP62M10G273O"
    assert running.op.hits["/userinfo"] == userinfo_before


def test_discovery_is_fetched_once_per_relying_party(running: RunningOP, rp: RelyingParty) -> None:
    before = running.op.hits["/.well-known/openid-configuration"]
    for _ in range(3):
        complete(rp, *authorize(rp))
    assert running.op.hits["/.well-known/openid-configuration"] == before + 1


def test_rotated_provider_key_is_fetched_once(running: RunningOP, rp: RelyingParty) -> None:
    complete(rp, *authorize(rp))
    before = running.op.hits["/jwks"]
    running.op.rotate_key()
    assert complete(rp, *authorize(rp)).fiscal_code == MARIO
    assert complete(rp, *authorize(rp)).fiscal_code == MARIO
    assert running.op.hits["/jwks"] == before + 1


def test_requested_level_is_reported(running: RunningOP) -> None:
    rp = RelyingParty(settings_for(running, acr_values=(L3,)))
    request, params = authorize(rp)
    assert parse_qs(urlsplit(request.url).query)["acr_values"] == [L3]
    assert complete(rp, request, params).spid_level == 3


def test_level_lower_than_requested_is_refused(running: RunningOP) -> None:
    running.op.tampering = Tampering(acr=L1)
    rp = RelyingParty(settings_for(running, acr_values=(L2, L3)))
    assert refused(rp, *authorize(rp)) == LEVEL_TOO_LOW


def _rsa_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def test_private_key_jwt_client_authentication(running: RunningOP) -> None:
    settings = settings_for(
        running,
        client_id="sportello-cie",
        client_secret=None,
        client_auth="private_key_jwt",
        private_key_pem=_rsa_pem(),
        key_id="TEST-ONLY-rp-key",
    )
    rp = RelyingParty(settings)
    assert [k["kid"] for k in rp.jwks()["keys"]] == ["TEST-ONLY-rp-key"]
    assert all("d" not in k for k in rp.jwks()["keys"])
    client = TestOPClient(
        "sportello-cie", (REDIRECT,), jwks=rp.jwks(), auth_method="private_key_jwt"
    )
    running.op.register_client(client)
    assert complete(rp, *authorize(rp, "VRDLCU90L20F839Q")).fiscal_code == "VRDLCU90L20F839Q"

    impostor = RelyingParty(dataclasses.replace(settings, private_key_pem=_rsa_pem()))
    assert refused(impostor, *authorize(impostor)) == TOKEN_ERROR


# --- refusals -------------------------------------------------------------------------------


def test_wrong_or_missing_state_is_refused(rp: RelyingParty) -> None:
    request, params = authorize(rp)
    with pytest.raises(OIDCAuthenticationError) as info:
        rp.complete(params, state="another-session", nonce=request.nonce, code_verifier="x" * 43)
    assert info.value.reason == STATE_MISMATCH
    without_state = {k: v for k, v in params.items() if k != "state"}
    assert refused(rp, request, without_state) == STATE_MISMATCH
    # The code was never redeemed: the legitimate callback still works.
    assert complete(rp, request, params).fiscal_code == MARIO


def test_callback_from_another_issuer_is_refused(running: RunningOP, rp: RelyingParty) -> None:
    running.op.tampering = Tampering(callback_iss="https://idp.elsewhere.example")
    assert refused(rp, *authorize(rp)) == ISSUER_MISMATCH


def test_replayed_code_is_refused(rp: RelyingParty) -> None:
    request, params = authorize(rp)
    complete(rp, request, params)
    with pytest.raises(OIDCAuthenticationError) as info:
        complete(rp, request, params)
    assert info.value.reason == TOKEN_ERROR
    assert "invalid_grant" in info.value.detail


def test_wrong_pkce_verifier_is_refused(rp: RelyingParty) -> None:
    request, params = authorize(rp)
    other = rp.begin()  # a valid verifier, but of another request
    with pytest.raises(OIDCAuthenticationError) as info:
        rp.complete(
            params, state=request.state, nonce=request.nonce, code_verifier=other.code_verifier
        )
    assert (info.value.reason, "invalid_grant" in info.value.detail) == (TOKEN_ERROR, True)


def test_wrong_client_secret_is_refused(running: RunningOP) -> None:
    rp = RelyingParty(settings_for(running, client_secret="not-the-secret"))
    request, params = authorize(rp)
    with pytest.raises(OIDCAuthenticationError) as info:
        complete(rp, request, params)
    assert (info.value.reason, info.value.detail) == (TOKEN_ERROR, "HTTP 401 invalid_client")


@pytest.mark.parametrize(
    ("tampering", "reason", "detail"),
    [
        (Tampering(rogue_key=True), ID_TOKEN_INVALID, "BadSignatureError"),
        (Tampering(audience="another-client"), ID_TOKEN_INVALID, "aud"),
        (Tampering(expired=True), ID_TOKEN_INVALID, "expired"),
        (Tampering(nonce="a-nonce-of-another-login"), NONCE_MISMATCH, "nonce"),
        (Tampering(userinfo_sub="someone-else"), USERINFO_ERROR, "sub"),
        (
            Tampering(omit_claims=("https://attributes.eid.gov.it/fiscal_number",)),
            MISSING_CLAIMS,
            "fiscal_number",
        ),
        (Tampering(omit_claims=("family_name",)), MISSING_CLAIMS, "family_name"),
    ],
    ids=[
        "rogue-key",
        "audience",
        "expired",
        "nonce",
        "userinfo-sub",
        "no-fiscal-code",
        "no-family-name",
    ],
)
def test_misbehaving_provider_is_refused(
    running: RunningOP, rp: RelyingParty, tampering: Tampering, reason: str, detail: str
) -> None:
    running.op.tampering = tampering
    request, params = authorize(rp)
    with pytest.raises(OIDCAuthenticationError) as info:
        complete(rp, request, params)
    assert info.value.reason == reason
    assert detail in info.value.detail


def test_nonce_of_another_session_is_refused(rp: RelyingParty) -> None:
    request, params = authorize(rp)
    with pytest.raises(OIDCAuthenticationError) as info:
        rp.complete(
            params, state=request.state, nonce=rp.begin().nonce, code_verifier=request.code_verifier
        )
    assert info.value.reason == NONCE_MISMATCH


def test_cancel_on_the_provider_page_is_a_user_cancellation(rp: RelyingParty) -> None:
    request = rp.begin()
    page = requests.get(request.url, timeout=5).text
    cancel = next(f for f in re.findall(r"<form.*?</form>", page) if 'value="cancel"' in f)
    fields = {
        unescape(k): unescape(v) for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', cancel)
    }
    answer = requests.post(request.url.split("?")[0], data=fields, allow_redirects=False, timeout=5)
    params = callback_params(answer)
    assert params["error"] == "access_denied"
    with pytest.raises(ProviderError) as info:
        complete(rp, request, params)
    assert info.value.user_cancelled
    assert info.value.user_message(ITALIAN) == "Hai annullato l'accesso."
    assert info.value.user_message() == "You cancelled the sign-in."


def test_provider_error_other_than_cancel(rp: RelyingParty) -> None:
    request = rp.begin()
    params = {"state": request.state, "error": "server_error", "error_description": "<b>boom</b>"}
    with pytest.raises(ProviderError) as info:
        complete(rp, request, params)
    assert not info.value.user_cancelled
    assert "boom" not in info.value.user_message(ITALIAN)
    assert info.value.error == "server_error"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_provider_down_at_begin_is_reported_quickly() -> None:
    port = _closed_port()
    rp = RelyingParty(
        OIDCSettings(f"http://127.0.0.1:{port}", "sportello", SECRET, REDIRECT, http_timeout=2.0)
    )
    started = time.monotonic()
    with pytest.raises(ProviderUnavailable) as info:
        rp.begin()
    assert time.monotonic() - started < 1.0
    assert info.value.reason == "OIDC_PROVIDER_UNAVAILABLE"
    assert "non è raggiungibile" in info.value.user_message(ITALIAN)


def test_provider_down_at_callback_is_reported() -> None:
    op = start_test_op(clients=[TestOPClient("sportello", (REDIRECT,), client_secret=SECRET)])
    try:
        rp = RelyingParty(settings_for(op))
        request, params = authorize(rp)
    finally:
        op.stop()
    started = time.monotonic()
    with pytest.raises(ProviderUnavailable):
        complete(rp, request, params)
    assert time.monotonic() - started < 1.0
