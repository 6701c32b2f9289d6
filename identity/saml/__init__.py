"""SAML 2.0 service provider with the SPID/CIE profile, on python3-saml."""

from identity.saml.responses import PendingRequest
from identity.saml.sp import LoginRequest, LogoutRequest, ServiceProvider

__all__ = ["LoginRequest", "LogoutRequest", "PendingRequest", "ServiceProvider"]
