"""OpenID Connect pieces one by one: settings, messages, claim checks and mapping, test provider."""

from __future__ import annotations

import base64
import dataclasses
import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import OctKey

from gateway.i18n import load_language
from identity.errors import AuthenticationError, ConfigurationError
from identity.oidc import (
    CIE_FISCAL_NUMBER,
    ID_TOKEN_INVALID,
    MISSING_CLAIMS,
    NONCE_MISMATCH,
    OIDCAuthenticationError,
    OIDCSettings,
    ProviderError,
    ProviderUnavailable,
    RelyingParty,
    code_challenge,
)
from identity.oidc.claims import identity_from_claims
from identity.oidc.errors import USER_MESSAGES
from identity.oidc.id_token import check_claims, verify_id_token
from identity.testop import RunningOP, TestOPClient, start_test_op

REDIRECT = "http://127.0.0.1:5000/accedi/oidc/callback"
ISSUER = "https://op.example.it"
SECRET = "TEST-ONLY-client-secret"

ITALIAN = load_language("it").gettext  # the gateway's catalogue


def create_settings(**overrides: Any) -> OIDCSettings:
    values: dict[str, Any] = {
        "issuer": ISSUER,
        "client_id": "sportello",
        "client_secret": SECRET,
        "redirect_uri": REDIRECT,
    }
    values.update(overrides)
    return OIDCSettings(**values)


@pytest.fixture(scope="module")
def running() -> Iterator[RunningOP]:
    op = start_test_op(clients=[TestOPClient("sportello", (REDIRECT,), client_secret=SECRET)])
    yield op
    op.stop()


