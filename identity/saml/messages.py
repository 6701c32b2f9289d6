"""Outgoing SAML messages (AuthnRequest, LogoutRequest) and their HTTP bindings."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import html
import secrets
import zlib
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote_plus, unquote_plus

from lxml import etree
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from identity.saml.toolkit import sign_query, sign_xml, verify_query, verify_xml
from identity.saml.xmlutil import (
    NAMEID_ENTITY,
    NAMEID_TRANSIENT,
    NS,
    RSA_SHA256,
    SPID_LEVEL_PREFIX,
    STATUS_SUCCESS,
    q,
    saml_time,
)
from identity.settings import SPSettings

Binding = Literal["redirect", "post"]


@dataclass(frozen=True)
class OutgoingMessage:
    """A signed message ready to send: a redirect `url`, or a POST to `url` with `form_fields`.

    `form_html` is a complete, script-free page with the form and a visible submit button; add an
    auto-submit script of your own (served as a static file, so that a strict CSP holds) or
    render `form_fields` in your own template.
    """

    binding: Binding
    url: str
    form_fields: dict[str, str]
    form_html: str | None


def new_message_id() -> str:
    """SAML ID: starts with a letter/underscore (xs:ID), 160 random bits."""
    return "_" + secrets.token_hex(20)


def new_relay_state() -> str:
    """Opaque RelayState: random, carries no URL; the caller maps it to where to go next."""
    return secrets.token_urlsafe(24)


def _issuer(parent: etree._Element, sp: SPSettings) -> None:
    issuer = etree.SubElement(
        parent, q("saml", "Issuer"), Format=NAMEID_ENTITY, NameQualifier=sp.entity_id
    )
    issuer.text = sp.entity_id


def build_authn_request(
    sp: SPSettings,
    *,
    request_id: str,
    issue_instant: dt.datetime,
    destination: str,
    level: int,
    method: Literal["spid", "cie"] = "spid",
) -> bytes:
    """Unsigned SPID AuthnRequest (ForceAuthn for L2/L3, no AllowCreate, ACS/ACS-service 0).

    For a CIE IdP (`method="cie"`), as the CIE technical manual asks: ForceAuthn always, and
    SpidL3 whatever `level` (CIE authenticates at level 3 only, and says so in every Response),
    with Comparison "exact" or "minimum", the only two it accepts.
    """
    cie = method == "cie"
    requested = 3 if cie else level
    attrs = {
        "ID": request_id,
        "Version": "2.0",
        "IssueInstant": saml_time(issue_instant),
        "Destination": destination,
        "AssertionConsumerServiceIndex": "0",
        "AttributeConsumingServiceIndex": "0",
    }
    if requested >= 2:
        attrs["ForceAuthn"] = "true"
    comparison = sp.authn_comparison
    if cie and comparison != "exact":
        comparison = "minimum"  # CIE takes only "exact" or "minimum"; both mean SpidL3 here
    root = etree.Element(
        q("samlp", "AuthnRequest"), attrs, nsmap={"samlp": NS["samlp"], "saml": NS["saml"]}
    )
    _issuer(root, sp)
    etree.SubElement(root, q("samlp", "NameIDPolicy"), Format=NAMEID_TRANSIENT)
    context = etree.SubElement(root, q("samlp", "RequestedAuthnContext"), Comparison=comparison)
    etree.SubElement(
        context, q("saml", "AuthnContextClassRef")
    ).text = f"{SPID_LEVEL_PREFIX}{requested}"
    return etree.tostring(root)


def build_logout_request(
    sp: SPSettings,
    *,
    request_id: str,
    issue_instant: dt.datetime,
    destination: str,
    name_id: str,
    name_qualifier: str | None,
    session_index: str | None,
) -> bytes:
    """Unsigned SPID LogoutRequest for the session identified by NameID and SessionIndex."""
    root = etree.Element(
        q("samlp", "LogoutRequest"),
        {
            "ID": request_id,
            "Version": "2.0",
            "IssueInstant": saml_time(issue_instant),
            "Destination": destination,
        },
        nsmap={"samlp": NS["samlp"], "saml": NS["saml"]},
    )
    _issuer(root, sp)
    name = etree.SubElement(root, q("saml", "NameID"), Format=NAMEID_TRANSIENT)
    if name_qualifier:
        name.set("NameQualifier", name_qualifier)
    name.text = name_id
    if session_index:
        etree.SubElement(root, q("samlp", "SessionIndex")).text = session_index
    return etree.tostring(root)


def encode(
    xml: bytes,
    *,
    parameter: Literal["SAMLRequest", "SAMLResponse"],
    binding: Binding,
    url: str,
    relay_state: str | None,
    key_pem: str,
    cert_pem: str,
) -> OutgoingMessage:
    """Sign `xml` for `binding` and package it (HTTP-Redirect: signature in the query)."""
    if binding == "redirect":
        payload = OneLogin_Saml2_Utils.deflate_and_base64_encode(xml)
        query = f"{parameter}={quote_plus(payload)}"
        if relay_state is not None:
            query += f"&RelayState={quote_plus(relay_state)}"
        query += f"&SigAlg={quote_plus(RSA_SHA256)}"
        query += f"&Signature={quote_plus(sign_query(query, key_pem))}"
        separator = "&" if "?" in url else "?"
        return OutgoingMessage("redirect", url + separator + query, {}, None)
    signed = sign_xml(xml, key_pem, cert_pem)
    fields: dict[str, str] = {parameter: OneLogin_Saml2_Utils.b64encode(signed)}
    if relay_state is not None:
        fields["RelayState"] = relay_state
    return OutgoingMessage("post", url, fields, post_form_html(url, fields))


def post_form_html(url: str, fields: dict[str, str], script_src: str | None = None) -> str:
    """An HTML page with a POST form to `url`; optional external auto-submit script."""
    inputs = "\n".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in fields.items()
    )
    script = f'<script src="{html.escape(script_src)}" defer></script>' if script_src else ""
    return (
        '<!DOCTYPE html>\n<html lang="it"><head><meta charset="utf-8">'
        f"<title>Accesso in corso</title>{script}</head><body>\n"
        f'<form method="post" action="{html.escape(url)}" data-autosubmit="true">\n{inputs}\n'
        "<p>Se la pagina non prosegue da sola, premi il pulsante.</p>\n"
        '<button type="submit">Prosegui</button>\n</form>\n</body></html>\n'
    )


def _raw_query_params(query_string: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for part in query_string.lstrip("?").split("&"):
        key, _, value = part.partition("=")
        if key and key not in params:
            params[key] = value
    return params


def decode_redirect(
    query_string: str, parameter: str, certificates: tuple[str, ...]
) -> tuple[bytes, str | None]:
    """Verify an HTTP-Redirect signature over the raw query; return (XML, RelayState).

    The signature covers the parameters exactly as they were encoded by the sender, so the raw
    query string is needed (not a decoded dict). Raises ValueError when anything is wrong.
    """
    raw = _raw_query_params(query_string)
    if parameter not in raw or "Signature" not in raw or "SigAlg" not in raw:
        raise ValueError("unsigned or incomplete HTTP-Redirect message")
    if unquote_plus(raw["SigAlg"]) != RSA_SHA256:
        raise ValueError(f"signature algorithm {unquote_plus(raw['SigAlg'])!r} not accepted")
    signed = f"{parameter}={raw[parameter]}"
    if "RelayState" in raw:
        signed += f"&RelayState={raw['RelayState']}"
    signed += f"&SigAlg={raw['SigAlg']}"
    signature = unquote_plus(raw["Signature"])
    if not any(verify_query(signed, signature, cert) for cert in certificates):
        raise ValueError("HTTP-Redirect signature does not verify")
    try:
        xml = OneLogin_Saml2_Utils.decode_base64_and_inflate(unquote_plus(raw[parameter]))
    except Exception as e:  # zlib/base64 errors of several kinds
        raise ValueError(f"cannot inflate {parameter}: {e}") from e
    relay = unquote_plus(raw["RelayState"]) if "RelayState" in raw else None
    return (xml if isinstance(xml, bytes) else xml.encode()), relay


def decode_post(b64: str, certificates: tuple[str, ...], xpath: str) -> bytes:
    """Decode an HTTP-POST message and verify its enveloped signature at `xpath`."""
    try:
        xml = base64.b64decode("".join(b64.split()), validate=True)
    except (binascii.Error, ValueError) as e:
        raise ValueError(f"not base64: {e}") from e
    if not any(verify_xml(xml, cert, xpath) for cert in certificates):
        raise ValueError("HTTP-POST signature does not verify")
    return xml


STATUS_RESPONDER = "urn:oasis:names:tc:SAML:2.0:status:Responder"
STATUS_PARTIAL_LOGOUT = "urn:oasis:names:tc:SAML:2.0:status:PartialLogout"


def build_logout_response(
    sp: SPSettings,
    *,
    response_id: str,
    issue_instant: dt.datetime,
    destination: str,
    in_response_to: str,
    success: bool = True,
) -> bytes:
    """Unsigned SPID LogoutResponse to an IdP's LogoutRequest.

    Status Success, or Responder with the second-level PartialLogout when the SP could not end
    the session.
    """
    root = etree.Element(
        q("samlp", "LogoutResponse"),
        {
            "ID": response_id,
            "Version": "2.0",
            "IssueInstant": saml_time(issue_instant),
            "Destination": destination,
            "InResponseTo": in_response_to,
        },
        nsmap={"samlp": NS["samlp"], "saml": NS["saml"]},
    )
    _issuer(root, sp)
    status = etree.SubElement(root, q("samlp", "Status"))
    code = etree.SubElement(
        status, q("samlp", "StatusCode"), Value=STATUS_SUCCESS if success else STATUS_RESPONDER
    )
    if not success:
        etree.SubElement(code, q("samlp", "StatusCode"), Value=STATUS_PARTIAL_LOGOUT)
    return etree.tostring(root)


def peek_redirect(query_string: str, parameter: str, max_bytes: int) -> bytes:
    """The XML of an HTTP-Redirect message, NOT verified: only to find out who sent it.

    Inflates at most `max_bytes`. Raises ValueError when the parameter is missing, is not
    deflated base64, or inflates to more than that.
    """
    raw = _raw_query_params(query_string)
    if parameter not in raw:
        raise ValueError(f"no {parameter} in the query")
    try:
        deflated = base64.b64decode(unquote_plus(raw[parameter]), validate=True)
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        xml = inflater.decompress(deflated, max_bytes + 1)
    except (binascii.Error, ValueError, zlib.error) as e:
        raise ValueError(f"cannot inflate {parameter}: {e}") from e
    if len(xml) > max_bytes:
        raise ValueError(f"{parameter} inflates to more than {max_bytes} bytes")
    return xml
