"""Identifiers checked whole before they leave for a legacy service, and sent as they were given.

A pattern is applied with `re.fullmatch` (`$` would let a trailing newline through) and the
value that passed is the one sent: never stripped, never upper-cased, so what a caller checked
is what is fetched. `connectors/` does not import `forms/`: the check character of a codice
fiscale (DM 23/12/1976) is computed here too, and a test keeps the two computations in step.
"""

from __future__ import annotations

import re

from connectors.errors import InvalidIdentifier

_D = "[0-9LMNPQRSTUV]"  # a digit, or its omocodia letter
# Codice fiscale of a natural person: 16 characters, upper case only, a real month letter.
PERSON_FISCAL_CODE = re.compile(f"[A-Z]{{6}}{_D}{{2}}[ABCDEHLMPRST]{_D}{{2}}[A-Z]{_D}{{3}}[A-Z]")

# Value of each character in an odd (1st, 3rd, ...) position; a digit counts as the letter
# of the same rank (0 as A, 1 as B, ...). In an even position, A-Z and 0-9 count 0-25 and 0-9.
_ODD = (1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25,
        24, 23)  # fmt: skip
_ODD_VALUES = {chr(65 + i): v for i, v in enumerate(_ODD)} | {str(d): _ODD[d] for d in range(10)}
_EVEN_VALUES = {chr(65 + i): i for i in range(26)} | {str(d): d for d in range(10)}


def fiscal_code_check_character(first15: str) -> str:
    """The check letter of the first 15 characters (upper case) of a codice fiscale."""
    if len(first15) != 15:
        raise ValueError("the check character is computed on exactly 15 characters")
    total = sum(
        _ODD_VALUES[char] if index % 2 == 0 else _EVEN_VALUES[char]
        for index, char in enumerate(first15)
    )
    return chr(65 + total % 26)


def is_person_fiscal_code(value: object) -> bool:
    """True for a well-formed codice fiscale whose check character is right.

    Shape, charset, month letter and check character are checked; whether the day exists in
    its month is not (the service answers NotFound for a code nobody has).
    """
    return (
        isinstance(value, str)
        and PERSON_FISCAL_CODE.fullmatch(value) is not None
        and fiscal_code_check_character(value[:15]) == value[15]
    )


def checked_fiscal_code(service: str, name: str, value: object) -> str:
    """`value` itself if it is a person's codice fiscale, else InvalidIdentifier naming `name`."""
    if isinstance(value, str) and is_person_fiscal_code(value):
        return value
    raise InvalidIdentifier(service, f"malformed {name}", identifier=name)


def checked(service: str, name: str, value: object, pattern: re.Pattern[str]) -> str:
    """`value` itself if `pattern` matches all of it, else InvalidIdentifier naming `name`."""
    if not isinstance(value, str) or pattern.fullmatch(value) is None:
        raise InvalidIdentifier(service, f"malformed {name}", identifier=name)
    return value
