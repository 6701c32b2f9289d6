"""Errors raised by the identity package.

`IdentityError` is the base. `AuthenticationError` means "this login (or logout) attempt failed,
show the user a plain message and log the detail"; `ConfigurationError` means the service provider
or the trusted identity providers are set up wrongly and an operator must act.
"""

from __future__ import annotations

# Plain-words messages for the user, per reason. Reasons not listed get the generic message: the
# precise cause is for the logs, never for the page.
_GENERIC = {
    "it": "Non è stato possibile completare l'accesso. Riprova; se il problema continua, "
    "contatta l'assistenza indicando il codice dell'errore.",
    "en": "We could not complete the sign-in. Please try again; if the problem persists, "
    "contact support quoting the error code.",
}
_MESSAGES: dict[str, dict[str, str]] = {
    "SPID_NR19": {
        "it": "Hai superato il numero di tentativi consentiti. Attendi qualche minuto e riprova.",
        "en": "Too many failed attempts. Please wait a few minutes and try again.",
    },
    "SPID_NR20": {
        "it": "La tua identità digitale non ha credenziali del livello di sicurezza richiesto "
        "da questo servizio.",
        "en": "Your digital identity has no credentials of the security level this service "
        "requires.",
    },
    "SPID_NR21": {
        "it": "Il tempo per completare l'accesso è scaduto. Riprova.",
        "en": "The time to complete the sign-in ran out. Please try again.",
    },
    "SPID_NR22": {
        "it": "Non hai dato il consenso all'invio dei dati richiesti, quindi l'accesso non è "
        "stato completato.",
        "en": "You did not consent to sending the requested data, so the sign-in was not "
        "completed.",
    },
    "SPID_NR23": {
        "it": "La tua identità digitale risulta sospesa o revocata. Contatta il tuo gestore "
        "di identità.",
        "en": "Your digital identity is suspended or revoked. Please contact your identity "
        "provider.",
    },
    "SPID_NR25": {
        "it": "Hai annullato l'accesso.",
        "en": "You cancelled the sign-in.",
    },
    "LEVEL_TOO_LOW": {
        "it": "Il livello di sicurezza usato per l'accesso è inferiore a quello richiesto dal "
        "servizio.",
        "en": "The security level used to sign in is lower than the service requires.",
    },
    "EXPIRED": {
        "it": "La risposta del gestore di identità è scaduta. Riprova ad accedere.",
        "en": "The identity provider's answer has expired. Please sign in again.",
    },
    "REPLAY": {
        "it": "Questa risposta di accesso è già stata usata. Riprova ad accedere.",
        "en": "This sign-in answer has already been used. Please sign in again.",
    },
    "UNKNOWN_IDP": {
        "it": "Il gestore di identità scelto non è tra quelli accettati da questo servizio.",
        "en": "The chosen identity provider is not one this service accepts.",
    },
}


class IdentityError(Exception):
    """Base of every error raised by `identity`."""


class ConfigurationError(IdentityError):
    """Settings, keys or identity-provider metadata are wrong: an operator must fix them."""


class AuthenticationError(IdentityError):
    """A login or logout attempt failed; `reason` is a stable code, `detail` is for logs only.

    Show the user `user_message(lang)` (never `detail`, which may echo attacker input or the
    identity provider's status message).
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail

    @property
    def user_cancelled(self) -> bool:
        """True when the citizen chose not to log in (no alarm, just a way back)."""
        return self.reason in {"SPID_NR22", "SPID_NR25"}

    def user_message(self, lang: str = "it") -> str:
        """Plain-words message in Italian (`it`, default) or English (`en`)."""
        lang = "en" if lang.lower().startswith("en") else "it"
        return _MESSAGES.get(self.reason, _GENERIC)[lang]


class UnknownIdentityProvider(AuthenticationError):
    """The requested identity provider is not in the trusted registry."""

    def __init__(self, entity_id: str) -> None:
        super().__init__("UNKNOWN_IDP", f"not a trusted IdP: {entity_id!r}")
        self.entity_id = entity_id


class MetadataTrustError(ConfigurationError):
    """IdP metadata refused: unsigned, badly or weakly signed, not by a trusted federation key,
    expired (`validUntil`), or reached over an insecure transport.

    `reason` is a stable code (NOT_SIGNED, SIGNATURE_INVALID, WEAK_SIGNATURE_ALGORITHM,
    EXPIRED, MALFORMED, INSECURE_TRANSPORT); the message names the cause for the operator.
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
