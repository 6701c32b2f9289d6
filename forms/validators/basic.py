"""Free text, choices, yes/no and whole numbers."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from typing import Any

from forms.errors import InvalidValue

_TRUE = frozenset({"1", "true", "on", "yes", "y", "si", "sì", "s"})
_FALSE = frozenset({"0", "false", "off", "no", "n", ""})


def clean_text(value: Any, *, max_length: int, min_length: int = 0, multiline: bool = False) -> str:
    """Trimmed NFC text, or raise `InvalidValue`.

    Single-line text has its line breaks turned into spaces; multi-line text keeps them (as "\\n").
    Other control characters are refused: they are invisible on screen and break printed sheets.
    Length is counted in characters after normalisation. Codes: `text.format`,
    `text.invalid_chars`, `text.too_long`, `text.too_short`.
    """
    if not isinstance(value, str):
        raise InvalidValue("text.format")
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n").strip()
    if not multiline:
        text = text.replace("\n", " ")
    allowed = {"\n", "\t"} if multiline else {"\t"}
    if any(unicodedata.category(c) == "Cc" and c not in allowed for c in text):
        raise InvalidValue("text.invalid_chars")
    if len(text) > max_length:
        raise InvalidValue("text.too_long", max_length=max_length, length=len(text))
    if len(text) < min_length:
        raise InvalidValue("text.too_short", min_length=min_length)
    return text


def clean_choice(value: Any, allowed: Collection[str]) -> str:
    """The value if it is one of `allowed`, else `InvalidValue("choice.invalid")`."""
    text = value.strip() if isinstance(value, str) else value
    if not isinstance(text, str) or text not in allowed:
        raise InvalidValue("choice.invalid")
    return text


def parse_bool(value: Any) -> bool:
    """Checkbox and yes/no values: True/False, "on", "true", "1", "sì", "no", ""...

    Code: `boolean.format`.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise InvalidValue("boolean.format")


def parse_integer(value: Any, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number from an int or decimal digits (optional sign), within the bounds.

    Codes: `integer.format`, `integer.min`, `integer.max` (params: min, max).
    """
    if isinstance(value, bool):
        raise InvalidValue("integer.format")
    if isinstance(value, int):
        number = value
    elif (
        isinstance(value, str)
        and value.strip().lstrip("+-").isascii()
        and (value.strip().lstrip("+-").isdigit())
    ):
        number = int(value.strip())
    else:
        raise InvalidValue("integer.format")
    if minimum is not None and number < minimum:
        raise InvalidValue("integer.min", min=minimum)
    if maximum is not None and number > maximum:
        raise InvalidValue("integer.max", max=maximum)
    return number
