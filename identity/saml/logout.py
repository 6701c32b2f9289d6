"""IdP-initiated single logout: reading the IdP's LogoutRequest, the values the SP hands back.

`ServiceProvider.process_logout_request` verifies the signature and calls
`check_logout_request`; `ServiceProvider.logout_response` answers with a signed LogoutResponse.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass

from lxml import etree

from identity.errors import AuthenticationError
from identity.saml.idp_registry import IdPMetadata
from identity.saml.messages import Binding
from identity.saml.signatures import SignatureRefused, verify_root_signature
from identity.saml.xmlutil import (
    MAX_MESSAGE_BYTES,
    NAMEID_ENTITY,
    NS,
    UnsafeXML,
    parse_saml_time,
    parse_untrusted,
    q,
    text_of,
)
from identity.settings import SPSettings


@dataclass(frozen=True)
class IncomingLogoutRequest:
    """A verified LogoutRequest from an IdP: end the local session of `name_id`, then answer.

    `session_indexes` may be empty (then every session of `name_id` at that IdP ends).
    `relay_state` must go back unchanged in the LogoutResponse.
    """

    request_id: str
    idp_entity_id: str
    name_id: str
    session_indexes: tuple[str, ...]
    relay_state: str | None
    name_qualifier: str | None = None


@dataclass(frozen=True)
class LogoutResponseMessage:
    """A signed LogoutResponse ready to send (same shape as `LogoutRequest`).

    `request_id` is the ID of this LogoutResponse; `in_response_to` the IdP's request.
    """

    request_id: str
    in_response_to: str
    idp_entity_id: str
    binding: Binding
    url: str
    form_fields: dict[str, str]
    form_html: str | None
    relay_state: str | None
    issue_instant: dt.datetime
    success: bool


def verify_signed_root(root: etree._Element, certificates: tuple[str, ...]) -> None:
    """Verify the enveloped signature on `root` (HTTP-POST), wrapping-safe.

    After it returns, `root` is what the signature covers (`verify_root_signature`). Raises
    AuthenticationError (NOT_SIGNED, SIGNATURE_INVALID, WEAK_SIGNATURE_ALGORITHM).
    """
    try:
        verify_root_signature(root, certificates)
    except SignatureRefused as e:
        raise AuthenticationError(e.reason, e.detail) from e


def parse_post(b64: str) -> etree._Element:
    """Parse (without verifying) the base64 XML of an HTTP-POST message."""
    if len(b64) > MAX_MESSAGE_BYTES * 4 // 3 + 4096:
        raise AuthenticationError("MALFORMED", f"message of {len(b64)} characters")
    try:
        xml = base64.b64decode("".join(b64.split()), validate=True)
    except (binascii.Error, ValueError) as e:
        raise AuthenticationError("MALFORMED", f"not base64: {e}") from e
    return parse_xml(xml)


def parse_xml(xml: bytes) -> etree._Element:
    """`parse_untrusted`, failing with an AuthenticationError."""
    try:
        return parse_untrusted(xml)
    except UnsafeXML as e:
        raise AuthenticationError("XML_UNSAFE" if e.forbidden else "MALFORMED", str(e)) from e


def check_logout_request(
    root: etree._Element,
    sp: SPSettings,
    idp: IdPMetadata,
    now: dt.datetime,
    relay_state: str | None,
) -> tuple[IncomingLogoutRequest, dt.datetime]:
    """SPID checks of a verified LogoutRequest; returns it and until when to remember its ID."""
    skew = dt.timedelta(seconds=sp.clock_skew_seconds)
    if root.tag != q("samlp", "LogoutRequest"):
        raise AuthenticationError("MALFORMED", f"not a LogoutRequest: {root.tag!r}")
    if root.get("Version") != "2.0":
        raise AuthenticationError("WRONG_VERSION", f"LogoutRequest Version {root.get('Version')!r}")
    request_id = root.get("ID")
    if not request_id:
        raise AuthenticationError("MALFORMED", "LogoutRequest without ID")
    issuer = root.find("saml:Issuer", NS)
    if issuer is None or text_of(issuer) != idp.entity_id:
        value = None if issuer is None else text_of(issuer)
        raise AuthenticationError("WRONG_ISSUER", f"LogoutRequest Issuer {value!r}")
    if issuer.get("Format") not in (None, NAMEID_ENTITY):
        raise AuthenticationError("WRONG_ISSUER_FORMAT", f"Issuer Format {issuer.get('Format')!r}")
    if root.get("Destination") != sp.slo_url:
        raise AuthenticationError(
            "WRONG_DESTINATION", f"LogoutRequest Destination {root.get('Destination')!r}"
        )
    issued = parse_saml_time(root.get("IssueInstant"))
    validity = dt.timedelta(seconds=sp.request_validity_seconds)
    if issued is None or not now - validity - skew <= issued <= now + skew:
        raise AuthenticationError(
            "WRONG_ISSUE_INSTANT", f"LogoutRequest IssueInstant {root.get('IssueInstant')!r}"
        )
    remember_until = issued + validity + skew
    if root.get("NotOnOrAfter") is not None:
        not_after = parse_saml_time(root.get("NotOnOrAfter"))
        if not_after is None:
            raise AuthenticationError("MALFORMED", f"NotOnOrAfter {root.get('NotOnOrAfter')!r}")
        if now >= not_after + skew:
            raise AuthenticationError("EXPIRED", f"LogoutRequest NotOnOrAfter {not_after}")
        remember_until = max(remember_until, not_after + skew)
    name_id = root.find("saml:NameID", NS)
    if name_id is None or not text_of(name_id):
        raise AuthenticationError("MISSING_NAME_ID", "LogoutRequest without NameID")
    sessions = tuple(
        text_of(node) or "" for node in root.iterfind("samlp:SessionIndex", NS) if text_of(node)
    )
    incoming = IncomingLogoutRequest(
        request_id=request_id,
        idp_entity_id=idp.entity_id,
        name_id=text_of(name_id) or "",
        session_indexes=sessions,
        relay_state=relay_state,
        name_qualifier=name_id.get("NameQualifier"),
    )
    return incoming, remember_until
