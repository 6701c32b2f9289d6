"""WS-Security X.509 signatures, checked as a legacy service checks them (xmlsec).

A signed request carries, in its one wsse:Security header, a ds:Signature over the soap:Body and
a wsu:Timestamp, and the signer's certificate: a BinarySecurityToken that the signature's
SecurityTokenReference points at (zeep's `BinarySignature`), or an X509Certificate inside that
reference (zeep's `Signature`). The certificate must be one of the service's trusted ones, byte
for byte; the signature is checked with the key of that trusted certificate, never with a key
the message brings.
"""

from __future__ import annotations

import base64
import binascii
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import xmlsec as _xmlsec
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from connectors.simulators.soap import SOAP_ENV, WSSE, WSU, SoapFault

# The bundled type stubs of xmlsec miss Transform/KeyFormat members.
xmlsec: Any = _xmlsec

DS = "http://www.w3.org/2000/09/xmldsig#"
X509_VALUE_TYPE = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"
)
EXCLUSIVE_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
SIGNATURE_METHODS = {
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
}
DIGEST_METHODS = {
    "http://www.w3.org/2001/04/xmlenc#sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512",
}
_WSU_ID = f"{{{WSU}}}Id"


class X509SignatureChecker:
    """Accepts a request only if it is signed, as described above, by one of `trusted` (PEM).

    The Timestamp's Created must be within `max_skew` seconds of now and its Expires (if any)
    not past; a signature value seen in that window is a replay and is refused. SHA-1 is
    refused; references may use only the exclusive canonicalisation transform.
    """

    def __init__(self, trusted: Iterable[bytes | str], max_skew: float = 300.0) -> None:
        self._trusted: dict[bytes, bytes] = {}
        for pem in trusted:
            data = pem.encode() if isinstance(pem, str) else pem
            certificate = x509.load_pem_x509_certificate(data)
            self._trusted[certificate.public_bytes(Encoding.DER)] = data
        if not self._trusted:
            raise ValueError("no trusted certificate")
        self._max_skew = max_skew
        self._seen: OrderedDict[bytes, float] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, envelope: etree._Element) -> None:
        """`envelope` as sent (`soap.parse_exact`); raises the Client.Authentication fault."""
        header = envelope.find(f"{{{SOAP_ENV}}}Header")
        body = envelope.find(f"{{{SOAP_ENV}}}Body")
        securities = [] if header is None else header.findall(f"{{{WSSE}}}Security")
        if len(securities) != 1 or body is None:
            raise _auth_fault("Missing WS-Security header")
        security = securities[0]
        signature = _one(security, f"{{{DS}}}Signature", "Missing WS-Security signature")
        timestamp = _one(security, f"{{{WSU}}}Timestamp", "Missing WS-Security Timestamp")
        signed = self._signed_elements(envelope, signature)
        if body.get(_WSU_ID) not in signed or timestamp.get(_WSU_ID) not in signed:
            raise _auth_fault("The signature does not cover the Body and the Timestamp")
        self._check_timestamp(timestamp)
        key = self._signer_key(security, signature)
        context = xmlsec.SignatureContext()
        for element in signed.values():
            context.register_id(element, "Id", WSU)
        context.key = key
        try:
            context.verify(signature)
        except xmlsec.Error as e:
            raise _auth_fault("The signature does not verify") from e
        self._remember(signature.findtext(f"{{{DS}}}SignatureValue") or "")

    def _signed_elements(
        self, envelope: etree._Element, signature: etree._Element
    ) -> dict[str, etree._Element]:
        """The elements the signature's references name, by wsu:Id (ids must be unique)."""
        signed_info = _one(signature, f"{{{DS}}}SignedInfo", "Malformed signature")
        c14n = signed_info.find(f"{{{DS}}}CanonicalizationMethod")
        method = signed_info.find(f"{{{DS}}}SignatureMethod")
        if c14n is None or c14n.get("Algorithm") != EXCLUSIVE_C14N:
            raise _auth_fault("Unsupported canonicalization")
        if method is None or method.get("Algorithm") not in SIGNATURE_METHODS:
            raise _auth_fault("Unsupported signature algorithm")
        ids: dict[str, etree._Element] = {}
        for element in envelope.iter():
            value = element.get(_WSU_ID) if isinstance(element.tag, str) else None
            if value is None:
                continue
            if value in ids:
                raise _auth_fault("Duplicate wsu:Id")
            ids[value] = element
        signed: dict[str, etree._Element] = {}
        for reference in signed_info.findall(f"{{{DS}}}Reference"):
            uri = reference.get("URI", "")
            target = ids.get(uri[1:]) if uri.startswith("#") else None
            if target is None:
                raise _auth_fault("A signature reference names no element of the message")
            transforms = reference.findall(f"{{{DS}}}Transforms/{{{DS}}}Transform")
            if [t.get("Algorithm") for t in transforms] != [EXCLUSIVE_C14N]:
                raise _auth_fault("Unsupported reference transform")
            digest = reference.find(f"{{{DS}}}DigestMethod")
            if digest is None or digest.get("Algorithm") not in DIGEST_METHODS:
                raise _auth_fault("Unsupported digest algorithm")
            signed[uri[1:]] = target
        return signed

    def _check_timestamp(self, timestamp: etree._Element) -> None:
        created = _instant(timestamp.findtext(f"{{{WSU}}}Created"))
        if created is None:
            raise _auth_fault("Timestamp without a valid Created")
        expires_text = timestamp.findtext(f"{{{WSU}}}Expires")
        expires = _instant(expires_text)
        if expires_text is not None and expires is None:
            raise _auth_fault("Malformed Timestamp Expires")
        now = datetime.now(UTC)
        if abs(now - created) > timedelta(seconds=self._max_skew):
            raise _auth_fault("Timestamp out of the accepted window")
        if expires is not None and expires < now:
            raise _auth_fault("Timestamp expired")

    def _signer_key(self, security: etree._Element, signature: etree._Element) -> Any:
        reference = signature.find(f"{{{DS}}}KeyInfo/{{{WSSE}}}SecurityTokenReference")
        if reference is None:
            raise _auth_fault("Signature without a SecurityTokenReference")
        encoded = None
        pointer = reference.find(f"{{{WSSE}}}Reference")
        if pointer is not None:
            uri = pointer.get("URI", "")
            for token in security.findall(f"{{{WSSE}}}BinarySecurityToken"):
                if uri == f"#{token.get(_WSU_ID)}" and token.get("ValueType") == X509_VALUE_TYPE:
                    encoded = token.text
        else:
            encoded = reference.findtext(f"{{{DS}}}X509Data/{{{DS}}}X509Certificate")
        try:
            der = base64.b64decode((encoded or "").strip(), validate=False)
        except (binascii.Error, ValueError) as e:
            raise _auth_fault("Malformed signer certificate") from e
        pem = self._trusted.get(der)
        if pem is None:
            raise _auth_fault("The signer's certificate is not trusted")
        return xmlsec.Key.from_memory(pem, xmlsec.KeyFormat.CERT_PEM, None)

    def _remember(self, value: str) -> None:
        key = value.strip().encode()
        now = time.monotonic()
        with self._lock:
            while self._seen and next(iter(self._seen.values())) < now - self._max_skew:
                self._seen.popitem(last=False)
            if key in self._seen:
                raise _auth_fault("Signature already used")
            self._seen[key] = now


def _one(parent: etree._Element, tag: str, message: str) -> etree._Element:
    found = parent.findall(tag)
    if len(found) != 1:
        raise _auth_fault(message)
    return found[0]


def _instant(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _auth_fault(message: str) -> SoapFault:
    return SoapFault("Client.Authentication", message, "WSS-401")
