"""`TestOP`: a TEST OpenID provider on authlib's authorization server (no web framework).

It issues real codes, tokens and RS256 ID tokens signed with a key generated at start, for the
demo cast of `identity/testidp/data/users.yaml`. `tampering` makes it misbehave on purpose (rogue
signing key, wrong audience, expired token, other nonce, ...) so that tests can check the relying
party refuses what it must. Never expose it outside a demo: anyone can log in as anyone.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from authlib.oauth2 import OAuth2Request
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from joserfc.jwk import RSAKey

from identity.oidc.settings import CIE_FISCAL_NUMBER
from identity.testidp.users import TestUser, load_test_users
from identity.testop.grants import (
    PKCE,
    AccessToken,
    AuthorizationCode,
    CodeGrant,
    IDToken,
    PrivateKeyJWT,
    Server,
)

TOKEN_LIFETIME = 600
PROFILE_CLAIMS = ("given_name", "family_name", "birthdate", "email")


@dataclass(frozen=True)
class TestOPClient:
    """A relying party registered at the test provider.

    `auth_method` is how it authenticates at the token endpoint: `client_secret_basic` (with
    `client_secret`) or `private_key_jwt` (with `jwks`, its public key set).
    """

    __test__ = False  # a TEST client, not a test case

    client_id: str
    redirect_uris: tuple[str, ...]
    client_secret: str | None = None
    jwks: dict[str, Any] | None = None
    auth_method: str = "client_secret_basic"


@dataclass
class Tampering:
    """Deliberate faults of the next answers (tests only); the default misbehaves in nothing.

    `claims_in_id_token` puts the profile and fiscal-code claims in the ID token too (by
    default, as in CIE OIDC, they come only from userinfo). `callback_iss` replaces the `iss`
    the provider adds to its redirects (RFC 9207).
    """

    rogue_key: bool = False
    audience: str | None = None
    expired: bool = False
    nonce: str | None = None
    acr: str | None = None
    claims_in_id_token: bool = False
    omit_claims: tuple[str, ...] = ()
    userinfo_sub: str | None = None
    callback_iss: str | None = None


@dataclass
class _Stores:
    codes: dict[str, AuthorizationCode] = field(default_factory=dict)
    tokens: dict[str, AccessToken] = field(default_factory=dict)
    nonces: set[tuple[str, str]] = field(default_factory=set)
    jtis: set[str] = field(default_factory=set)


class TestOP:
    """The provider's state: issuer, clients, keys, codes, tokens, and test knobs.

    `issuer` is fixed (the URL the provider is reached at, e.g. `http://localhost:5000/test-op`);
    endpoints are `<issuer>/authorize`, `/token`, `/userinfo`, `/jwks`. `fiscal_code_claim` names
    the claim carrying `TINIT-<fiscal code>`.
    `hits` counts requests per path, so tests can see what the relying party fetched.
    """

    __test__ = False  # a TEST provider, not a test case

    def __init__(
        self,
        issuer: str,
        clients: list[TestOPClient] | tuple[TestOPClient, ...] = (),
        *,
        users: list[TestUser] | None = None,
        fiscal_code_claim: str = CIE_FISCAL_NUMBER,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.clients = {c.client_id: c for c in clients}
        self.users = users if users is not None else load_test_users()
        self.fiscal_code_claim = fiscal_code_claim
        self.tampering = Tampering()
        self.signing_key, self.rogue_key = _first_keys()
        self.hits: Counter[str] = Counter()
        self._subject_salt = secrets.token_bytes(16)
        self._lock = threading.Lock()
        self._stores = _Stores()
        self.server = Server(self)
        self.server.register_token_generator(
            "default",
            BearerTokenGenerator(lambda **_: secrets.token_urlsafe(32)),
        )
        self.server.register_grant(CodeGrant, [PKCE(required=True), IDToken(self)])
        self.server.register_client_auth_method("private_key_jwt", PrivateKeyJWT(self))

    def endpoint(self, path: str) -> str:
        """Absolute URL of one of our endpoints."""
        return self.issuer + path

    def register_client(self, client: TestOPClient) -> None:
        """Add (or replace) a relying party."""
        self.clients[client.client_id] = client

    def rotate_key(self) -> None:
        """Sign from now on with a new key (new `kid`); the JWKS shows only the new one."""
        self.signing_key = _new_key()

    def jwks(self) -> dict[str, Any]:
        """The public key set served at `/jwks`."""
        key = self.signing_key.as_dict(private=False)
        return {"keys": [{**key, "use": "sig", "alg": "RS256"}]}

    def discovery(self) -> dict[str, Any]:
        """The document served at `/.well-known/openid-configuration`."""
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.endpoint("/authorize"),
            "token_endpoint": self.endpoint("/token"),
            "userinfo_endpoint": self.endpoint("/userinfo"),
            "jwks_uri": self.endpoint("/jwks"),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile", "email"],
            "acr_values_supported": [f"https://www.spid.gov.it/SpidL{n}" for n in (1, 2, 3)],
            "claims_supported": ["sub", "acr", *PROFILE_CLAIMS, self.fiscal_code_claim],
            "authorization_response_iss_parameter_supported": True,
        }

    def find_user(self, hint: str) -> TestUser | None:
        """The demo user whose fiscal code (with or without `TINIT-`) is `hint`."""
        code = hint.strip().upper().removeprefix("TINIT-")
        return next((u for u in self.users if u.fiscal_code == code), None)

    def subject(self, user: TestUser) -> str:
        """A stable opaque `sub` for `user` (not the fiscal code, as real providers do)."""
        digest = hmac.new(self._subject_salt, user.fiscal_code.encode(), hashlib.sha256)
        return digest.hexdigest()

    def user_claims(self, user: TestUser, scope: str) -> dict[str, Any]:
        """The claims the provider releases about `user` (minus `tampering.omit_claims`)."""
        a = user.attributes
        claims: dict[str, Any] = {
            "sub": self.subject(user),
            self.fiscal_code_claim: a["fiscalNumber"],
        }
        scopes = scope.split()
        if "profile" in scopes:
            claims.update(
                given_name=a.get("name", ""),
                family_name=a.get("familyName", ""),
                birthdate=a.get("dateOfBirth", ""),
            )
        if "email" in scopes and a.get("email"):
            claims["email"] = a["email"]
        for name in self.tampering.omit_claims:
            claims.pop(name, None)
        return claims

    def userinfo(self, access_token: str) -> dict[str, Any] | None:
        """Claims for a valid bearer token, else None."""
        with self._lock:
            token = self._stores.tokens.get(access_token)
        if token is None or token.expires_at < time.time():
            return None
        claims = self.user_claims(token.user, token.scope)
        if self.tampering.userinfo_sub is not None:
            claims["sub"] = self.tampering.userinfo_sub
        return claims

    # Stores used by the grants (one lock: the WSGI server may run requests in threads).

    def store_code(self, code: AuthorizationCode) -> None:
        with self._lock:
            self._stores.codes[code.code] = code
            if code.nonce:
                self._stores.nonces.add((code.client_id, code.nonce))

    def find_code(self, code: str, client_id: str) -> AuthorizationCode | None:
        with self._lock:
            item = self._stores.codes.get(code)
        if item is None or item.client_id != client_id or item.expires_at < time.time():
            return None
        return item

    def delete_code(self, code: str) -> None:
        with self._lock:
            self._stores.codes.pop(code, None)

    def nonce_used(self, client_id: str, nonce: str) -> bool:
        with self._lock:
            return (client_id, nonce) in self._stores.nonces

    def first_use_of_jti(self, jti: str) -> bool:
        with self._lock:
            if jti in self._stores.jtis:
                return False
            self._stores.jtis.add(jti)
            return True

    def store_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        with self._lock:
            self._stores.tokens[token["access_token"]] = AccessToken(
                user=request.user,
                scope=token.get("scope", ""),
                client_id=request.client.get_client_id(),
                expires_at=time.time() + int(token.get("expires_in", TOKEN_LIFETIME)),
            )


@cache
def _first_keys() -> tuple[RSAKey, RSAKey]:
    """A provider's first signing key and its rogue key, made once per process.

    Making two 2048-bit RSA keys is most of what starting a test provider costs, and each test
    app starts one; what the keys guard is test logins. ``rotate_key`` makes a new one.
    """
    return _new_key(), _new_key()


def _new_key() -> RSAKey:
    key = RSAKey.generate_key(2048, private=True)
    key.ensure_kid()
    return key
