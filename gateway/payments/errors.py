"""Errors of notices and payments, with the stable codes and HTTP statuses of the counter API.

The codes follow pagoPA's REST interface for payment terminals, so a terminal integrator
recognises them; ``status`` is the HTTP status each becomes (``gateway.errors``).
"""

from __future__ import annotations

from ..exceptions import SportelloError


class PaymentError(SportelloError):
    """Base of the errors of the payments slice."""

    code = "PAYMENT_ERROR"


class InvalidCode(PaymentError):
    code = "INVALID_QRCODE"
    status = 400
    title = "The notice code or QR code is not valid"


class UnauthorizedTerminal(PaymentError):
    code = "UNAUTHORIZED_TERMINAL"
    status = 401
    title = "The terminal is not authorised"


class DisabledTerminal(UnauthorizedTerminal):
    status = 403
    title = "The terminal is disabled"


class UnknownNotice(PaymentError):
    code = "UNKNOWN_NOTICE"
    status = 404
    title = "No notice with this code"


class TokenUnknown(PaymentError):
    code = "TOKEN_UNKNOWN"
    status = 404
    title = "No payment with this token"


class NoticeAlreadyPaid(PaymentError):
    code = "NOTICE_ALREADY_PAID"
    status = 409
    title = "The notice has already been paid"


class PaymentInProgress(PaymentError):
    code = "PAYMENT_ALREADY_IN_PROGRESS"
    status = 409
    title = "A payment of this notice is already in progress"


class TokenExpired(PaymentError):
    code = "TOKEN_EXPIRED"
    status = 409
    title = "The payment token has expired"


class OutcomeConflict(PaymentError):
    code = "OUTCOME_CONFLICT"
    status = 409
    title = "The payment was already closed with another outcome"


class ExpiredNotice(PaymentError):
    code = "EXPIRED_NOTICE"
    status = 422
    title = "The notice has expired: the amount due has changed"


class RevokedNotice(PaymentError):
    code = "REVOKED_NOTICE"
    status = 422
    title = "The notice is no longer valid"


class AmountMismatch(PaymentError):
    code = "AMOUNT_MISMATCH"
    status = 422
    title = "The amount does not match the notice"


class CreditorUnavailable(PaymentError):
    """The creditor's own system did not answer; 504 when it timed out."""

    code = "CREDITOR_UNAVAILABLE"
    status = 502
    title = "The creditor's system is not answering: try again later"


class IdempotencyKeyReused(PaymentError):
    code = "IDEMPOTENCY_KEY_REUSED"
    status = 422
    title = "This Idempotency-Key was already used for a different request"


class IdempotencyKeyMissing(PaymentError):
    code = "IDEMPOTENCY_KEY_MISSING"
    status = 400
    title = "State-changing calls need an Idempotency-Key header"
