"""OpenID Connect relying party (authorization code flow with PKCE), producing `Identity` values.

Usage from a web layer::

    rp = RelyingParty(OIDCSettings(issuer=..., client_id=..., client_secret=..., redirect_uri=...))
    request = rp.begin()              # keep request.state/nonce/code_verifier server-side
    ...redirect to request.url...
    identity = rp.complete(callback_query, state=..., nonce=..., code_verifier=...)
"""

from identity.oidc.errors import (
    ID_TOKEN_INVALID,
    ISSUER_MISMATCH,
    LEVEL_TOO_LOW,
    MISSING_CLAIMS,
    NONCE_MISMATCH,
    PROVIDER_ERROR,
    PROVIDER_UNAVAILABLE,
    STATE_MISMATCH,
    TOKEN_ERROR,
    USERINFO_ERROR,
    OIDCAuthenticationError,
    ProviderError,
    ProviderUnavailable,
)
from identity.oidc.provider import OpenIDProvider, ProviderMetadata
from identity.oidc.rp import AuthorizationRequest, RelyingParty, code_challenge
from identity.oidc.settings import CIE_FISCAL_NUMBER, SPID_ACR_LEVELS, ClientAuth, OIDCSettings

__all__ = [
    "CIE_FISCAL_NUMBER",
    "ID_TOKEN_INVALID",
    "ISSUER_MISMATCH",
    "LEVEL_TOO_LOW",
    "MISSING_CLAIMS",
    "NONCE_MISMATCH",
    "PROVIDER_ERROR",
    "PROVIDER_UNAVAILABLE",
    "SPID_ACR_LEVELS",
    "STATE_MISMATCH",
    "TOKEN_ERROR",
    "USERINFO_ERROR",
    "AuthorizationRequest",
    "ClientAuth",
    "OIDCAuthenticationError",
    "OIDCSettings",
    "OpenIDProvider",
    "ProviderError",
    "ProviderMetadata",
    "ProviderUnavailable",
    "RelyingParty",
    "code_challenge",
]
