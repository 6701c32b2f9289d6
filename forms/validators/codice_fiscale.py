"""Codice fiscale of a natural person: format, omocodia, check character, birth data.

Layout (16 characters): surname (3 letters), name (3 letters), year (2 digits), month (letter),
day (2 digits, +40 for women), place of birth (Belfiore code: letter + 3 digits), check letter.
When two people would get the same code, the Agenzia delle Entrate replaces digits, from the right,
with the letters L M N P Q R S T U V (omocodia). We accept a replacement at any of the seven digit
positions, and the check character is always computed on the code as written.

The 11-digit numeric codice fiscale of companies and public bodies is not handled here.
"""

from __future__ import annotations

import datetime as dt
import re

from forms.errors import InvalidValue

# Official table for characters in odd positions (1st, 3rd, ... 15th). Digits share the values of
# the letters A-J.
_ODD_LETTERS = (1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22,
                25, 24, 23)  # fmt: skip
ODD_VALUES: dict[str, int] = {chr(ord("A") + i): v for i, v in enumerate(_ODD_LETTERS)}
ODD_VALUES.update({str(d): _ODD_LETTERS[d] for d in range(10)})
# Even positions: digits 0-9 count as themselves, letters A-Z as 0-25.
EVEN_VALUES: dict[str, int] = {chr(ord("A") + i): i for i in range(26)}
EVEN_VALUES.update({str(d): d for d in range(10)})

MONTH_LETTERS = "ABCDEHLMPRST"
OMOCODIA_LETTERS = "LMNPQRSTUV"
# 0-based positions of the seven digits that omocodia may replace.
OMOCODIA_POSITIONS = (6, 7, 9, 10, 12, 13, 14)

_D = "[0-9LMNPQRSTUV]"
_SHAPE = re.compile(rf"[A-Z]{{6}}{_D}{{2}}[A-Z]{_D}{{2}}[A-Z]{_D}{{3}}[A-Z]")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # 29: the century is unknown


def codice_fiscale_check_char(first15: str) -> str:
    """Check letter for the first 15 characters (upper case) of a codice fiscale."""
    if len(first15) != 15:
        raise ValueError("the check character is computed on exactly 15 characters")
    total = 0
    for i, char in enumerate(first15):
        # i is 0-based, so even i is an odd position in the official numbering.
        total += ODD_VALUES[char] if i % 2 == 0 else EVEN_VALUES[char]
    return chr(ord("A") + total % 26)


def _digit(char: str) -> int:
    return OMOCODIA_LETTERS.index(char) if char in OMOCODIA_LETTERS else int(char)


def normalize_codice_fiscale(value: str) -> str:
    """Return the code in canonical form (upper case, no spaces) or raise `InvalidValue`.

    Codes: `cf.length`, `cf.format`, `cf.month`, `cf.day`, `cf.check_char`.
    """
    code = "".join(value.split()).upper()
    if len(code) != 16:
        raise InvalidValue("cf.length", length=len(code))
    if not _SHAPE.fullmatch(code):
        raise InvalidValue("cf.format")
    month_letter = code[8]
    if month_letter not in MONTH_LETTERS:
        raise InvalidValue("cf.month", letter=month_letter)
    day = _digit(code[9]) * 10 + _digit(code[10])
    if day > 40:
        day -= 40
    if not 1 <= day <= _DAYS_IN_MONTH[MONTH_LETTERS.index(month_letter)]:
        raise InvalidValue("cf.day")
    if codice_fiscale_check_char(code[:15]) != code[15]:
        raise InvalidValue("cf.check_char")
    return code


def is_valid_codice_fiscale(value: str) -> bool:
    """True if `value` normalises to a valid codice fiscale."""
    try:
        normalize_codice_fiscale(value)
    except InvalidValue:
        return False
    return True


def decode_omocodia(value: str) -> str:
    """The base code: omocodia letters turned back into digits and the check letter recomputed.

    Two codes of the same person compare equal after this; raises `InvalidValue` if invalid.
    """
    code = list(normalize_codice_fiscale(value))
    for pos in OMOCODIA_POSITIONS:
        code[pos] = str(_digit(code[pos]))
    first15 = "".join(code[:15])
    return first15 + codice_fiscale_check_char(first15)


def sex_from_codice_fiscale(value: str) -> str:
    """ "M" or "F" (the day of birth of women is increased by 40)."""
    code = normalize_codice_fiscale(value)
    return "F" if _digit(code[9]) >= 4 else "M"


def birth_date_from_codice_fiscale(value: str, *, today: dt.date | None = None) -> dt.date:
    """Date of birth encoded in the code.

    The year has two digits: we pick the century that puts the date at most `today` (so a person
    born in 1920 and one born in 2020 cannot be told apart; the later one wins). Raises
    `InvalidValue("cf.day")` for 29 February of a non-leap year.
    """
    code = normalize_codice_fiscale(value)
    today = today or dt.date.today()
    yy = _digit(code[6]) * 10 + _digit(code[7])
    month = MONTH_LETTERS.index(code[8]) + 1
    day = (_digit(code[9]) * 10 + _digit(code[10])) % 40
    year = 2000 + yy if 2000 + yy <= today.year else 1900 + yy
    try:
        born = dt.date(year, month, day)
        if born > today:
            born = dt.date(year - 100, month, day)
    except ValueError as e:
        raise InvalidValue("cf.day") from e
    return born
