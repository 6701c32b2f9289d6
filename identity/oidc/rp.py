"""`RelyingParty`: OpenID Connect authorization code flow with PKCE, ending in an `Identity`.

The gateway calls `begin()`, keeps `state`, `nonce` and `code_verifier` in its server-side
session, redirects the browser to `url`, and on the callback passes the query parameters and the
three kept values to `complete()`. Nothing here touches a web framework.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from identity.errors import ConfigurationError
from identity.model import Identity
from identity.oidc.claims import identity_from_claims, missing_claims
from identity.oidc.errors import (
    ISSUER_MISMATCH,
    STATE_MISMATCH,
    TOKEN_ERROR,
    USERINFO_ERROR,
    OIDCAuthenticationError,
    ProviderError,
)
from identity.oidc.id_token import verify_id_token
from identity.oidc.provider import OpenIDProvider, ProviderMetadata, fetch_json, json_object
from identity.oidc.settings import OIDCSettings

# RFC 6749 §4.1.2.1: error codes are printable ASCII without '"' and '\'.
_ERROR_CODE = re.compile(r"[\x20\x21\x23-\x5B\x5D-\x7E]{1,64}")
_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@dataclass(frozen=True)
class AuthorizationRequest:
    """Where to send the browser, and the secrets to keep server-side until the callback."""

    url: str
    state: str
    nonce: str
    code_verifier: str

    def to_dict(self) -> dict[str, str]:
        """JSON-friendly form (for a server-side session)."""
        return asdict(self)


def code_challenge(code_verifier: str) -> str:
    """PKCE S256 challenge (RFC 7636 §4.2)."""
    digest = hashlib.sha256(code_verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class RelyingParty:
    """An OpenID Connect client of one provider (`settings.issuer`).

    `http` is the `requests.Session` used for every call to the provider (a new one when
    omitted); every call has `settings.http_timeout`. `clock` gives the current Unix time for
    the ID token's time checks. Thread-safe: one instance serves every request of a process.
    """

    def __init__(
        self,
        settings: OIDCSettings,
        http: requests.Session | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self._http = http if http is not None else requests.Session()
        self._clock = clock
        self.provider = OpenIDProvider(settings, self._http)
        self._signing_key = _load_signing_key(settings) if settings.private_key_pem else None

    def jwks(self) -> dict[str, Any]:
        """Our public key set (for `private_key_jwt`: register it at the provider)."""
        if self._signing_key is None:
            return {"keys": []}
        key = self._signing_key.as_dict(private=False)
        return {"keys": [{**key, "use": "sig", "alg": "RS256"}]}

    def begin(
        self,
        *,
        login_hint: str | None = None,
        prompt: str | None = None,
        min_level: int | None = None,
    ) -> AuthorizationRequest:
        """A fresh authorization request (new `state`, `nonce` and PKCE verifier).

        `min_level` asks for the acr values of `settings.acr_levels` that give at least that
        SPID level (strongest first); the caller checks the level obtained. Fetches the
        discovery document if not cached: raises `ProviderUnavailable` when the provider
        cannot be reached.
        """
        metadata = self.provider.metadata()
        state = secrets.token_urlsafe(32)
        nonce = secrets.token_urlsafe(32)
        code_verifier = secrets.token_urlsafe(64)  # 86 characters, within RFC 7636's 43..128
        params = {
            "response_type": "code",
            "client_id": self.settings.client_id,
            "redirect_uri": self.settings.redirect_uri,
            "scope": " ".join(self.settings.scopes),
            "state": state,
            "nonce": nonce,
            "code_challenge": code_challenge(code_verifier),
            "code_challenge_method": "S256",
        }
        acr_values = self.settings.acr_values
        if min_level is not None:
            acr_values = acr_values_for(self.settings, min_level)
        if acr_values:
            params["acr_values"] = " ".join(acr_values)
        if login_hint:
            params["login_hint"] = login_hint
        if prompt:
            params["prompt"] = prompt
        url = _add_query(metadata.authorization_endpoint, params)
        return AuthorizationRequest(url, state, nonce, code_verifier)

    def complete(
        self, query_params: Mapping[str, str], *, state: str, nonce: str, code_verifier: str
    ) -> Identity:
        """The `Identity` of the citizen, from the callback's query parameters.

        `state`, `nonce` and `code_verifier` are the values `begin()` returned for this browser
        session; use them once. Raises only `OIDCAuthenticationError` (an
        `AuthenticationError`); `ProviderError.user_cancelled` is true when the citizen
        cancelled, `ProviderUnavailable` means "try again later".
        """
        got_state = query_params.get("state")
        if (
            not state
            or not isinstance(got_state, str)
            or not hmac.compare_digest(got_state.encode(), state.encode())
        ):
            raise OIDCAuthenticationError(STATE_MISMATCH, "callback state is not this session's")
        iss = query_params.get("iss")
        # RFC 9207: when the provider names itself in the callback it must be the expected one.
        if iss is not None and iss != self.settings.issuer:
            raise OIDCAuthenticationError(ISSUER_MISMATCH, f"callback iss is {iss!r}")
        error = query_params.get("error")
        if error is not None:
            code_ok = isinstance(error, str) and _ERROR_CODE.fullmatch(error)
            description = str(query_params.get("error_description") or "")[:200]
            raise ProviderError(error if code_ok else "invalid_error_code", description)
        code = query_params.get("code")
        if not isinstance(code, str) or not code:
            raise ProviderError("invalid_response", "callback without code")
        metadata = self.provider.metadata()
        tokens = self._redeem(metadata, code, code_verifier)
        access_token = tokens.get("access_token")
        claims = verify_id_token(
            tokens["id_token"],
            settings=self.settings,
            provider=self.provider,
            metadata=metadata,
            nonce=nonce,
            access_token=access_token if isinstance(access_token, str) else None,
            now=self._clock(),
        )
        if missing_claims(claims, self.settings) and metadata.userinfo_endpoint:
            if not isinstance(access_token, str) or not access_token:
                raise OIDCAuthenticationError(TOKEN_ERROR, "no access token for userinfo")
            userinfo = self._userinfo(metadata, access_token, claims["sub"])
            claims = {**claims, **userinfo, "sub": claims["sub"], "acr": claims.get("acr")}
        return identity_from_claims(claims, self.settings)

    def _redeem(self, metadata: ProviderMetadata, code: str, code_verifier: str) -> dict[str, Any]:
        """Exchange `code` at the token endpoint; the answer has at least `id_token`."""
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.settings.redirect_uri,
            "code_verifier": code_verifier,
        }
        headers = {"Accept": "application/json"}
        if self.settings.client_auth == "private_key_jwt":
            data["client_id"] = self.settings.client_id
            data["client_assertion_type"] = _ASSERTION_TYPE
            data["client_assertion"] = self._client_assertion(metadata.token_endpoint)
        else:
            # RFC 6749 §2.3.1: id and secret are form-encoded before Basic encoding.
            secret = self.settings.client_secret or ""
            pair = f"{quote(self.settings.client_id, safe='')}:{quote(secret, safe='')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
        response = fetch_json(
            self._http,
            "POST",
            metadata.token_endpoint,
            self.settings.http_timeout,
            data=data,
            headers=headers,
        )
        if response.status_code != 200:
            try:
                body = response.json()
                error = body.get("error") if isinstance(body, dict) else None
            except ValueError:
                error = None
            code_ok = isinstance(error, str) and _ERROR_CODE.fullmatch(error)
            raise OIDCAuthenticationError(
                TOKEN_ERROR, f"HTTP {response.status_code} {error if code_ok else ''}".strip()
            )
        tokens = json_object(response, "token endpoint")
        if str(tokens.get("token_type", "")).lower() != "bearer":
            raise OIDCAuthenticationError(TOKEN_ERROR, "token_type is not Bearer")
        if not isinstance(tokens.get("id_token"), str):
            raise OIDCAuthenticationError(TOKEN_ERROR, "no id_token in the answer")
        return tokens

    def _client_assertion(self, token_endpoint: str) -> str:
        """`private_key_jwt` assertion (RFC 7523 §3), valid for one minute."""
        assert self._signing_key is not None
        now = int(self._clock())
        claims = {
            "iss": self.settings.client_id,
            "sub": self.settings.client_id,
            "aud": token_endpoint,
            "jti": secrets.token_urlsafe(24),
            "iat": now,
            "exp": now + 60,
        }
        header = {"alg": "RS256", "kid": self._signing_key.kid}
        return jwt.encode(header, claims, self._signing_key, algorithms=["RS256"])

    def _userinfo(self, metadata: ProviderMetadata, access_token: str, sub: str) -> dict[str, Any]:
        """Claims from the userinfo endpoint (plain JSON or a signed JWT); `sub` must match."""
        assert metadata.userinfo_endpoint
        response = fetch_json(
            self._http,
            "GET",
            metadata.userinfo_endpoint,
            self.settings.http_timeout,
            headers={"Authorization": f"Bearer {access_token}"},
        )
        if response.status_code != 200:
            raise OIDCAuthenticationError(USERINFO_ERROR, f"HTTP {response.status_code}")
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type == "application/jwt":
            claims = self._signed_userinfo(response.text)
        else:
            claims = json_object(response, "userinfo")
        # OpenID Connect Core §5.3.2: a different sub means the answer is not about this user.
        if claims.get("sub") != sub:
            raise OIDCAuthenticationError(USERINFO_ERROR, "userinfo sub differs from the ID token")
        return claims

    def _signed_userinfo(self, text: str) -> dict[str, Any]:
        try:
            header = jws.extract_compact(text.strip().encode("ascii")).headers()
            alg = header.get("alg")
            if alg not in self.settings.id_token_algorithms:
                raise OIDCAuthenticationError(USERINFO_ERROR, f"userinfo alg {alg!r}")
            key = self.provider.signing_key(header.get("kid"))
            claims = jwt.decode(text.strip(), key, algorithms=[alg]).claims
        except (JoseError, UnicodeError, ValueError) as e:
            # Encrypted (JWE) userinfo lands here too: not supported yet.
            raise OIDCAuthenticationError(USERINFO_ERROR, f"userinfo JWT: {e!r}") from e
        if claims.get("iss", self.settings.issuer) != self.settings.issuer:
            raise OIDCAuthenticationError(USERINFO_ERROR, "userinfo iss differs")
        aud = claims.get("aud", self.settings.client_id)
        if self.settings.client_id not in ([aud] if isinstance(aud, str) else aud):
            raise OIDCAuthenticationError(USERINFO_ERROR, "userinfo aud differs")
        return claims


def _add_query(url: str, params: Mapping[str, str]) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    return urlunsplit(parts._replace(query=query))


def _load_signing_key(settings: OIDCSettings) -> RSAKey:
    assert settings.private_key_pem is not None
    try:
        private = load_pem_private_key(settings.private_key_pem.encode(), password=None)
    except ValueError as e:
        raise ConfigurationError(f"OIDC client key does not load: {e}") from e
    if not isinstance(private, rsa.RSAPrivateKey) or private.key_size < 2048:
        raise ConfigurationError("the OIDC client key must be RSA of at least 2048 bits")
    key = RSAKey.import_key(private)
    if settings.key_id:
        key = RSAKey.import_key(private, parameters={"kid": settings.key_id})
    else:
        key.ensure_kid()
    return key


def acr_values_for(settings: OIDCSettings, min_level: int) -> tuple[str, ...]:
    """The acr values of `settings.acr_levels` worth at least `min_level`, lowest first.

    Lowest first: a provider that honours the first value it supports asks for no more than
    needed. ConfigurationError when no acr value reaches `min_level`.
    """
    values = sorted(
        (level, acr) for acr, level in settings.acr_levels.items() if level >= min_level
    )
    if not values:
        raise ConfigurationError(f"no acr value of this provider gives SPID level {min_level}")
    return tuple(acr for _level, acr in values)
