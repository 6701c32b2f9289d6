"""Resume codes (and shorter session codes): short, typed by hand, read aloud on the phone.

Alphabet: 29 symbols, the digits 2-9 and the letters without I, L, O, S, U. Nothing in it looks
like anything else in it once 0/O, 1/I/L, 5/S and U/V are thinned out; typed S and U can only mean
5 and V, so normalisation maps them. 29 is prime, which makes a simple weighted check exact: with
values v_i and weights 1, 2, 3, ... the sum of i * v_i is 0 modulo 29. Every single substitution
changes the sum by d * i (both non-zero mod 29), and every swap of neighbours by (a - b), so both
are always caught, as is a swap of characters two apart; the check character is in the same
alphabet, so the code stays easy to read. It works for up to 28 characters in all.

Entropy: a resume code has 8 random characters, 29**8 = 5.0e11 codes, 38.9 bits; a session code
has 6, 29**6 = 5.9e8, 29.3 bits. That is enough only together with what the gateway does: codes
stored hashed, expiring (days for drafts, minutes for phone sessions), bound to their subject, and
guesses throttled. Each blind guess hits one of 100,000 live drafts with probability
1e5 / 5.0e11 = 2e-7; a global cap of 1,000 wrong guesses a day over a 30-day expiry gives
3e4 * 2e-7 = 0.6 % that an attacker reaches some draft, while per-address limits alone would not
hold against many addresses. Asking for the subject's codice fiscale along with the code (and
session codes that expire within minutes of the clerk's call) leaves only targeted guessing:
2e-12 per guess for a resume code. The 8-character default can be raised with `new_code(length)`.
Generation uses `secrets`.
"""

from __future__ import annotations

import secrets

from forms.errors import InvalidResumeCode

ALPHABET = "23456789ABCDEFGHJKMNPQRTVWXYZ"
_MODULUS = len(ALPHABET)  # 29, prime
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
# Characters people type for one that is not in the alphabet but has a single look-alike in it.
_CONFUSIONS = {"S": "5", "U": "V"}
_IGNORED = " -._\t"
RESUME_CODE_LENGTH = 8
SESSION_CODE_LENGTH = 6

# Italian telephone spelling alphabet (the one used on the phone in Italy) and NATO for English.
_SPELLING_IT = {
    "A": "Ancona", "B": "Bologna", "C": "Como", "D": "Domodossola", "E": "Empoli",
    "F": "Firenze", "G": "Genova", "H": "Hotel", "J": "Jolly", "K": "Kappa", "M": "Milano",
    "N": "Napoli", "P": "Palermo", "Q": "Quarto", "R": "Roma", "T": "Torino", "V": "Venezia",
    "W": "Washington", "X": "Xeres", "Y": "York", "Z": "Zara",
}  # fmt: skip
_SPELLING_EN = {
    "A": "Alfa", "B": "Bravo", "C": "Charlie", "D": "Delta", "E": "Echo", "F": "Foxtrot",
    "G": "Golf", "H": "Hotel", "J": "Juliett", "K": "Kilo", "M": "Mike", "N": "November",
    "P": "Papa", "Q": "Quebec", "R": "Romeo", "T": "Tango", "V": "Victor", "W": "Whiskey",
    "X": "X-ray", "Y": "Yankee", "Z": "Zulu",
}  # fmt: skip
_DIGITS = {
    "it": {"2": "due", "3": "tre", "4": "quattro", "5": "cinque", "6": "sei", "7": "sette",
           "8": "otto", "9": "nove"},
    "en": {"2": "two", "3": "three", "4": "four", "5": "five", "6": "six", "7": "seven",
           "8": "eight", "9": "nine"},
}  # fmt: skip


def check_char(payload: str) -> str:
    """The check character for `payload` (characters of `ALPHABET`, at most 27 of them)."""
    if len(payload) > _MODULUS - 2:
        raise ValueError("payload too long for a distinct weight per position")
    # Weights: the check character has 1, payload character i has i + 2.
    total = sum((i + 2) * _VALUE[c] for i, c in enumerate(payload))
    return ALPHABET[-total % _MODULUS]


def _is_consistent(code: str) -> bool:
    total = _VALUE[code[-1]] + sum((i + 2) * _VALUE[c] for i, c in enumerate(code[:-1]))
    return total % _MODULUS == 0


def new_code(length: int) -> str:
    """A random code of `length` characters plus its check character, compact (no dashes)."""
    payload = "".join(secrets.choice(ALPHABET) for _ in range(length))
    return payload + check_char(payload)


def new_resume_code() -> str:
    """A new resume code for a draft: 8 random characters + check, e.g. "7KQM4X9RD"."""
    return new_code(RESUME_CODE_LENGTH)


def new_session_code() -> str:
    """A new code for a phone co-browsing session: 6 random characters + check."""
    return new_code(SESSION_CODE_LENGTH)


def normalize_code(text: str, length: int) -> str:
    """The compact code (upper case, no separators) or `InvalidResumeCode`.

    Accepts lower case, spaces, dashes, dots; maps S to 5 and U to V. `reason="format"`: wrong
    length or a character outside the alphabet; `reason="check"`: the check character disagrees,
    i.e. one character was mistyped or two swapped.
    """
    code = "".join(_CONFUSIONS.get(c, c) for c in text.upper() if c not in _IGNORED)
    if len(code) != length + 1 or any(c not in _VALUE for c in code):
        raise InvalidResumeCode("format")
    if not _is_consistent(code):
        raise InvalidResumeCode("check")
    return code


def normalize_resume_code(text: str) -> str:
    """`normalize_code` for resume codes (8 + 1 characters)."""
    return normalize_code(text, RESUME_CODE_LENGTH)


def normalize_session_code(text: str) -> str:
    """`normalize_code` for session codes (6 + 1 characters)."""
    return normalize_code(text, SESSION_CODE_LENGTH)


def _group_sizes(n: int) -> list[int]:
    groups = -(-n // 4)  # as few groups as possible, of at most 4, as even as possible
    return [n // groups + (1 if i < n % groups else 0) for i in range(groups)]


def format_code(code: str) -> str:
    """Display form in groups of 3 or 4: "7KQ-M4X-9RD" (9 characters), "AB3K-7MQ" (7)."""
    parts, start = [], 0
    for size in _group_sizes(len(code)):
        parts.append(code[start : start + size])
        start += size
    return "-".join(parts)


def spell_code(code: str, lang: str = "it") -> list[str]:
    """Each character as said on the phone: ["sette", "K come Kappa", ...] or ["seven",
    "K as in Kilo", ...] in English. `code` must be normalised (characters of `ALPHABET`)."""
    words = []
    for c in code:
        if c in _DIGITS["en"]:
            words.append(_DIGITS["en" if lang == "en" else "it"][c])
        elif lang == "en":
            words.append(f"{c} as in {_SPELLING_EN[c]}")
        else:
            words.append(f"{c} come {_SPELLING_IT[c]}")
    return words
