"""Relying-party settings: plain data, checked once when built."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal
from urllib.parse import urlsplit

from identity.errors import ConfigurationError

ClientAuth = Literal["client_secret_basic", "private_key_jwt"]

# CIE OIDC and SPID OIDC express the SPID level as these acr values.
SPID_ACR_LEVELS: Mapping[str, int] = MappingProxyType(
    {
        "https://www.spid.gov.it/SpidL1": 1,
        "https://www.spid.gov.it/SpidL2": 2,
        "https://www.spid.gov.it/SpidL3": 3,
    }
)
CIE_FISCAL_NUMBER = "https://attributes.eid.gov.it/fiscal_number"
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}
_SAFE_ALGS = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}


@dataclass(frozen=True)
class OIDCSettings:
    """Everything the relying party needs to talk to one OpenID provider.

    `issuer` is the provider's issuer identifier exactly as in its discovery document (the
    document is fetched from `<issuer>/.well-known/openid-configuration`). `redirect_uri` is the
    callback as the browser sees it and as registered at the provider.

    `client_auth` picks how the token endpoint authenticates us: `client_secret_basic` needs
    `client_secret`; `private_key_jwt` (CIE OIDC) needs `private_key_pem` (RSA, published to the
    provider through `RelyingParty.jwks()`) and uses `key_id` as the JWS `kid`.

    `fiscal_code_claim` names the claim with the fiscal code (`TINIT-` prefix allowed).
    `required_claims` must be present (in the ID token or the userinfo answer) besides it.
    `acr_levels` maps acr values to SPID levels; an absent or unknown acr counts as
    `default_level`. With `acr_values`, the level obtained must be at least the lowest level
    among the requested values. `clock_skew` (seconds) is the tolerance on `exp` and `iat`;
    `http_timeout` (seconds) bounds every call to the provider. Discovery and keys are cached
    for `metadata_ttl` seconds. `allow_http` permits a plain-http issuer on a non-loopback host
    (demo set-ups only; loopback hosts are always allowed).
    """

    issuer: str
    client_id: str
    client_secret: str | None
    redirect_uri: str
    scopes: tuple[str, ...] = ("openid", "profile", "email")
    fiscal_code_claim: str = CIE_FISCAL_NUMBER
    acr_values: tuple[str, ...] | None = None
    clock_skew: int = 30
    http_timeout: float = 5.0
    client_auth: ClientAuth = "client_secret_basic"
    private_key_pem: str | None = None
    key_id: str | None = None
    required_claims: tuple[str, ...] = ("given_name", "family_name")
    acr_levels: Mapping[str, int] = field(default_factory=lambda: SPID_ACR_LEVELS)
    default_level: int = 1
    id_token_algorithms: tuple[str, ...] = ("RS256",)
    metadata_ttl: int = 3600
    allow_http: bool = False

    def __post_init__(self) -> None:
        for name in ("issuer", "redirect_uri"):
            self._check_url(name, getattr(self, name))
        if not self.client_id:
            raise ConfigurationError("OIDCSettings.client_id is required")
        if "openid" not in self.scopes:
            raise ConfigurationError("OIDCSettings.scopes must include 'openid'")
        if not self.fiscal_code_claim:
            raise ConfigurationError("OIDCSettings.fiscal_code_claim is required")
        if not 0 <= self.clock_skew <= 300:
            raise ConfigurationError("OIDCSettings.clock_skew must be within 0..300")
        if not 0 < self.http_timeout <= 60:
            raise ConfigurationError("OIDCSettings.http_timeout must be within 0..60 seconds")
        if self.client_auth == "client_secret_basic" and not self.client_secret:
            raise ConfigurationError("client_secret_basic needs OIDCSettings.client_secret")
        if self.client_auth == "private_key_jwt" and not self.private_key_pem:
            raise ConfigurationError("private_key_jwt needs OIDCSettings.private_key_pem")
        if self.client_auth not in ("client_secret_basic", "private_key_jwt"):
            raise ConfigurationError(f"unsupported client_auth {self.client_auth!r}")
        bad_algs = set(self.id_token_algorithms) - _SAFE_ALGS
        if bad_algs or not self.id_token_algorithms:
            # "none" and the HMAC algorithms have no place in a public-key ID token check.
            raise ConfigurationError(f"unsupported ID token algorithms: {sorted(bad_algs)}")
        unknown = [v for v in self.acr_values or () if v not in self.acr_levels]
        if unknown:
            raise ConfigurationError(f"acr_values without a level in acr_levels: {unknown}")

    def _check_url(self, name: str, value: str) -> None:
        if not re.match(r"^https?://[^\s]+$", value or ""):
            raise ConfigurationError(f"OIDCSettings.{name} must be an absolute URL: {value!r}")
        parts = urlsplit(value)
        if parts.scheme == "http" and parts.hostname not in _LOOPBACK and not self.allow_http:
            raise ConfigurationError(f"OIDCSettings.{name} must use https: {value!r}")

    @property
    def min_level(self) -> int:
        """The lowest SPID level the requested `acr_values` accept (1 when none requested)."""
        if not self.acr_values:
            return 1
        return min(self.acr_levels[v] for v in self.acr_values)
