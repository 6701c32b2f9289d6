"""Domain errors of the gateway. Each carries a stable code and the HTTP status it maps to."""

from __future__ import annotations

from typing import Any


class SportelloError(Exception):
    """Base of every error the gateway's operations raise on purpose.

    ``code`` is stable (API clients match on it); ``status`` is the HTTP status it becomes in
    ``gateway.errors``; ``user_message`` is safe to show (no internals); ``detail`` goes to logs.
    """

    code = "ERROR"
    status = 400
    title = "Request not accepted"

    def __init__(self, user_message: str | None = None, *, detail: str = "", **extra: Any):
        super().__init__(user_message or self.title)
        self.user_message = user_message or self.title
        self.detail = detail
        self.extra = extra


class InvalidInput(SportelloError):
    code = "INVALID_INPUT"
    status = 422
    title = "The data sent is not valid"


class NotFound(SportelloError):
    code = "NOT_FOUND"
    status = 404
    title = "Not found"


class Forbidden(SportelloError):
    code = "FORBIDDEN"
    status = 403
    title = "Not allowed"


class Unauthenticated(SportelloError):
    code = "UNAUTHENTICATED"
    status = 401
    title = "Authentication required"


class Conflict(SportelloError):
    code = "CONFLICT"
    status = 409
    title = "The request conflicts with the current state"


class IllegalTransition(Conflict):
    code = "ILLEGAL_TRANSITION"
    title = "This step is not allowed in the transaction's current state"


class ServiceUnavailable(SportelloError):
    code = "SERVICE_UNAVAILABLE"
    status = 503
    title = "A service is temporarily unavailable"


class StepUpRequired(SportelloError):
    """The session's SPID level is below what the page needs: log in again at that level."""

    code = "STEP_UP_REQUIRED"
    status = 403
    title = "A higher SPID level is required"

    def __init__(self, user_message: str | None = None, *, required_level: int, current_level: int):
        super().__init__(
            user_message,
            detail=f"SpidL{required_level} required, session at SpidL{current_level}",
            required_level=required_level,
            current_level=current_level,
        )
