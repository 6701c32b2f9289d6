"""Hand-built SOAP 1.1 envelopes with a WS-Security UsernameToken, posted without zeep."""

from __future__ import annotations

import base64
import hashlib
import os
from datetime import UTC, datetime

import requests
from lxml import etree

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
PROFILE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0"


def text_token(username: str, password: str) -> str:
    return (
        f"<wsse:UsernameToken><wsse:Username>{username}</wsse:Username>"
        f'<wsse:Password Type="{PROFILE}#PasswordText">{password}</wsse:Password>'
        "</wsse:UsernameToken>"
    )


def digest_token(
    username: str, password: str, nonce: bytes | None = None, created: str | None = None
) -> str:
    nonce = os.urandom(16) if nonce is None else nonce
    created = created or datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    # PasswordDigest = Base64(SHA-1(nonce + created + password)), as the token profile defines it.
    raw = hashlib.sha1(nonce + created.encode() + password.encode()).digest()  # noqa: S324
    digest = base64.b64encode(raw)
    return (
        f"<wsse:UsernameToken><wsse:Username>{username}</wsse:Username>"
        f'<wsse:Password Type="{PROFILE}#PasswordDigest">{digest.decode()}</wsse:Password>'
        f"<wsse:Nonce>{base64.b64encode(nonce).decode()}</wsse:Nonce>"
        f"<wsu:Created>{created}</wsu:Created></wsse:UsernameToken>"
    )


def envelope(body: str, token: str | None) -> bytes:
    header = ""
    if token is not None:
        header = (
            f'<soap:Header><wsse:Security xmlns:wsse="{WSSE}" xmlns:wsu="{WSU}">{token}'
            "</wsse:Security></soap:Header>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="{SOAP_ENV}">'
        f"{header}<soap:Body>{body}</soap:Body></soap:Envelope>"
    ).encode()


def post(url: str, payload: bytes, action: str) -> tuple[int, etree._Element]:
    """POST a SOAP 1.1 message; (HTTP status, the Body's first element)."""
    answer = requests.post(
        url,
        data=payload,
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{action}"'},
        timeout=5,
    )
    root = etree.fromstring(answer.content)
    assert root.tag == f"{{{SOAP_ENV}}}Envelope"
    body = root.find(f"{{{SOAP_ENV}}}Body")
    assert body is not None
    return answer.status_code, body[0]


def fault_parts(element: etree._Element) -> tuple[str, str]:
    """(faultcode, legacy code in the detail) of a SOAP 1.1 Fault element."""
    assert element.tag == f"{{{SOAP_ENV}}}Fault"
    legacy = element.find("detail/{*}ServiceFault/{*}code")
    assert legacy is not None
    return element.findtext("faultcode") or "", legacy.text or ""
