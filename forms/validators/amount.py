"""Amounts in euro, kept as integer cents.

Accepted text (spaces, a leading or trailing "€" and "EUR" are ignored):
- a comma is the decimal separator and may be followed by 1 or 2 digits: "12,5", "12,50";
- a dot followed by groups of exactly three digits separates thousands: "1.234", "1.234.567,89";
- a single dot followed by 1 or 2 digits is read as a decimal point, as typed on a phone keypad or
  copied from an English page: "12.50";
- anything else is refused rather than guessed: "1,234.56", "12.345.6", "1.23.456".
So "1.234" is one thousand two hundred and thirty-four euro, as an Italian reader means it.
An `int` is taken as cents already (the cleaned value coming back from a draft); a `bool` or
`float` is refused, to keep binary fractions away from money.
"""

from __future__ import annotations

import re
from typing import Any

from forms.errors import InvalidValue

_ITALIAN = re.compile(r"(?P<units>[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,(?P<cents>[0-9]+))?")
_DOT_DECIMAL = re.compile(r"(?P<units>[0-9]+)\.(?P<cents>[0-9]{1,2})")


def parse_euro_cents(value: Any, *, allow_negative: bool = False) -> int:
    """Parse an amount in euro and return cents, or raise `InvalidValue`.

    Codes: `amount.format`, `amount.decimals` (more than two decimals), `amount.negative`.
    """
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidValue("amount.format")
    if isinstance(value, int):
        cents = value
    else:
        text = "".join(value.split()).replace("€", "")
        text = text.removeprefix("EUR").removesuffix("EUR")
        negative = text.startswith("-")
        text = text.removeprefix("-")
        match = _ITALIAN.fullmatch(text) or _DOT_DECIMAL.fullmatch(text)
        if not match:
            raise InvalidValue("amount.format")
        fraction = match.group("cents") or ""
        if len(fraction) > 2:
            raise InvalidValue("amount.decimals")
        units = int(match.group("units").replace(".", ""))
        cents = units * 100 + int(fraction.ljust(2, "0"))
        cents = -cents if negative else cents
    if cents < 0 and not allow_negative:
        raise InvalidValue("amount.negative")
    return cents
