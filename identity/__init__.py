"""Identity: SPID/CIE SAML service provider (and later OIDC), producing `Identity` values."""

from identity.errors import (
    AuthenticationError,
    ConfigurationError,
    IdentityError,
    MetadataTrustError,
    UnknownIdentityProvider,
)
from identity.model import Identity
from identity.replay import InMemoryReplayCache, RedisReplayCache, ReplayCache
from identity.saml import LoginRequest, LogoutRequest, ServiceProvider
from identity.saml.idp_registry import IdPMetadata, IdPRegistry, IdPSource, SourceStatus
from identity.saml.logout import IncomingLogoutRequest, LogoutResponseMessage
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
    "IncomingLogoutRequest",
    "LoginRequest",
    "LogoutRequest",
    "LogoutResponseMessage",
    "MetadataTrustError",
    "Organization",
    "RedisReplayCache",
    "ReplayCache",
    "SPSettings",
    "ServiceProvider",
    "SourceStatus",
    "UnknownIdentityProvider",
]
