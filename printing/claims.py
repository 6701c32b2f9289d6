"""The claims sealed on receipts and certificates, and the canonical hash of a document's data.

Claim names are short because every byte grows the QR code. Receipt seal (`typ` = "receipt")::

    rid  receipt id            nc   notice code (18 digits)   cf  creditor fiscal code
    amt  amount paid, cents    at   paid at (ISO 8601, UTC)   tid terminal id
    shop shop name             pay  payer, masked (mask_payer) pm  payment method
    ref  the terminal's transaction reference
    h    sha256 of the receipt's canonical data (32 bytes)

The full specification, with test vectors, is `docs/seal.md`.

Certificate seal (`typ` = "certificate")::

    num  certificate number    kind enrolment | attendance    sub student's fiscal code
    sch  school code           at   issued at (ISO 8601, UTC) h   sha256 of canonical data

The canonical data is the document's dataclass as JSON with sorted keys, no spaces, UTF-8,
dates in ISO 8601 (aware datetimes in UTC): whoever holds the same record recomputes the hash.
"""

import dataclasses
import enum
import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from printing.texts import N_, SOURCE, DocumentLanguage

TYPE = "typ"
HASH = "h"
AT = "at"
AMOUNT = "amt"

# How each claim is named to a person (English message ids, translated when shown).
LABELS = {
    "typ": N_("Type"),
    "rid": N_("Receipt no."),
    "nc": N_("Notice code"),
    "cf": N_("Creditor fiscal code"),
    "amt": N_("Amount"),
    "at": N_("Date and time"),
    "tid": N_("Terminal"),
    "shop": N_("Shop"),
    "pay": N_("Payer (masked)"),
    "pm": N_("Payment method"),
    "ref": N_("Transaction reference"),
    "num": N_("Certificate no."),
    "kind": N_("Certificate kind"),
    "sub": N_("Subject fiscal code"),
    "sch": N_("School code"),
    "h": N_("Data fingerprint (SHA-256)"),
}


def mask_payer(name: str, fiscal_code: str) -> str:
    """The payer as a seal binds them without printing them in clear to whoever scans it.

    Each word of the name keeps its first letter ("Mario Rossi" -> "M**** R****"); a fiscal
    code keeps its first 3 and last 3 characters ("RSSMRA80A01H501U" -> "RSS**********01U").
    Name and code are joined by one space; either may be empty.
    """
    masked_name = " ".join(w[0] + "*" * (len(w) - 1) for w in name.split() if w)
    code = fiscal_code.strip().upper()
    masked_code = code[:3] + "*" * (len(code) - 6) + code[-3:] if len(code) > 6 else code
    return " ".join(part for part in (masked_name, masked_code) if part)


def utc_iso(value: datetime) -> str:
    """ISO 8601 in UTC to the second, e.g. `2026-11-23T09:15:00Z`; `value` must be aware."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return utc_iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # A field added later with metadata omit_when_empty leaves older documents' hashes as
        # they were while it is empty.
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not (f.metadata.get("omit_when_empty") and not getattr(value, f.name))
        }
    return value


def canonical_data(document: Any) -> bytes:
    """Canonical JSON bytes of a document dataclass (see the module docstring)."""
    return json.dumps(
        _plain(document), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def data_digest(document: Any) -> bytes:
    """SHA-256 of `canonical_data(document)`: the `h` claim."""
    return hashlib.sha256(canonical_data(document)).digest()


def describe_claims(
    claims: Mapping[str, Any], lang: DocumentLanguage = SOURCE
) -> list[tuple[str, str]]:
    """Label/value pairs for showing verified claims to a person in ``lang`` (verify page; the
    CLI uses the English source texts and "86.10 EUR")."""
    described = []
    for name, value in claims.items():
        if isinstance(value, bytes):
            shown = value.hex()
        elif name == AMOUNT and isinstance(value, int):
            shown = lang.money(value)
        else:
            shown = str(value)
        described.append((lang.gettext(LABELS.get(name, name)), shown))
    return described
