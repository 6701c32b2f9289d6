"""Errors of the OpenID Connect relying party: `AuthenticationError`s with OIDC reason codes.

Every failure of `RelyingParty.complete` is an `OIDCAuthenticationError` (an
`AuthenticationError`), so the gateway handles SAML and OIDC logins the same way: show
`user_message(gettext)`, log `reason` and `detail`. Two subclasses tell the caller more:
`ProviderError` (the provider answered `error=...`; `access_denied` means the citizen cancelled)
and `ProviderUnavailable` (network failure or 5xx: try again later, nothing is wrong with the user).
"""

from __future__ import annotations

from identity.errors import N_, AuthenticationError
from identity.errors import USER_MESSAGES as SAML_MESSAGES

# Reason codes (stable: the gateway may count and alert on them).
STATE_MISMATCH = "OIDC_STATE_MISMATCH"
ISSUER_MISMATCH = "OIDC_ISSUER_MISMATCH"
PROVIDER_ERROR = "OIDC_ERROR"
TOKEN_ERROR = "OIDC_TOKEN_ERROR"  # noqa: S105 (a reason code, not a secret)
ID_TOKEN_INVALID = "OIDC_ID_TOKEN_INVALID"  # noqa: S105 (a reason code)
NONCE_MISMATCH = "OIDC_NONCE_MISMATCH"
USERINFO_ERROR = "OIDC_USERINFO_ERROR"
MISSING_CLAIMS = "OIDC_MISSING_CLAIMS"
PROVIDER_UNAVAILABLE = "OIDC_PROVIDER_UNAVAILABLE"
LEVEL_TOO_LOW = "LEVEL_TOO_LOW"  # same code (and message) as the SAML side

USER_MESSAGES: dict[str, str] = {
    STATE_MISMATCH: N_(
        "The sign-in request is no longer valid (perhaps it was opened in another tab or it "
        "expired). Please sign in again."
    ),
    PROVIDER_ERROR: N_(
        "The identity provider did not complete the sign-in. Please try again; if the problem "
        "persists, contact support quoting the error code."
    ),
    MISSING_CLAIMS: N_(
        "The identity provider did not send all the data we need (such as the fiscal code), so "
        "the sign-in was not completed."
    ),
    PROVIDER_UNAVAILABLE: N_(
        "The identity provider cannot be reached at the moment. Please try again in a few minutes."
    ),
}


class OIDCAuthenticationError(AuthenticationError):
    """An OpenID Connect login failed; reasons not listed above get the generic message."""

    @property
    def message_id(self) -> str:
        if self.user_cancelled:
            return SAML_MESSAGES["SPID_NR25"]  # "You cancelled the sign-in."
        return USER_MESSAGES.get(self.reason) or super().message_id


class ProviderError(OIDCAuthenticationError):
    """The provider redirected back with `error=...` (RFC 6749 §4.1.2.1).

    `error` is the provider's code (already checked to be a short token); `access_denied` is
    what a provider sends when the citizen presses "cancel".
    """

    def __init__(self, error: str, description: str = "") -> None:
        super().__init__(PROVIDER_ERROR, f"{error}: {description}" if description else error)
        self.error = error

    @property
    def user_cancelled(self) -> bool:
        """True when the citizen chose not to log in."""
        return self.error == "access_denied"


class ProviderUnavailable(OIDCAuthenticationError):
    """The provider could not be reached, timed out or answered 5xx: retry later."""

    def __init__(self, detail: str) -> None:
        super().__init__(PROVIDER_UNAVAILABLE, detail)
