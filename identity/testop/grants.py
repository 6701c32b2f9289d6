"""authlib's authorization server, adapted to the TEST provider: models, request adapter, grants.

The classes here are what authlib asks an application to supply (client and code models, a
request type, storage hooks); `TestOP` owns the state they read and write.
"""

from __future__ import annotations

import hmac
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from authlib.oauth2 import AuthorizationServer, OAuth2Request
from authlib.oauth2.rfc6749 import ClientMixin, InvalidRequestError, OAuth2Payload
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core.grants import OpenIDCode
from joserfc.jwk import KeySet, RSAKey

from identity.testidp.users import TestUser

if TYPE_CHECKING:
    from identity.testop.provider import TestOP, TestOPClient

SPID_L2 = "https://www.spid.gov.it/SpidL2"
CODE_LIFETIME = 60


@dataclass
class AuthorizationCode:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: TestUser
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    acr: str
    auth_time: int
    expires_at: float

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> str:
        return self.acr

    def get_amr(self) -> list[str]:
        return ["pwd"]


@dataclass(frozen=True)
class AccessToken:
    user: TestUser
    scope: str
    client_id: str
    expires_at: float


class Client(ClientMixin):
    def __init__(self, spec: TestOPClient) -> None:
        self.spec = spec
        self.client_id = spec.client_id
        self.client_metadata: dict[str, Any] = {}

    def get_client_id(self) -> str:
        return self.spec.client_id

    def get_default_redirect_uri(self) -> str:
        return self.spec.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        allowed = {"openid", "profile", "email"}
        return " ".join(s for s in (scope or "").split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.spec.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        expected = self.spec.client_secret
        return expected is not None and hmac.compare_digest(
            expected.encode(), (client_secret or "").encode()
        )

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint != "token" or method == self.spec.auth_method

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


class Payload(OAuth2Payload):
    """Request parameters (query and form merged) as authlib reads them."""

    def __init__(self, values: dict[str, list[str]]) -> None:
        self._values = values

    @property
    def data(self) -> dict[str, str]:
        return {k: v[0] for k, v in self._values.items() if v}

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return defaultdict(list, self._values)


class WSGIRequest(OAuth2Request):
    """An `OAuth2Request` built from what the WSGI app parsed (no framework request object)."""

    def __init__(
        self,
        method: str,
        uri: str,
        headers: dict[str, str],
        query: dict[str, list[str]],
        form: dict[str, list[str]],
    ) -> None:
        super().__init__(method, uri, headers=headers)
        self._args = {k: v[0] for k, v in query.items() if v}
        self._form = {k: v[0] for k, v in form.items() if v}
        merged: dict[str, list[str]] = {k: list(v) for k, v in query.items()}
        for k, v in form.items():
            merged.setdefault(k, []).extend(v)
        self.payload = Payload(merged)

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


class PKCE(CodeChallenge):
    """PKCE with S256 only, required of every client (as CIE OIDC requires)."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        if not grant.request.payload.data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: missing 'code_challenge'")
        if grant.request.payload.data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("code_challenge_method must be S256")
        super().validate_code_challenge(grant, redirect_uri)


class CodeGrant(AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "private_key_jwt"]

    @property
    def op(self) -> TestOP:
        op: TestOP = self.server.op
        return op

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        requested_acr = (data.get("acr_values") or "").split()
        now = time.time()
        self.op.store_code(
            AuthorizationCode(
                code=code,
                client_id=request.client.get_client_id(),
                redirect_uri=data.get("redirect_uri") or "",
                scope=request.client.get_allowed_scope(data.get("scope") or ""),
                user=request.user,
                nonce=data.get("nonce"),
                code_challenge=data.get("code_challenge"),
                code_challenge_method=data.get("code_challenge_method"),
                acr=self.op.tampering.acr or (requested_acr[0] if requested_acr else SPID_L2),
                auth_time=int(now),
                expires_at=now + CODE_LIFETIME,
            )
        )

    def query_authorization_code(self, code: str, client: Client) -> AuthorizationCode | None:
        return self.op.find_code(code, client.get_client_id())

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        self.op.delete_code(authorization_code.code)

    def authenticate_user(self, authorization_code: AuthorizationCode) -> TestUser:
        return authorization_code.user


class IDToken(OpenIDCode):
    def __init__(self, op: TestOP) -> None:
        super().__init__(require_nonce=True)
        self.op = op

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        return self.op.nonce_used(request.payload.client_id, nonce)

    def resolve_client_private_key(self, client: Client) -> RSAKey:
        return self.op.rogue_key if self.op.tampering.rogue_key else self.op.signing_key

    def get_client_algorithm(self, client: Client) -> str:
        return "RS256"

    def get_encode_header(self, client: Client) -> dict[str, str]:
        # A rogue key keeps the genuine kid: only the signature can tell them apart.
        return {"alg": "RS256", "kid": self.op.signing_key.kid or ""}

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        claims: dict[str, Any] = {
            "iss": self.op.issuer,
            "aud": [self.op.tampering.audience or client.get_client_id()],
        }
        if self.op.tampering.expired:
            now = int(time.time())
            claims.update(iat=now - 3600, exp=now - 600)
        return claims

    def get_authorization_code_claims(self, authorization_code: Any) -> dict[str, Any]:
        claims: dict[str, Any] = super().get_authorization_code_claims(authorization_code)
        if self.op.tampering.nonce is not None:
            claims["nonce"] = self.op.tampering.nonce
        return claims

    def generate_user_info(self, user: TestUser, scope: str) -> dict[str, Any]:
        if self.op.tampering.claims_in_id_token:
            return self.op.user_claims(user, scope)
        return {"sub": self.op.subject(user)}


class PrivateKeyJWT(JWTBearerClientAssertion):
    CLIENT_AUTH_METHOD = "private_key_jwt"

    def __init__(self, op: TestOP) -> None:
        super().__init__(leeway=30)
        self.op = op

    def get_audiences(self) -> list[str]:
        return [self.op.endpoint("/token"), self.op.issuer]

    def validate_jti(self, claims: dict[str, Any], jti: str) -> bool:
        return self.op.first_use_of_jti(f"{claims['sub']}:{jti}")

    def resolve_client_public_key(self, client: Client) -> KeySet:
        return KeySet.import_key_set(client.spec.jwks or {"keys": []})  # type: ignore[arg-type]


class Server(AuthorizationServer):
    """authlib's server with our request adapter; responses stay `(status, body, headers)`."""

    def __init__(self, op: TestOP) -> None:
        super().__init__(scopes_supported=["openid", "profile", "email"])
        self.op = op

    def query_client(self, client_id: str) -> Client | None:
        spec = self.op.clients.get(client_id)
        return Client(spec) if spec else None

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        self.op.store_token(token, request)

    def create_oauth2_request(self, request: Any) -> OAuth2Request:
        if isinstance(request, OAuth2Request):
            return request
        raise TypeError("TestOP builds its OAuth2Request itself")

    def create_json_request(self, request: Any) -> Any:
        raise NotImplementedError("no JSON endpoints in the test provider")

    def handle_response(
        self, status: int, body: Any, headers: list[tuple[str, str]]
    ) -> tuple[int, Any, list[tuple[str, str]]]:
        return status, body, list(headers)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None
