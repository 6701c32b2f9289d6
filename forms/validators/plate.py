"""Italian vehicle registration plates (targhe).

Accepted formats, both in use since the 1990s and written without the blue bands:
- `auto`: cars, trucks and trailers since 1994, AB 123 CD;
- `moto`: motorcycles since 1999, AB 12345.
Letters I, O, Q and U never appear in them. Provincial plates issued before 1994 (MI 123456,
ROMA A12345), moped plates and special series (EE, CD, EI, Polizia...) are rejected: the fines
system records those by hand at the office, and accepting them would let typos through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from forms.errors import InvalidValue

_L = "[A-HJ-NPR-TV-Z]"
PLATE_PATTERNS: dict[str, re.Pattern[str]] = {
    "auto": re.compile(rf"{_L}{{2}}[0-9]{{3}}{_L}{{2}}"),
    "moto": re.compile(rf"{_L}{{2}}[0-9]{{5}}"),
}
_SEPARATORS = re.compile(r"[\s.\-·]")


def normalize_plate(value: str, kinds: Iterable[str] = ("auto",)) -> str:
    """Return the plate compact and upper case (AB123CD) or raise `InvalidValue("plate.format")`.

    `kinds` names the accepted formats (keys of `PLATE_PATTERNS`).
    """
    plate = _SEPARATORS.sub("", value).upper()
    if not any(PLATE_PATTERNS[kind].fullmatch(plate) for kind in kinds):
        raise InvalidValue("plate.format")
    return plate


def format_plate(plate: str) -> str:
    """Print form: AB 123 CD, AB 12345."""
    if len(plate) == 7 and plate[-1].isalpha():
        return f"{plate[:2]} {plate[2:5]} {plate[5:]}"
    return f"{plate[:2]} {plate[2:]}"
