"""Errors of the OpenID Connect relying party: `AuthenticationError`s with OIDC reason codes.

Every failure of `RelyingParty.complete` is an `OIDCAuthenticationError` (an
`AuthenticationError`), so the gateway handles SAML and OIDC logins the same way: show
`user_message(lang)`, log `reason` and `detail`. Two subclasses tell the caller more:
`ProviderError` (the provider answered `error=...`; `access_denied` means the citizen cancelled)
and `ProviderUnavailable` (network failure or 5xx: try again later, nothing is wrong with the user).
"""

from __future__ import annotations

from identity.errors import AuthenticationError

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

_CANCELLED = {
    "it": "Hai annullato l'accesso.",
    "en": "You cancelled the sign-in.",
}
_MESSAGES: dict[str, dict[str, str]] = {
    STATE_MISMATCH: {
        "it": "La richiesta di accesso non è più valida (forse è stata aperta in un'altra "
        "scheda o è scaduta). Riprova ad accedere.",
        "en": "The sign-in request is no longer valid (perhaps it was opened in another tab "
        "or it expired). Please sign in again.",
    },
    PROVIDER_ERROR: {
        "it": "Il gestore di identità non ha completato l'accesso. Riprova; se il problema "
        "continua, contatta l'assistenza indicando il codice dell'errore.",
        "en": "The identity provider did not complete the sign-in. Please try again; if the "
        "problem persists, contact support quoting the error code.",
    },
    MISSING_CLAIMS: {
        "it": "Il gestore di identità non ha inviato tutti i dati necessari (come il codice "
        "fiscale), quindi l'accesso non è stato completato.",
        "en": "The identity provider did not send all the data we need (such as the fiscal "
        "code), so the sign-in was not completed.",
    },
    PROVIDER_UNAVAILABLE: {
        "it": "Il gestore di identità non è raggiungibile in questo momento. Riprova tra "
        "qualche minuto.",
        "en": "The identity provider cannot be reached at the moment. Please try again in a "
        "few minutes.",
    },
    LEVEL_TOO_LOW: {
        "it": "Il livello di sicurezza usato per l'accesso è inferiore a quello richiesto dal "
        "servizio.",
        "en": "The security level used to sign in is lower than the service requires.",
    },
}


class OIDCAuthenticationError(AuthenticationError):
    """An OpenID Connect login failed; reasons not listed above get the generic message."""

    def user_message(self, lang: str = "it") -> str:
        """Plain-words message in Italian (`it`, default) or English (`en`)."""
        lang = "en" if lang.lower().startswith("en") else "it"
        if self.user_cancelled:
            return _CANCELLED[lang]
        if self.reason in _MESSAGES:
            return _MESSAGES[self.reason][lang]
        return super().user_message(lang)


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