# --- settings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"scopes": ("profile",)},
        {"issuer": "http://op.example.it"},
        {"redirect_uri": "/accedi/oidc/callback"},
        {"client_secret": None},
        {"client_auth": "private_key_jwt"},
        {"id_token_algorithms": ("none",)},
        {"id_token_algorithms": ("HS256",)},
        {"acr_values": ("https://www.spid.gov.it/SpidL9",)},
        {"clock_skew": 3600},
        {"http_timeout": 0},
        {"client_id": ""},
    ],
)
def test_bad_settings_are_refused(overrides: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        create_settings(**overrides)


def test_plain_http_is_allowed_on_loopback_or_when_asked() -> None:
    assert create_settings(issuer="http://localhost:5000/test-op").issuer.startswith("http:")
    assert create_settings(issuer="http://sportello.demo/test-op", allow_http=True).allow_http


def test_minimum_level_follows_the_requested_acr_values() -> None:
    assert create_settings().min_level == 1
    levels = ("https://www.spid.gov.it/SpidL3", "https://www.spid.gov.it/SpidL2")
    assert create_settings(acr_values=levels).min_level == 2


def test_private_key_must_be_rsa_2048() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    settings = create_settings(client_auth="private_key_jwt", private_key_pem=pem)
    with pytest.raises(ConfigurationError):
        RelyingParty(settings)


# --- messages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", sorted(USER_MESSAGES))
def test_each_reason_has_its_own_message_in_both_languages(reason: str) -> None:
    error = OIDCAuthenticationError(reason, "secret detail")
    italian, english = error.user_message(ITALIAN), error.user_message()
    assert italian and english and italian != english
    assert "secret detail" not in italian + english
    generic = AuthenticationError("SOMETHING_ELSE").user_message(ITALIAN)
    assert italian != generic


def test_other_reasons_get_the_generic_message() -> None:
    error = OIDCAuthenticationError(ID_TOKEN_INVALID, "kid 'x'")
    assert error.user_message() == AuthenticationError("X").user_message()
    assert isinstance(ProviderUnavailable("down"), AuthenticationError)
    assert ProviderError("access_denied").user_cancelled
    assert not ProviderError("login_required").user_cancelled


# --- PKCE and the authorization request ---------------------------------------------------------


def test_code_challenge_matches_rfc7636_appendix_b() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert code_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_authorization_request_carries_pkce_state_and_nonce(running: RunningOP) -> None:
    rp = RelyingParty(create_settings(issuer=running.issuer))
    first, second = rp.begin(login_hint="RSSMRA80A01H501U"), rp.begin()
    query = {k: v[0] for k, v in parse_qs(urlsplit(first.url).query).items()}
    assert first.url.startswith(running.issuer + "/authorize?")
    assert query["code_challenge"] == code_challenge(first.code_verifier)
    assert query["code_challenge_method"] == "S256"
    assert (query["state"], query["nonce"]) == (first.state, first.nonce)
    assert query["scope"].split() == ["openid", "profile", "email"]
    assert query["login_hint"] == "RSSMRA80A01H501U"
    assert 43 <= len(first.code_verifier) <= 128
    assert len({first.state, first.nonce, second.state, second.nonce}) == 4
    assert set(first.to_dict()) == {"url", "state", "nonce", "code_verifier"}


# --- discovery --------------------------------------------------------------------------------


@pytest.mark.parametrize(("suffix", "detail"), [("/", "issuer is"), ("/elsewhere", "HTTP 404")])
def test_unusable_discovery_means_provider_unavailable(
    running: RunningOP, suffix: str, detail: str
) -> None:
    rp = RelyingParty(create_settings(issuer=running.issuer + suffix))
    with pytest.raises(ProviderUnavailable) as info:
        rp.begin()
    assert detail in info.value.detail


# --- ID token claims --------------------------------------------------------------------------


# One instant for the whole claim table: it is built at collection, checked later.
NOW = int(time.time())


def _claims(*, at: int | None = None, **overrides: Any) -> dict[str, Any]:
    """ID-token claims issued ``at`` (default: now, for tokens checked against the clock)."""
    now = int(time.time()) if at is None else at
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": "sportello",
        "sub": "abc",
        "iat": now,
        "exp": now + 300,
        "nonce": "n-1",
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({}, None),
        ({"aud": ["sportello", "other"], "azp": "sportello"}, None),
        ({"exp": NOW - 20}, None),  # within the 30 s skew
        ({"iss": ISSUER + "/"}, ID_TOKEN_INVALID),
        ({"iss": None}, ID_TOKEN_INVALID),
        ({"aud": "other"}, ID_TOKEN_INVALID),
        ({"aud": ["sportello", "other"]}, ID_TOKEN_INVALID),  # several audiences need azp
        ({"azp": "other"}, ID_TOKEN_INVALID),
        ({"exp": NOW - 60}, ID_TOKEN_INVALID),
        ({"exp": None}, ID_TOKEN_INVALID),
        ({"iat": NOW + 120}, ID_TOKEN_INVALID),
        ({"iat": "yesterday"}, ID_TOKEN_INVALID),
        ({"sub": ""}, ID_TOKEN_INVALID),
        ({"nonce": "n-2"}, NONCE_MISMATCH),
        ({"nonce": None}, NONCE_MISMATCH),
    ],
)
def test_id_token_claim_checks(overrides: dict[str, Any], reason: str | None) -> None:
    claims = _claims(at=NOW, **overrides)
    if reason is None:
        check_claims(claims, settings=create_settings(), nonce="n-1", now=NOW)
        return
    with pytest.raises(OIDCAuthenticationError) as info:
        check_claims(claims, settings=create_settings(), nonce="n-1", now=NOW)
    assert info.value.reason == reason


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_unsigned_and_symmetric_id_tokens_are_refused(running: RunningOP) -> None:
    settings = create_settings(issuer=running.issuer)
    rp = RelyingParty(settings)
    claims = _claims(iss=running.issuer)
    kid = running.op.signing_key.kid
    unsigned = f"{_b64({'alg': 'none', 'kid': kid})}.{_b64(claims)}."
    hmac_key = OctKey.import_key(SECRET.encode() * 2)
    symmetric = jwt.encode({"alg": "HS256", "kid": kid}, claims, hmac_key, algorithms=["HS256"])
    for token in (unsigned, symmetric, "not-a-jwt"):
        with pytest.raises(OIDCAuthenticationError) as info:
            verify_id_token(
                token,
                settings=settings,
                provider=rp.provider,
                metadata=rp.provider.metadata(),
                nonce="n-1",
                access_token=None,
                now=time.time(),
            )
        assert info.value.reason == ID_TOKEN_INVALID


def test_token_signed_by_the_provider_passes_and_at_hash_is_checked(running: RunningOP) -> None:
    settings = create_settings(issuer=running.issuer)
    rp = RelyingParty(settings)
    key = running.op.signing_key
    header = {"alg": "RS256", "kid": key.kid}
    from identity.oidc.id_token import half_hash

    token = jwt.encode(
        header, _claims(iss=running.issuer, at_hash=half_hash("AT", "RS256")), key, ["RS256"]
    )
    common: dict[str, Any] = {
        "settings": settings,
        "provider": rp.provider,
        "metadata": rp.provider.metadata(),
        "nonce": "n-1",
        "now": time.time(),
    }
    assert verify_id_token(token, access_token="AT", **common)["sub"] == "abc"
    with pytest.raises(OIDCAuthenticationError, match="at_hash"):
        verify_id_token(token, access_token="another access token", **common)


# --- claims to Identity -----------------------------------------------------------------------


