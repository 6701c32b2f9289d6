"""Wrapping-safe check of the enveloped XML signature on a document's root element.

python3-saml's `validate_sign` finds a signature by XPath and verifies whatever its Reference
points at; a caller that then reads the root may read an element the signature never covered
(signature wrapping). `verify_root_signature` insists on one shape only: exactly one
`ds:Signature`, a direct child of the root, with one Reference to the root itself, SHA-2
algorithms and canonicalisation transforms only, verified with a key taken from the caller's
certificates (never from the document's KeyInfo). After it returns, the root element, and
nothing outside it, is what was signed.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

import xmlsec as _xmlsec
from cryptography import x509
from lxml import etree

from identity.saml.xmlutil import NS, q, text_of

# The bundled type stubs of xmlsec miss Transform/KeyFormat members.
xmlsec: Any = _xmlsec

_DSIG = "http://www.w3.org/2000/09/xmldsig#"
_MORE = "http://www.w3.org/2001/04/xmldsig-more#"
_ENC = "http://www.w3.org/2001/04/xmlenc#"
SIGNATURE_METHODS = {
    f"{_MORE}rsa-sha256": "RSA_SHA256",
    f"{_MORE}rsa-sha384": "RSA_SHA384",
    f"{_MORE}rsa-sha512": "RSA_SHA512",
}
DIGEST_METHODS = {
    f"{_ENC}sha256": "SHA256",
    f"{_MORE}sha384": "SHA384",
    f"{_ENC}sha512": "SHA512",
}
_ENVELOPED = f"{_DSIG}enveloped-signature"
# Canonicalisations without comments (the parser drops comments anyway). No XPath or XSLT
# transform: those could make the digest cover a chosen part of the element only.
CANONICALIZATIONS = {
    "http://www.w3.org/2001/10/xml-exc-c14n#": "EXCL_C14N",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315": "C14N",
    "http://www.w3.org/2006/12/xml-c14n11": "C14N11",
}
_ID_NAMES = {"ID", "Id", "id"}


class SignatureRefused(ValueError):
    """The root's signature is missing, malformed, weak, not the root's, or does not verify.

    `reason` is one of NOT_SIGNED, SIGNATURE_INVALID, WEAK_SIGNATURE_ALGORITHM.
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def _algorithm(parent: etree._Element, path: str) -> str:
    node = parent.find(path, NS)
    return "" if node is None else node.get("Algorithm", "")


def _check_shape(root: etree._Element, allow_empty_uri: bool) -> etree._Element:
    """The one root signature, after checking its structure; raises SignatureRefused."""
    signatures = root.findall("ds:Signature", NS)
    if not signatures:
        raise SignatureRefused("NOT_SIGNED", f"<{etree.QName(root).localname}> is not signed")
    if len(signatures) > 1:
        raise SignatureRefused("SIGNATURE_INVALID", f"{len(signatures)} signatures on the root")
    signature = signatures[0]
    signed_info = signature.findall("ds:SignedInfo", NS)
    if len(signed_info) != 1:
        raise SignatureRefused("SIGNATURE_INVALID", "Signature without exactly one SignedInfo")
    info = signed_info[0]
    c14n = _algorithm(info, "ds:CanonicalizationMethod")
    if c14n not in CANONICALIZATIONS:
        raise SignatureRefused("SIGNATURE_INVALID", f"canonicalization {c14n!r} not accepted")
    method = _algorithm(info, "ds:SignatureMethod")
    if method not in SIGNATURE_METHODS:
        raise SignatureRefused(
            "WEAK_SIGNATURE_ALGORITHM", f"signature method {method!r} (RSA-SHA256 or stronger)"
        )
    references = info.findall("ds:Reference", NS)
    if len(references) != 1:
        raise SignatureRefused("SIGNATURE_INVALID", f"{len(references)} References, not one")
    reference = references[0]
    digest = _algorithm(reference, "ds:DigestMethod")
    if digest not in DIGEST_METHODS:
        raise SignatureRefused(
            "WEAK_SIGNATURE_ALGORITHM", f"digest method {digest!r} (SHA-256 or stronger)"
        )
    transforms = [
        t.get("Algorithm", "") for t in reference.iterfind("ds:Transforms/ds:Transform", NS)
    ]
    unknown = [t for t in transforms if t != _ENVELOPED and t not in CANONICALIZATIONS]
    if unknown or _ENVELOPED not in transforms:
        raise SignatureRefused("SIGNATURE_INVALID", f"transforms {transforms!r} not accepted")
    _check_reference(root, reference.get("URI"), allow_empty_uri)
    return signature


