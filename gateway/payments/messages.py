"""What a person reads when a payment step is refused (pages; the API has its own codes)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..exceptions import SportelloError

MESSAGES = {
    "INVALID_QRCODE": _l("The code is not valid: check the 18 digits of the notice code."),
    "UNKNOWN_NOTICE": _l("No payment notice has this code."),
    "NOTICE_ALREADY_PAID": _l("This notice has already been paid."),
    "PAYMENT_ALREADY_IN_PROGRESS": _l(
        "Someone is paying this notice right now. Try again in a few minutes."
    ),
    "TOKEN_EXPIRED": _l("The time to complete the payment ran out: start again."),
    "EXPIRED_NOTICE": _l(
        "This notice has expired because the amount due has changed: get a new notice."
    ),
    "REVOKED_NOTICE": _l("This notice is no longer valid."),
    "AMOUNT_MISMATCH": _l("The amount does not match the notice."),
    "CREDITOR_UNAVAILABLE": _l(
        "The municipality's system is not answering right now: the payment cannot be taken. "
        "Try again in a few minutes."
    ),
    "UNAUTHORIZED_TERMINAL": _l("Terminal id or secret not recognised, or terminal disabled."),
    "FINE_NOT_PAYABLE": _l("This fine cannot be paid: it is already paid, cancelled or disputed."),
    "UNKNOWN_FINE": _l("Fine not found."),
}


def refusal_message(error: SportelloError | str) -> str:
    code = error if isinstance(error, str) else error.code
    return str(MESSAGES.get(code, _l("The payment could not be completed.")))
