"""Domain errors of the gateway. Each carries a stable code and the HTTP status it maps to.

``title`` is a lazy message (``lazy_gettext``): it reads in the language of whoever sees it —
the page, the API answer or the log line that shows it — so no view translates errors again.
"""

from __future__ import annotations

from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l


class SportelloError(Exception):
    """Base of every error the gateway's operations raise on purpose.

    ``code`` is stable (API clients match on it); ``status`` is the HTTP status it becomes in
    ``gateway.errors``; ``user_message`` is safe to show (no internals): the message given when
    raised, else ``title``; ``detail`` goes to logs.
    """

    code = "ERROR"
    status = 400
    title: str | LazyString = _l("Request not accepted.")
    # False when the cause can pass (another holder's lock, a record not there yet): a
    # stored answer to an Idempotency-Key must not repeat such a refusal after it passed.
    lasting = True

    def __init__(
        self, user_message: str | LazyString | None = None, *, detail: str = "", **extra: Any
    ):
        super().__init__(user_message or self.title)
        self._message = user_message
        self.detail = detail
        self.extra = extra

    @property
    def user_message(self) -> str:
        """What the person is told, in the current language."""
        return str(self._message or self.title)


def error_with_code(code: str) -> type[SportelloError] | None:
    """The most general error class with ``code`` (an API answer names only its code)."""
    pending: list[type[SportelloError]] = [SportelloError]
    while pending:
        cls = pending.pop(0)
        if cls.code == code:
            return cls
        pending.extend(cls.__subclasses__())
    return None


class InvalidInput(SportelloError):
    code = "INVALID_INPUT"
    status = 422
    title = _l("The data sent is not valid.")


class NotFound(SportelloError):
    code = "NOT_FOUND"
    status = 404
    title = _l("Not found.")


class Forbidden(SportelloError):
    code = "FORBIDDEN"
    status = 403
    title = _l("Not allowed.")


class Unauthenticated(SportelloError):
    code = "UNAUTHENTICATED"
    status = 401
    title = _l("Authentication required.")


class Conflict(SportelloError):
    code = "CONFLICT"
    status = 409
    title = _l("The request conflicts with the current state.")


class IllegalTransition(Conflict):
    code = "ILLEGAL_TRANSITION"
    title = _l("This step is not allowed in the transaction's current state.")


class StepUpRequired(SportelloError):
    """The session's SPID level is below what the page needs: log in again at that level."""

    code = "STEP_UP_REQUIRED"
    status = 403
    title = _l("A higher SPID level is required.")

    def __init__(
        self,
        user_message: str | LazyString | None = None,
        *,
        required_level: int,
        current_level: int,
    ):
        super().__init__(
            user_message,
            detail=f"SpidL{required_level} required, session at SpidL{current_level}",
            required_level=required_level,
            current_level=current_level,
        )
