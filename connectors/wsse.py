"""WS-Security for the connectors: a UsernameToken, or an X.509 signature of Body and Timestamp."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import xmlsec as _xmlsec
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from lxml import etree
from zeep.wsse.signature import BinarySignature
from zeep.wsse.username import UsernameToken
from zeep.wsse.utils import WSU, get_security_header

# The bundled type stubs of xmlsec miss Transform members.
xmlsec: Any = _xmlsec

WsseMode = Literal["username-digest", "username-text", "x509", "none"]
WSSE_MODES: tuple[WsseMode, ...] = ("username-digest", "username-text", "x509", "none")

# How long a signed request stays acceptable (wsu:Expires - wsu:Created).
TIMESTAMP_LIFETIME = timedelta(minutes=5)


class X509Signature(BinarySignature):
    """Adds a wsu:Timestamp, then signs it and the soap:Body (exclusive c14n, SHA-256) with
    `key_file`, carrying `cert_file` as a BinarySecurityToken.

    Answers are not checked for a signature: the legacy services do not sign them, and their
    integrity rests on TLS. RSA and EC keys both work (the certificate says which).
    """

    def __init__(self, key_file: str, cert_file: str, password: bytes | None = None) -> None:
        certificate = x509.load_pem_x509_certificate(Path(cert_file).read_bytes())
        is_ec = isinstance(certificate.public_key(), ec.EllipticCurvePublicKey)
        method = xmlsec.Transform.ECDSA_SHA256 if is_ec else xmlsec.Transform.RSA_SHA256
        super().__init__(
            key_file,
            cert_file,
            password,
            signature_method=method,
            digest_method=xmlsec.Transform.SHA256,
        )

    def apply(self, envelope: etree._Element, headers: Any) -> tuple[etree._Element, Any]:
        now = datetime.now(UTC).replace(microsecond=0)
        security = get_security_header(envelope)
        security.append(
            WSU.Timestamp(
                WSU.Created(now.isoformat().replace("+00:00", "Z")),
                WSU.Expires((now + TIMESTAMP_LIFETIME).isoformat().replace("+00:00", "Z")),
            )
        )
        result: tuple[etree._Element, Any] = super().apply(envelope, headers)
        return result

    def verify(self, envelope: etree._Element) -> etree._Element:
        return envelope


def security_for(
    mode: WsseMode,
    *,
    username: str,
    password: str,
    cert_file: str | None,
    key_file: str | None,
) -> UsernameToken | X509Signature | None:
    """The zeep `wsse` object of `mode` (None for "none"). Key files are read now."""
    if mode == "none":
        return None
    if mode == "x509":
        if not (cert_file and key_file):
            raise ValueError('wsse "x509" needs wsse_cert and wsse_key')
        return X509Signature(key_file, cert_file)
    return UsernameToken(username, password, use_digest=mode == "username-digest")
