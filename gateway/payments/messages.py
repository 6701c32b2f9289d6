"""What a person reads when a payment step is refused (pages; the API has its own codes)."""

from __future__ import annotations

from flask_babel import gettext as _

from ..exceptions import SportelloError, error_with_code


def refusal_message(error: SportelloError | str) -> str:
    """The error's own message; for a code alone (an API answer), its class's title."""
    if isinstance(error, SportelloError):
        return error.user_message
    found = error_with_code(error)
    return str(found.title) if found is not None else _("The payment could not be completed.")
