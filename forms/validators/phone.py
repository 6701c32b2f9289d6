"""Italian telephone numbers, normalised to E.164 (+39...).

Accepted: an optional +39 or 0039 prefix, then a mobile number (3 followed by 8 or 9 digits) or a
landline number (0 followed by 5 to 10 digits; the 0 belongs to the number and stays after +39).
Spaces, dots, dashes, slashes and parentheses are ignored. A bare "39" prefix is not stripped:
39x is itself a mobile prefix. Foreign numbers, toll-free and premium numbers are rejected.
"""

from __future__ import annotations

import re

from forms.errors import InvalidValue

PHONE_KINDS = ("any", "mobile", "landline")
_SEPARATORS = re.compile(r"[\s.\-/()]")
_MOBILE = re.compile(r"3[0-9]{8,9}")
_LANDLINE = re.compile(r"0[0-9]{5,10}")


def normalize_phone(value: str, kind: str = "any") -> str:
    """Return the number in E.164 (+39...) or raise `InvalidValue`.

    Codes: `phone.format`, `phone.country` (a foreign prefix), `phone.not_mobile`,
    `phone.not_landline` (when `kind` asks for one of them).
    """
    number = _SEPARATORS.sub("", value)
    if number.startswith("00"):
        number = "+" + number[2:]
    if number.startswith("+"):
        if not number.startswith("+39"):
            raise InvalidValue("phone.country")
        number = number[3:]
    if _MOBILE.fullmatch(number):
        found = "mobile"
    elif _LANDLINE.fullmatch(number):
        found = "landline"
    else:
        raise InvalidValue("phone.format")
    if kind == "mobile" and found != "mobile":
        raise InvalidValue("phone.not_mobile")
    if kind == "landline" and found != "landline":
        raise InvalidValue("phone.not_landline")
    return "+39" + number
