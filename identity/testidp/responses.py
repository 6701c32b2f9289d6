"""SPID Responses made by the test IdP, correct by default and defective on request.

`ResponseOptions` names every defect the tests need; each field's default gives a correct
response. `DROP` removes an attribute or element instead of changing it.
"""

from __future__ import annotations

import datetime as dt
import enum
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from identity.saml.toolkit import sign_element
from identity.saml.xmlutil import (
    CM_BEARER,
    NAMEID_ENTITY,
    NAMEID_TRANSIENT,
    NS,
    SPID_LEVEL_PREFIX,
    STATUS_SUCCESS,
    q,
    saml_time,
    utcnow,
)
from identity.testidp.users import TestUser


class Drop(enum.Enum):
    """Marker: leave the attribute or element out."""

    DROP = "drop"


DROP = Drop.DROP
Value = str | None | Drop  # None: the correct value

# SPID anomaly codes -> second-level SAML status (SPID technical rules, table of anomalies)
SPID_ERRORS = {
    19: "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed",
    20: "urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext",
    21: "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed",
    22: "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed",
    23: "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed",
    25: "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed",
}


@dataclass
class ResponseOptions:
    """How to build a Response; every default gives a correct, fully signed SPID Response."""

    level: int | None = None  # default: the requested level
    sign_assertion: bool = True
    sign_response: bool = True
    signing_key_pem: str | None = None  # another key than the IdP's (with signing_cert_pem)
    signing_cert_pem: str | None = None
    now: dt.datetime | None = None  # the IdP's clock for every instant in the Response
    validity_seconds: int | None = None
    response_issue_instant: dt.datetime | None = None
    assertion_issue_instant: dt.datetime | None = None
    destination: Value = None
    in_response_to: Value = None
    subject_in_response_to: Value = None
    recipient: Value = None
    audience: Value = None
    issuer: Value = None  # Response Issuer text
    issuer_format: Value = None
    assertion_issuer: Value = None
    assertion_issuer_format: Value = None
    name_id_format: Value = None
    name_qualifier: Value = None
    version: str = "2.0"
    attributes: dict[str, str] | None = None  # replaces the user's attributes
    empty_attribute_statement: bool = False
    spid_error: int | None = None  # 19..25: an error Response "ErrorCode nr<n>"
    wrapped_assertion_user: TestUser | None = None  # adds a second, unsigned assertion
    before_signing: Callable[[etree._Element], None] | None = None
    after_signing: Callable[[bytes], bytes] | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _set(element: etree._Element, name: str, value: Value, default: str) -> None:
    if value is DROP:
        return
    element.set(name, default if value is None else value)


def _text(parent: etree._Element, tag: str, value: Value, default: str, fmt: Value = None) -> None:
    if value is DROP:
        return
    element = etree.SubElement(parent, tag)
    _set(element, "Format", fmt, NAMEID_ENTITY)
    element.text = default if value is None else value