def _profile(**overrides: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "sub": "abc",
        CIE_FISCAL_NUMBER: "TINIT-RMNCHR95B68D612V",
        "given_name": "Chiara",
        "family_name": "Romano",
        "birthdate": "1995-02-28",
        "acr": "https://www.spid.gov.it/SpidL2",
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def test_claims_become_an_identity() -> None:
    identity = identity_from_claims(_profile(sid="s-1"), create_settings())
    assert identity.fiscal_code == "RMNCHR95B68D612V"
    assert identity.date_of_birth is not None and identity.date_of_birth.isoformat() == "1995-02-28"
    assert (identity.spid_level, identity.email, identity.session_index) == (2, None, "s-1")
    assert identity.to_dict()["method"] == "oidc"


def test_fiscal_code_claim_is_configurable_and_normalised() -> None:
    settings = create_settings(fiscal_code_claim="fiscal_number")
    claims = _profile(**{CIE_FISCAL_NUMBER: None, "fiscal_number": " tinit-rmnchr95b68d612v "})
    assert identity_from_claims(claims, settings).fiscal_code == "RMNCHR95B68D612V"
    with pytest.raises(OIDCAuthenticationError):
        identity_from_claims(_profile(), settings)


def test_unknown_acr_counts_as_the_default_level() -> None:
    claims = _profile(acr="urn:example:loa:high")
    assert identity_from_claims(claims, create_settings()).spid_level == 1
    assert identity_from_claims(claims, create_settings(default_level=2)).spid_level == 2


@pytest.mark.parametrize(
    "overrides",
    [
        {CIE_FISCAL_NUMBER: "TINIT-NOTAFISCALCODE"},
        {CIE_FISCAL_NUMBER: ""},
        {CIE_FISCAL_NUMBER: 12345678901},
        {"birthdate": "28/02/1995"},
        {"given_name": None},
    ],
)
def test_bad_or_missing_claims_are_refused(overrides: dict[str, Any]) -> None:
    with pytest.raises(OIDCAuthenticationError) as info:
        identity_from_claims(_profile(**overrides), create_settings())
    assert info.value.reason == MISSING_CLAIMS


# --- the test provider itself -----------------------------------------------------------------


def _authorize(running: RunningOP, **params: str) -> requests.Response:
    base = {
        "response_type": "code",
        "client_id": "sportello",
        "redirect_uri": REDIRECT,
        "scope": "openid profile",
        "state": "s",
        "nonce": "n",
        "code_challenge": code_challenge("v" * 43),
        "code_challenge_method": "S256",
        "login_hint": "RSSMRA80A01H501U",
    }
    base.update(params)
    query = {k: v for k, v in base.items() if v}
    return requests.get(
        running.issuer + "/authorize", params=query, allow_redirects=False, timeout=5
    )


@pytest.mark.parametrize(
    "params",
    [
        {"code_challenge": "", "code_challenge_method": ""},
        {"code_challenge_method": "plain"},
        {"nonce": ""},
    ],
)
def test_test_provider_insists_on_pkce_s256_and_nonce(
    running: RunningOP, params: dict[str, str]
) -> None:
    answer = _authorize(running, **params)
    location = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert location["error"] == ["invalid_request"]


@pytest.mark.parametrize(
    "params", [{"redirect_uri": "https://evil.example/cb"}, {"client_id": "stranger"}]
)
def test_test_provider_never_redirects_to_unregistered_places(
    running: RunningOP, params: dict[str, str]
) -> None:
    answer = _authorize(running, **params)
    assert answer.status_code == 400
    assert "Location" not in answer.headers


def test_test_provider_userinfo_wants_a_valid_token(running: RunningOP) -> None:
    answer = requests.get(
        running.issuer + "/userinfo", headers={"Authorization": "Bearer nope"}, timeout=5
    )
    assert answer.status_code == 401
    assert "invalid_token" in answer.headers["WWW-Authenticate"]


def test_test_provider_publishes_only_public_keys(running: RunningOP) -> None:
    jwks = requests.get(running.issuer + "/jwks", timeout=5).json()
    assert [k["kid"] for k in jwks["keys"]] == [running.op.signing_key.kid]
    assert all(set(k) & {"d", "p", "q"} == set() for k in jwks["keys"])
    doc = requests.get(running.issuer + "/.well-known/openid-configuration", timeout=5).json()
    assert doc["issuer"] == running.issuer
    assert doc["code_challenge_methods_supported"] == ["S256"]


def test_test_provider_app_honours_script_name(running: RunningOP) -> None:
    from io import BytesIO
    from wsgiref.util import setup_testing_defaults

    from identity.testop import TestOP, TestOPApp

    op = TestOP(
        "http://localhost:5000/test-op", [dataclasses.replace(running.op.clients["sportello"])]
    )
    environ: dict[str, Any] = {}
    setup_testing_defaults(environ)
    environ.update(
        SCRIPT_NAME="/test-op",
        PATH_INFO="/authorize",
        QUERY_STRING=urlsplit(_authorize(running, login_hint="").url).query,
        **{"wsgi.input": BytesIO()},
    )
    seen: list[str] = []
    body = b"".join(TestOPApp(op)(environ, lambda status, headers: seen.append(status)))
    assert seen == ["200 OK"]
    assert b'action="/test-op/authorize"' in body
    assert "Mario Rossi" in body.decode()
