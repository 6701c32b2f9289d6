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
from forms.messages import N_, FormLanguage

ALPHABET = "23456789ABCDEFGHJKMNPQRTVWXYZ"
_MODULUS = len(ALPHABET)  # 29, prime
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
# Characters people type for one that is not in the alphabet but has a single look-alike in it.
_CONFUSIONS = {"S": "5", "U": "V"}
_IGNORED = " -._\t"
RESUME_CODE_LENGTH = 8
SESSION_CODE_LENGTH = 6

# How each character is said on the phone: a spelling alphabet word per letter (NATO in the
# source texts; each language's catalogue gives its own, Italy's telephone alphabet in Italian).
SPOKEN = {
    "2": N_("two"), "3": N_("three"), "4": N_("four"), "5": N_("five"),
    "6": N_("six"), "7": N_("seven"), "8": N_("eight"), "9": N_("nine"),
    "A": N_("A as in Alfa"),
    "B": N_("B as in Bravo"),
    "C": N_("C as in Charlie"),
    "D": N_("D as in Delta"),
    "E": N_("E as in Echo"),
    "F": N_("F as in Foxtrot"),
    "G": N_("G as in Golf"),
    "H": N_("H as in Hotel"),
    "J": N_("J as in Juliett"),
    "K": N_("K as in Kilo"),
    "M": N_("M as in Mike"),
    "N": N_("N as in November"),
    "P": N_("P as in Papa"),
    "Q": N_("Q as in Quebec"),
    "R": N_("R as in Romeo"),
    "T": N_("T as in Tango"),
    "V": N_("V as in Victor"),
    "W": N_("W as in Whiskey"),
    "X": N_("X as in X-ray"),
    "Y": N_("Y as in Yankee"),
    "Z": N_("Z as in Zulu"),
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


def spell_code(code: str, lang: FormLanguage) -> list[str]:
    """Each character as said on the phone in ``lang``: ["seven", "K as in Kilo", ...] in the
    source texts, ["sette", "K come Kappa", ...] in Italian. `code` must be normalised."""
    return [lang.gettext(SPOKEN[c]) for c in code]
