"""Catalogue of validation error codes and the English message id of each.

Codes are stable: the gateway, the API and the printed sheets may key on them. Messages are
English message ids with ``%(name)s`` placeholders filled from the error's params; they speak to
the citizen ("Please enter..."), never about the software. Their translations live in the
gateway's catalogues (the ids are marked with ``N_`` for extraction); the caller gives the
language to show them in (`FormLanguage`, e.g. the gateway's ``i18n.Language``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol


def N_(message: str) -> str:
    """Mark ``message`` for extraction into the catalogues; it is translated where shown."""
    return message


class FormLanguage(Protocol):
    """What forms need of the language they are shown in: its catalogue and its formats."""

    def gettext(self, message: str, **values: Any) -> str:
        """``message`` translated, with ``%(name)s`` placeholders filled from ``values``."""
        ...

    def money(self, cents: int) -> str: ...

    def date(self, value: dt.date) -> str: ...


@dataclass(frozen=True)
class Money:
    """An amount in a message's params, formatted in the reader's language when shown."""

    cents: int


MESSAGES: dict[str, str] = {
    "required": N_("This field is required."),
    "text.format": N_("Please enter some text."),
    "text.invalid_chars": N_("The text contains characters that are not allowed."),
    "text.too_long": N_(
        "The text is too long: at most %(max_length)s characters (you wrote %(length)s)."
    ),
    "text.too_short": N_("The text is too short: at least %(min_length)s characters."),
    "choice.invalid": N_("Please pick one of the options."),
    "boolean.format": N_("Please answer yes or no."),
    "integer.format": N_("Please enter a whole number."),
    "integer.min": N_("The minimum is %(min)s."),
    "integer.max": N_("The maximum is %(max)s."),
    "amount.format": N_(
        "Please write the amount in euro, for example 1.234,56 (comma before the cents)."
    ),
    "amount.decimals": N_("The amount may have at most two decimals."),
    "amount.negative": N_("The amount cannot be negative."),
    "amount.min": N_("The minimum amount is %(min)s."),
    "amount.max": N_("The maximum amount is %(max)s."),
    "date.format": N_("Please write the date as dd/mm/yyyy, for example 31/01/2024."),
    "date.invalid": N_("This date does not exist."),
    "date.future_not_allowed": N_("The date cannot be in the future."),
    "date.past_not_allowed": N_("The date cannot be in the past."),
    "date.min_age": N_("You must be at least %(years)s years old."),
    "date.max_age": N_("The age cannot be over %(years)s years."),
    "date.too_early": N_("The date cannot be before %(date)s."),
    "date.too_late": N_("The date cannot be after %(date)s."),
    "cf.length": N_("The fiscal code has 16 characters (you wrote %(length)s)."),
    "cf.format": N_(
        "The fiscal code is not in the right form (6 letters, 2 digits, 1 letter, ...)."
    ),
    "cf.month": N_("The letter for the month of birth (%(letter)s) is not valid."),
    "cf.day": N_("The day of birth in the fiscal code is not valid."),
    "cf.check_char": N_("The fiscal code is not correct: please check you typed it right."),
    "iban.format": N_("The IBAN is not in the right form."),
    "iban.country": N_("The IBAN country code (%(country)s) is not recognised."),
    "iban.length": N_(
        "An IBAN of this country has %(expected)s characters (you wrote %(length)s)."
    ),
    "iban.checksum": N_("The IBAN is not correct: please check you typed it right."),
    "iban.national_check": N_("The CIN does not match the bank details: please check the IBAN."),
    "plate.format": N_("Please write the plate as AB123CD."),
    "phone.format": N_("The phone number is not valid."),
    "phone.country": N_("Please give an Italian number (+39)."),
    "phone.not_mobile": N_("Please give a mobile number."),
    "phone.not_landline": N_("Please give a landline number."),
    "email.format": N_("The e-mail address is not valid."),
    "email.too_long": N_("The e-mail address is too long (at most %(max_length)s characters)."),
    "file.format": N_("The file was not received."),
    "file.name": N_("The file name is not valid (at most %(max_length)s characters, no folders)."),
    "file.empty": N_("The file is empty."),
    "file.too_large": N_("The file is too large: at most %(max_size)s."),
    "file.content_type": N_("This type of file is not allowed. Allowed types: %(accepted)s."),
    "file.extension": N_("The file extension does not match its type (expected: %(extensions)s)."),
}


def _shown(value: Any, lang: FormLanguage) -> Any:
    if isinstance(value, Money):
        return lang.money(value.cents)
    if isinstance(value, dt.date):
        return lang.date(value)
    return value


@dataclass(frozen=True)
class FieldError:
    """One error on one field: a stable code and the params of its message."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message_id(self) -> str:
        """The English message id (placeholders unfilled)."""
        return MESSAGES[self.code]

    def message(self, lang: FormLanguage) -> str:
        """The message in ``lang``, its params filled (amounts and dates in its formats)."""
        values = {name: _shown(value, lang) for name, value in self.params.items()}
        return lang.gettext(self.message_id, **values)


def field_error(code: str, params: dict[str, Any] | None = None) -> FieldError:
    """Build a `FieldError` from the catalogue; an unknown code is a bug, so KeyError."""
    if code not in MESSAGES:
        raise KeyError(code)
    return FieldError(code, dict(params or {}))
