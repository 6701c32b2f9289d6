"""E-mail addresses: a pragmatic check of the addr-spec used for notifications.

Local part: the dot-atom of RFC 5322 (no quoted strings, no comments); domain: ASCII host name
labels (internationalised domains must be written in their xn-- form) with an alphabetic top-level
domain. The domain is lower-cased, the local part kept as written. Whether the mailbox exists is
for the confirmation e-mail to find out.
"""

from __future__ import annotations

import re

from forms.errors import InvalidValue

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = re.compile(rf"{_ATOM}(\.{_ATOM})*")
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
_TLD = re.compile(r"[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59}")


def normalize_email(value: str) -> str:
    """Return the address trimmed, domain lower-cased, or raise `InvalidValue`.

    Codes: `email.too_long` (over 254 characters), `email.format`.
    """
    address = value.strip()
    if len(address) > 254:
        raise InvalidValue("email.too_long", max_length=254)
    local, at, domain = address.rpartition("@")
    if not at or len(local) > 64 or not _LOCAL.fullmatch(local):
        raise InvalidValue("email.format")
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        raise InvalidValue("email.format")
    if not _TLD.fullmatch(labels[-1]):
        raise InvalidValue("email.format")
    return f"{local}@{domain.lower()}"
