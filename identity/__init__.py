"""Identity: SPID/CIE SAML service provider (and later OIDC), producing `Identity` values."""

from identity.errors import (
    AuthenticationError,
    ConfigurationError,
    IdentityError,
    UnknownIdentityProvider,
)
from identity.model import Identity
from identity.replay import InMemoryReplayCache, RedisReplayCache, ReplayCache
from identity.saml import LoginRequest, LogoutRequest, ServiceProvider
from identity.saml.idp_registry import IdPMetadata, IdPRegistry, IdPSource
from identity.settings import ContactPerson, Organization, SPSettings

__all__ = [
    "AuthenticationError",
    "ConfigurationError",
    "ContactPerson",
    "IdPMetadata",
    "IdPRegistry",
    "IdPSource",
    "Identity",
    "IdentityError",
    "InMemoryReplayCache",
    "LoginRequest",
    "LogoutRequest",
    "Organization",
    "RedisReplayCache",
    "ReplayCache",
    "SPSettings",
    "ServiceProvider",
    "UnknownIdentityProvider",
]
