"""Errors of form filling and resuming, each with a stable code and its HTTP status."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from forms import ValidationResult

from ..exceptions import Forbidden, InvalidInput, NotFound, SportelloError


class ResumeCodeMistyped(SportelloError):
    """The code is malformed or its check character disagrees: a typo, not a guess."""

    code = "RESUME_CODE_MISTYPED"
    status = 422
    title = _l("The code seems mistyped: check every character and try again.")


class ResumeCodeNotFound(NotFound):
    """No draft of this subject has this code, or it expired: the same answer for both."""

    code = "RESUME_CODE_NOT_FOUND"
    title = _l("No draft matches this code, or it has expired.")


class TooManyGuesses(SportelloError):
    """Too many codes that opened nothing: wait ``retry_after`` seconds."""

    code = "TOO_MANY_GUESSES"
    status = 429
    title = _l("Too many codes tried: please wait a few minutes before trying again.")

    def __init__(self, user_message: str | None = None, *, retry_after: int, **extra: Any):
        super().__init__(user_message, retry_after=retry_after, **extra)
        self.retry_after = retry_after


class FormNotValid(InvalidInput):
    """The answers have errors; ``result`` holds every one of them."""

    code = "FORM_NOT_VALID"

    def __init__(self, result: ValidationResult, user_message: str | None = None) -> None:
        super().__init__(user_message, fields=len(result.errors))
        self.result = result


class DraftClosed(SportelloError):
    """The transaction is past the draft stage: it can no longer be edited."""

    code = "DRAFT_CLOSED"
    status = 409
    title = _l("This request has already been sent and can no longer be changed.")


class OutOfScope(Forbidden):
    """The delegation does not cover this service."""

    code = "OUT_OF_DELEGATION_SCOPE"
    title = _l("The delegation does not cover this service.")
