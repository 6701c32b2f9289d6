"""Byte-level defects applied after signing (`ResponseOptions.after_signing`), for tests."""

from __future__ import annotations

import re


def _strip_declaration(xml: bytes) -> bytes:
    return re.sub(rb"^<\?xml[^>]*\?>\s*", b"", xml)


def comment_in_fiscal_number(xml: bytes) -> bytes:
    """`TINIT-RSSMRA80A01H501U` -> `TINIT-RSSMRA80A01<!---->H501U` (signature still valid).

    Exclusive C14N drops comments, so the signature covers the full value; a parser that read
    only the text before the comment would see another fiscal code.
    """
    return re.sub(rb"(TINIT-[A-Z0-9]{11})([A-Z0-9]{5})", rb"\1<!---->\2", xml, count=1)


def comment_in_name_id(xml: bytes) -> bytes:
    """Put a comment in the middle of the NameID text."""
    return re.sub(rb"(<saml:NameID[^>]*>_[0-9a-f]{8})", rb"\1<!-- x -->", xml, count=1)


def with_xxe(xml: bytes, target: str = "file:///etc/passwd") -> bytes:
    """External-entity (XXE) DOCTYPE, the entity used in place of the fiscal number."""
    doctype = f'<!DOCTYPE samlp:Response [<!ENTITY xxe SYSTEM "{target}">]>\n'.encode()
    body = re.sub(rb"TINIT-[A-Z0-9]{16}", b"&xxe;", _strip_declaration(xml), count=1)
    return doctype + body


def with_billion_laughs(xml: bytes, depth: int = 10) -> bytes:
    """Nested internal entities ("billion laughs") expanding to 10**depth strings."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, depth)
    ]
    doctype = ("<!DOCTYPE samlp:Response [" + "".join(entities) + "]>\n").encode()
    body = re.sub(
        rb"TINIT-[A-Z0-9]{16}", f"&lol{depth - 1};".encode(), _strip_declaration(xml), count=1
    )
    return doctype + body