def build_assertion(
    *,
    idp_entity_id: str,
    sp_entity_id: str,
    acs_url: str,
    request_id: str,
    user: TestUser,
    requested: tuple[str, ...],
    level: int,
    opts: ResponseOptions,
    now: dt.datetime,
) -> etree._Element:
    """The `saml:Assertion` for `user` (unsigned)."""
    validity = dt.timedelta(seconds=opts.validity_seconds or 300)
    assertion = etree.Element(
        q("saml", "Assertion"),
        {
            "ID": "_" + secrets.token_hex(20),
            "Version": opts.version,
            "IssueInstant": saml_time(opts.assertion_issue_instant or now),
        },
        nsmap={"saml": NS["saml"], "xs": NS["xs"], "xsi": NS["xsi"]},
    )
    _text(
        assertion,
        q("saml", "Issuer"),
        opts.assertion_issuer,
        idp_entity_id,
        opts.assertion_issuer_format,
    )
    subject = etree.SubElement(assertion, q("saml", "Subject"))
    name_id = etree.SubElement(subject, q("saml", "NameID"))
    _set(name_id, "Format", opts.name_id_format, NAMEID_TRANSIENT)
    _set(name_id, "NameQualifier", opts.name_qualifier, idp_entity_id)
    name_id.text = "_" + secrets.token_hex(16)
    confirmation = etree.SubElement(subject, q("saml", "SubjectConfirmation"), Method=CM_BEARER)
    data = etree.SubElement(confirmation, q("saml", "SubjectConfirmationData"))
    _set(data, "InResponseTo", opts.subject_in_response_to, request_id)
    data.set("NotOnOrAfter", saml_time(now + validity))
    _set(data, "Recipient", opts.recipient, acs_url)
    conditions = etree.SubElement(
        assertion,
        q("saml", "Conditions"),
        NotBefore=saml_time(now),
        NotOnOrAfter=saml_time(now + validity),
    )
    restriction = etree.SubElement(conditions, q("saml", "AudienceRestriction"))
    if opts.audience is not DROP:
        etree.SubElement(restriction, q("saml", "Audience")).text = opts.audience or sp_entity_id
    statement = etree.SubElement(
        assertion,
        q("saml", "AuthnStatement"),
        AuthnInstant=saml_time(now),
        SessionIndex="_" + secrets.token_hex(16),
    )
    context = etree.SubElement(statement, q("saml", "AuthnContext"))
    etree.SubElement(
        context, q("saml", "AuthnContextClassRef")
    ).text = f"{SPID_LEVEL_PREFIX}{level}"
    attributes = etree.SubElement(assertion, q("saml", "AttributeStatement"))
    if not opts.empty_attribute_statement:
        values = opts.attributes if opts.attributes is not None else user.attributes
        for name in requested or tuple(values):
            if name not in values:
                continue
            attribute = etree.SubElement(attributes, q("saml", "Attribute"), Name=name)
            value = etree.SubElement(attribute, q("saml", "AttributeValue"))
            value.set(q("xsi", "type"), "xs:date" if name == "dateOfBirth" else "xs:string")
            value.text = values[name]
    return assertion


def build_response(
    *,
    idp_entity_id: str,
    key_pem: str,
    cert_pem: str,
    sp_entity_id: str,
    acs_url: str,
    request_id: str,
    requested_level: int,
    requested_attributes: tuple[str, ...],
    user: TestUser,
    opts: ResponseOptions,
) -> bytes:
    """A complete, signed Response (serialised), following `opts`."""
    now = opts.now or utcnow()
    root = etree.Element(
        q("samlp", "Response"),
        {
            "ID": "_" + secrets.token_hex(20),
            "Version": opts.version,
            "IssueInstant": saml_time(opts.response_issue_instant or now),
        },
        nsmap={"samlp": NS["samlp"], "saml": NS["saml"]},
    )
    _set(root, "Destination", opts.destination, acs_url)
    _set(root, "InResponseTo", opts.in_response_to, request_id)
    _text(root, q("saml", "Issuer"), opts.issuer, idp_entity_id, opts.issuer_format)
    status = etree.SubElement(root, q("samlp", "Status"))
    if opts.spid_error is not None:
        top = etree.SubElement(
            status, q("samlp", "StatusCode"), Value="urn:oasis:names:tc:SAML:2.0:status:Responder"
        )
        etree.SubElement(
            top, q("samlp", "StatusCode"), Value=SPID_ERRORS.get(opts.spid_error, SPID_ERRORS[19])
        )
        etree.SubElement(
            status, q("samlp", "StatusMessage")
        ).text = f"ErrorCode nr{opts.spid_error}"
    else:
        etree.SubElement(status, q("samlp", "StatusCode"), Value=STATUS_SUCCESS)
        common = {
            "idp_entity_id": idp_entity_id,
            "sp_entity_id": sp_entity_id,
            "acs_url": acs_url,
            "request_id": request_id,
            "requested": requested_attributes,
            "level": opts.level or requested_level,
            "opts": opts,
            "now": now,
        }
        if opts.wrapped_assertion_user is not None:
            root.append(build_assertion(user=opts.wrapped_assertion_user, **common))  # type: ignore[arg-type]
        root.append(build_assertion(user=user, **common))  # type: ignore[arg-type]
    for name, value in opts.extra.items():
        root.set(name, value)
    if opts.before_signing is not None:
        opts.before_signing(root)
    key = opts.signing_key_pem or key_pem
    cert = opts.signing_cert_pem or cert_pem
    assertions = root.findall("saml:Assertion", NS)
    if opts.sign_assertion and assertions:
        sign_element(assertions[-1], key, cert)
    if opts.sign_response:
        sign_element(root, key, cert)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    if opts.after_signing is not None:
        xml = opts.after_signing(xml)
    return xml


def encode_response(xml: bytes) -> str:
    """Base64 for the HTTP-POST binding."""
    return OneLogin_Saml2_Utils.b64encode(xml)
