"""Namespaces, hardened XML parsing and SAML time handling shared by the SAML modules."""

from __future__ import annotations

import datetime as dt

from lxml import etree
from onelogin.saml2.xmlparser import DTDForbidden, EntitiesForbidden
from onelogin.saml2.xmlparser import fromstring as defused_fromstring

NS = {
    "samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
    "md": "urn:oasis:names:tc:SAML:2.0:metadata",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
    "spid": "https://spid.gov.it/saml-extensions",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "xs": "http://www.w3.org/2001/XMLSchema",
}
BINDING_REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
BINDING_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
NAMEID_ENTITY = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity"
NAMEID_TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
CM_BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
STATUS_SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SPID_LEVEL_PREFIX = "https://www.spid.gov.it/SpidL"

# Anything bigger is not a SAML response we asked for; refusing early bounds parser work.
MAX_MESSAGE_BYTES = 256 * 1024


class UnsafeXML(ValueError):
    """The document does not parse, or (`forbidden`) has a DOCTYPE or entity declarations."""

    def __init__(self, message: str, *, forbidden: bool = False) -> None:
        super().__init__(message)
        self.forbidden = forbidden


def q(prefix: str, local: str) -> str:
    """Clark name `{namespace}local` for a known prefix."""
    return f"{{{NS[prefix]}}}{local}"


def parse_untrusted(data: bytes) -> etree._Element:
    """Parse untrusted XML: no DTD, no entities, no network, comments and PIs dropped.

    Uses python3-saml's defused parser so that what we check is what python3-saml validates.
    """
    if len(data) > MAX_MESSAGE_BYTES:
        raise UnsafeXML(f"document of {len(data)} bytes is too large")
    # SAML has no use for a DTD: refuse before parsing, whatever the parser would make of it.
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise UnsafeXML("DOCTYPE or entity declaration", forbidden=True)
    try:
        root = defused_fromstring(data, forbid_dtd=True, forbid_entities=True)
    except (DTDForbidden, EntitiesForbidden) as e:
        raise UnsafeXML(f"{type(e).__name__}: {e}", forbidden=True) from e
    except (etree.XMLSyntaxError, ValueError) as e:
        raise UnsafeXML(f"{type(e).__name__}: {e}") from e
    if root is None:
        raise UnsafeXML("empty document")
    return root


def saml_time(moment: dt.datetime) -> str:
    """`2026-11-23T18:41:32Z`: UTC, no fractional seconds (the SPID profile's format)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_saml_time(text: str | None) -> dt.datetime | None:
    """Parse an xs:dateTime from SAML; None when absent or malformed (callers decide)."""
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        return None
    return value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    """Now, in UTC, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def text_of(element: etree._Element | None) -> str | None:
    """Whole text content of an element (comments already removed by the parser), stripped."""
    if element is None:
        return None
    value = "".join(element.itertext())
    return value.strip()
