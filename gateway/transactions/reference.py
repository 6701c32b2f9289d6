"""Public reference codes of transactions: short, unambiguous, easy to read aloud and type."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L, U, S/5 or B/8 look-alikes to misread on paper or mishear on the phone.
ALPHABET = "234679ACDEFGHJKMNPQRTVWXYZ"


def new_reference() -> str:
    """A reference like ``SP-7KQ4-MX2D``: 8 symbols from a 26-letter alphabet (~37 bits)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"SP-{body[:4]}-{body[4:]}"


def normalize_reference(text: str) -> str:
    """Accept lower case, spaces and missing dashes; return the canonical form or ''."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    if raw.startswith("SP"):
        raw = raw[2:]
    if len(raw) != 8 or any(ch not in ALPHABET for ch in raw):
        return ""
    return f"SP-{raw[:4]}-{raw[4:]}"