def _check_reference(root: etree._Element, uri: str | None, allow_empty_uri: bool) -> None:
    root_id = root.get("ID")
    if uri == "" and allow_empty_uri:
        return  # the whole document, whose only element is the root: nothing else to point at
    if not root_id or uri != f"#{root_id}":
        raise SignatureRefused(
            "SIGNATURE_INVALID", f"Reference URI {uri!r} is not the root's ID {root_id!r}"
        )
    # The ID must name the root and nothing else, or the Reference might resolve elsewhere
    # (xml:id is an ID for libxml2 whatever the schema says).
    holders = sum(
        1
        for element in root.iter()
        if isinstance(element.tag, str)
        for name, value in element.attrib.items()
        if value == root_id and etree.QName(name).localname in _ID_NAMES
    )
    if holders != 1:
        raise SignatureRefused("SIGNATURE_INVALID", f"ID {root_id!r} appears {holders} times")


def _signer_names(signature: etree._Element) -> list[str]:
    """Subjects of the certificates the document says it was signed with (for messages only)."""
    names = []
    for node in signature.iterfind("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS):
        body = "".join((text_of(node) or "").split())
        pem = f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n"
        try:
            names.append(x509.load_pem_x509_certificate(pem.encode()).subject.rfc4514_string())
        except ValueError:
            names.append("an unreadable certificate")
    return names


def verify_root_signature(
    root: etree._Element, certificates: Sequence[str], *, allow_empty_uri: bool = False
) -> str:
    """Verify the enveloped signature of `root` with one of `certificates` (PEM).

    Returns the certificate whose key verified. `allow_empty_uri` also accepts `URI=""` (the
    whole document): right for a document whose root we parsed ourselves, as metadata are.
    Raises `SignatureRefused`.
    """
    signature = _check_shape(root, allow_empty_uri)
    if root.get("ID"):
        xmlsec.tree.add_ids(root, ["ID"])
    for cert in certificates:
        try:
            key = xmlsec.Key.from_memory(cert, xmlsec.KeyFormat.CERT_PEM, None)
        except xmlsec.Error:
            continue  # not a certificate xmlsec can use: it cannot have signed this
        context = xmlsec.SignatureContext()
        context.key = key  # a preset key: xmlsec does not look at the document's KeyInfo
        for name in (*CANONICALIZATIONS.values(), *DIGEST_METHODS.values(), "ENVELOPED"):
            context.enable_reference_transform(getattr(xmlsec.Transform, name))
        for name in (*CANONICALIZATIONS.values(), *SIGNATURE_METHODS.values()):
            context.enable_signature_transform(getattr(xmlsec.Transform, name))
        try:
            context.verify(signature)
        except xmlsec.Error:
            continue
        return cert
    detail = f"signature does not verify with any of the {len(certificates)} trusted certificates"
    named = _signer_names(signature)
    if named:
        detail += f" (the document names {', '.join(named)})"
    raise SignatureRefused("SIGNATURE_INVALID", detail)


def sign_root(root: etree._Element, key_pem: str, cert_pem: str) -> None:
    """Sign `root` in place: RSA-SHA256, SHA-256, exclusive C14N, Signature as first child.

    `root` gets an `ID` if it has none. The first-child position is the one the SAML metadata
    schema requires (before `md:Extensions`).
    """
    if not root.get("ID"):
        root.set("ID", "_" + secrets.token_hex(20))
    signature = xmlsec.template.create(
        root, xmlsec.Transform.EXCL_C14N, xmlsec.Transform.RSA_SHA256, ns="ds"
    )
    root.insert(0, signature)
    reference = xmlsec.template.add_reference(
        signature, xmlsec.Transform.SHA256, uri="#" + root.get("ID")
    )
    xmlsec.template.add_transform(reference, xmlsec.Transform.ENVELOPED)
    xmlsec.template.add_transform(reference, xmlsec.Transform.EXCL_C14N)
    xmlsec.template.add_x509_data(xmlsec.template.ensure_key_info(signature))
    xmlsec.tree.add_ids(root, ["ID"])
    context = xmlsec.SignatureContext()
    key = xmlsec.Key.from_memory(key_pem, xmlsec.KeyFormat.PEM, None)
    key.load_cert_from_memory(cert_pem, xmlsec.KeyFormat.PEM)
    context.key = key
    context.sign(signature)


def remove_root_signatures(root: etree._Element) -> None:
    """Drop the `ds:Signature` children of `root` (before signing it again)."""
    for node in root.findall(q("ds", "Signature")):
        root.remove(node)
