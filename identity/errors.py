"""Errors raised by the identity package.

`IdentityError` is the base. `AuthenticationError` means "this login (or logout) attempt failed,
show the user a plain message and log the detail"; `ConfigurationError` means the service provider
or the trusted identity providers are set up wrongly and an operator must act.
"""

from __future__ import annotations

from collections.abc import Callable


def N_(message: str) -> str:
    """Mark ``message`` for extraction into the gateway's catalogues; translated when shown."""
    return message


# Plain-words messages for the user, per reason, as English message ids. Reasons not listed get
# the generic message: the precise cause is for the logs, never for the page.
GENERIC_MESSAGE = N_(
    "We could not complete the sign-in. Please try again; if the problem persists, contact "
    "support quoting the error code."
)
USER_MESSAGES: dict[str, str] = {
    "SPID_NR19": N_("Too many failed attempts. Please wait a few minutes and try again."),
    "SPID_NR20": N_(
        "Your digital identity has no credentials of the security level this service requires."
    ),
    "SPID_NR21": N_("The time to complete the sign-in ran out. Please try again."),
    "SPID_NR22": N_(
        "You did not consent to sending the requested data, so the sign-in was not completed."
    ),
    "SPID_NR23": N_(
        "Your digital identity is suspended or revoked. Please contact your identity provider."
    ),
    "SPID_NR25": N_("You cancelled the sign-in."),
    "LEVEL_TOO_LOW": N_("The security level used to sign in is lower than the service requires."),
    "EXPIRED": N_("The identity provider's answer has expired. Please sign in again."),
    "REPLAY": N_("This sign-in answer has already been used. Please sign in again."),
    "UNKNOWN_IDP": N_("The chosen identity provider is not one this service accepts."),
}


class IdentityError(Exception):
    """Base of every error raised by `identity`."""


class ConfigurationError(IdentityError):
    """Settings, keys or identity-provider metadata are wrong: an operator must fix them."""


class AuthenticationError(IdentityError):
    """A login or logout attempt failed; `reason` is a stable code, `detail` is for logs only.

    Show the user `user_message(gettext)` (never `detail`, which may echo attacker input or the
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

    @property
    def message_id(self) -> str:
        """The English message id of what the user is told (see `user_message`)."""
        return USER_MESSAGES.get(self.reason, GENERIC_MESSAGE)

    def user_message(self, gettext: Callable[[str], str] | None = None) -> str:
        """Plain words for the user, translated with ``gettext`` (the English source without)."""
        return gettext(self.message_id) if gettext is not None else self.message_id


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
