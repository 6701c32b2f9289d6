"""Trust in IdP metadata: the federation operator's signature, and `validUntil`.

SPID's registry metadata are signed by AgID, CIE's by the Ministry of the Interior. Whoever can
alter metadata in transit (or on disk) can put in a certificate of their own and then log in
as anyone, so metadata count only when the operator's enveloped signature on the document's
root element verifies with a certificate we were configured with. The verified document is
re-serialised from the element the signature covers, and only that is handed on.

`sign_metadata` signs a document the same way (for the tests, the test IdP, and operators of a
local federation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from lxml import etree
from onelogin.saml2.xmlparser import DTDForbidden, EntitiesForbidden
from onelogin.saml2.xmlparser import fromstring as defused_fromstring

from identity.errors import ConfigurationError, MetadataTrustError
from identity.saml.signatures import (
    SignatureRefused,
    remove_root_signatures,
    sign_root,
    verify_root_signature,
)
from identity.saml.xmlutil import parse_saml_time, q, saml_time

# AgID's registry with every IdP and its certificates is well below this; anything larger is
# not metadata we want to parse.
MAX_METADATA_BYTES = 8 * 1024 * 1024
_ROOTS = {q("md", "EntitiesDescriptor"), q("md", "EntityDescriptor")}


def parse_metadata(data: bytes) -> etree._Element:
    """Parse a metadata document as untrusted XML: no DTD, no entities, no comments or PIs.

    Raises `MetadataTrustError` ("MALFORMED") unless the root is `md:EntitiesDescriptor` or
    `md:EntityDescriptor`.
    """
    if len(data) > MAX_METADATA_BYTES:
        raise MetadataTrustError("MALFORMED", f"document of {len(data)} bytes is too large")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise MetadataTrustError("MALFORMED", "DOCTYPE or entity declaration in metadata")
    try:
        root = defused_fromstring(data, forbid_dtd=True, forbid_entities=True)
    except (DTDForbidden, EntitiesForbidden, etree.XMLSyntaxError, ValueError) as e:
        raise MetadataTrustError("MALFORMED", f"metadata do not parse: {e}") from e
    if root is None or root.tag not in _ROOTS:
        tag = None if root is None else root.tag
        raise MetadataTrustError(
            "MALFORMED", f"root element {tag!r} is not md:EntitiesDescriptor or EntityDescriptor"
        )
    return root


def check_valid_until(element: etree._Element, now: dt.datetime | None = None) -> None:
    """Refuse an element whose `validUntil` has passed (or does not parse); absent is fine."""
    value = element.get("validUntil")
    if value is None:
        return
    until = parse_saml_time(value)
    if until is None:
        raise MetadataTrustError("MALFORMED", f"validUntil {value!r} is not an xs:dateTime")
    if until <= (now or dt.datetime.now(dt.UTC)):
        raise MetadataTrustError("EXPIRED", f"metadata validUntil {value} has passed")


def verify_signed_metadata(
    data: bytes, signer_pems: Sequence[str], *, now: dt.datetime | None = None
) -> bytes:
    """The metadata document, if signed on its root by one of `signer_pems`; else raise.

    Accepted: exactly one enveloped `ds:Signature`, a direct child of the root, whose single
    Reference is the root's `ID` (or `URI=""`: the whole document, which is the root since
    nothing else survives parsing), RSA-SHA256/384/512 with a SHA-2 digest, verified with the
    public key of a configured certificate (a certificate in the KeyInfo is never used), and
    a `validUntil`, if any, still in the future. Returns the verified root re-serialised:
    read nothing else. Raises `MetadataTrustError` with a reason code.
    """
    if not signer_pems:
        raise ConfigurationError("verify_signed_metadata needs at least one signer certificate")
    root = parse_metadata(data)
    try:
        verify_root_signature(root, signer_pems, allow_empty_uri=True)
    except SignatureRefused as e:
        raise MetadataTrustError(e.reason, f"metadata signature: {e.detail}") from e
    check_valid_until(root, now)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def sign_metadata(
    data: bytes, key_pem: str, cert_pem: str, *, valid_until: dt.datetime | None = None
) -> bytes:
    """Sign a metadata document on its root (RSA-SHA256, Signature first, Reference to ID).

    Any signature already on the root is replaced; the root gets an `ID` if it has none and,
    with `valid_until`, that `validUntil`. Comments are dropped (they would not be signed).
    """
    root = parse_metadata(data)
    remove_root_signatures(root)
    if valid_until is not None:
        root.set("validUntil", saml_time(valid_until))
    sign_root(root, key_pem, cert_pem)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
