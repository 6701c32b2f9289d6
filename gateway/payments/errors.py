"""Errors of notices and payments, with the stable codes and HTTP statuses of the counter API.

The codes follow pagoPA's REST interface for payment terminals, so a terminal integrator
recognises them; ``status`` is the HTTP status each becomes (``gateway.errors``).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..exceptions import SportelloError


class PaymentError(SportelloError):
    """Base of the errors of the payments slice."""

    code = "PAYMENT_ERROR"


class InvalidCode(PaymentError):
    code = "INVALID_QRCODE"
    status = 400
    title = _l("The code is not valid: check the 18 digits of the notice code.")


class InvalidFiscalCode(PaymentError):
    code = "INVALID_FISCAL_CODE"
    status = 400
    title = _l("The fiscal code is not valid: check it on the card.")


class UnauthorizedTerminal(PaymentError):
    code = "UNAUTHORIZED_TERMINAL"
    status = 401
    title = _l("Terminal id or secret not recognised, or terminal disabled.")


class DisabledTerminal(UnauthorizedTerminal):
    status = 403


class UnknownNotice(PaymentError):
    code = "UNKNOWN_NOTICE"
    status = 404
    lasting = False  # a code not issued yet may be issued later
    title = _l("No payment notice has this code.")


class TokenUnknown(PaymentError):
    code = "TOKEN_UNKNOWN"
    status = 404
    title = _l("No payment with this token.")


class NoticeAlreadyPaid(PaymentError):
    code = "NOTICE_ALREADY_PAID"
    status = 409
    title = _l("This notice has already been paid.")


class PaymentInProgress(PaymentError):
    code = "PAYMENT_ALREADY_IN_PROGRESS"
    status = 409
    lasting = False  # the other attempt may be aborted or expire
    title = _l("Someone is paying this notice right now. Try again in a few minutes.")


class TokenExpired(PaymentError):
    """A cart closed OK after its reservation expired: a cart is all or nothing, so it is not
    paid in part; the terminal activates a new cart (single payments take late outcomes)."""

    code = "TOKEN_EXPIRED"
    status = 409
    title = _l("The time to complete the payment ran out: start again.")


class RefundRequired(PaymentError):
    """A late OK the gateway cannot accept: another payment held or paid the notice meanwhile.

    The payment is recorded as ``refund_due`` and listed for a clerk; the terminal must give
    the money back to the payer (pagoPA answers PPT_TOKEN_SCADUTO and the PSP refunds).
    """

    code = "REFUND_REQUIRED"
    status = 409
    title = _l(
        "The time to complete the payment ran out and the notice was paid or taken by "
        "another payment meanwhile: give the money back to the payer."
    )


class OutcomeConflict(PaymentError):
    code = "OUTCOME_CONFLICT"
    status = 409
    title = _l("The payment was already closed with another outcome.")


class ExpiredNotice(PaymentError):
    code = "EXPIRED_NOTICE"
    status = 422
    title = _l("This notice can no longer be paid after its last valid day: get a new notice.")


class RevokedNotice(PaymentError):
    code = "REVOKED_NOTICE"
    status = 422
    title = _l("This notice is no longer valid.")


class AmountMismatch(PaymentError):
    code = "AMOUNT_MISMATCH"
    status = 422
    title = _l("The amount does not match the notice.")


class CreditorUnavailable(PaymentError):
    """The creditor's own system did not answer; 504 when it timed out."""

    code = "CREDITOR_UNAVAILABLE"
    status = 502
    title = _l(
        "The municipality's system is not answering right now: the "
        "payment cannot be taken. Try again in a few minutes."
    )


class IdempotencyKeyReused(PaymentError):
    code = "IDEMPOTENCY_KEY_REUSED"
    status = 422
    title = _l("This Idempotency-Key was already used for a different request.")


class IdempotencyKeyMissing(PaymentError):
    code = "IDEMPOTENCY_KEY_MISSING"
    status = 400
    title = _l("State-changing calls need an Idempotency-Key header.")
