"""Errors raised by the forms package.

`FormsError` is the base. `InvalidValue` is a user error about one value (it carries a stable code
from `forms.messages`); `DefinitionError` means a form definition file is wrong and a developer must
fix it; `UnknownService` and `MissingChoices` are caller mistakes; `InvalidResumeCode` tells the
caller whether a resume code was mistyped (`reason="format"` or `"check"`).
"""

from __future__ import annotations

from typing import Any, Literal


class FormsError(Exception):
    """Base of every error raised by `forms`."""


class InvalidValue(FormsError):
    """A value failed a validator: `code` names the rule, `params` fill the message templates."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class DefinitionError(FormsError):
    """A form definition is malformed; the message names the file and, when known, the field."""

    def __init__(self, source: str, problem: str, *, field: str | None = None) -> None:
        where = f"{source}: field '{field}'" if field else source
        super().__init__(f"{where}: {problem}")
        self.source = source
        self.field = field
        self.problem = problem


class UnknownService(FormsError):
    """No form definition has this service id."""

    def __init__(self, service_id: str) -> None:
        super().__init__(f"no form definition for service '{service_id}'")
        self.service_id = service_id


class MissingChoices(FormsError):
    """A visible choice field takes its choices from a provider the caller did not supply."""

    def __init__(self, provider: str, field: str) -> None:
        super().__init__(f"choices provider '{provider}' not supplied (needed by field '{field}')")
        self.provider = provider
        self.field = field


class InvalidResumeCode(FormsError):
    """A typed resume/session code is not well formed ("format") or its check character is wrong
    ("check"). Both mean "mistyped"; a well-formed code that matches no draft is "unknown" and is
    the caller's business."""

    def __init__(self, reason: Literal["format", "check"]) -> None:
        super().__init__(f"invalid code ({reason})")
        self.reason = reason
