"""Strict validation of a SPID/CIE `samlp:Response`: python3-saml strict mode plus SPID checks.

python3-saml verifies the signatures, the schema and the basic conditions; the checks here add
what the SPID profile requires and python3-saml lets through (missing InResponseTo, Destination,
Issuer or its Format, NameID Format/NameQualifier, issue instants outside the request's window, a
lower SpidL, an empty AttributeStatement, ...). A CIE IdP (`IdPMetadata.method == "cie"`) is held
to the same checks but two, as the CIE technical manual describes its Responses: the Assertion's
Issuer may have no Format, and the level is always SpidL3.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from lxml import etree
from onelogin.saml2.errors import OneLogin_Saml2_ValidationError as V
from onelogin.saml2.response import OneLogin_Saml2_Response

from identity.errors import AuthenticationError
from identity.model import Identity
from identity.saml.idp_registry import IdPMetadata
from identity.saml.toolkit import onelogin_settings, request_data_for
from identity.saml.xmlutil import (
    CM_BEARER,
    NAMEID_ENTITY,
    NAMEID_TRANSIENT,
    NS,
    SPID_LEVEL_PREFIX,
    STATUS_SUCCESS,
    parse_saml_time,
    q,
    text_of,
)
from identity.settings import SPSettings

_TOOLKIT_REASONS = {
    V.UNSUPPORTED_SAML_VERSION: "WRONG_VERSION",
    V.WRONG_NUMBER_OF_ASSERTIONS: "WRONG_NUMBER_OF_ASSERTIONS",
    V.INVALID_XML_FORMAT: "SCHEMA_INVALID",
    V.WRONG_INRESPONSETO: "WRONG_IN_RESPONSE_TO",
    V.MISSING_CONDITIONS: "MISSING_CONDITIONS",
    V.ASSERTION_TOO_EARLY: "NOT_YET_VALID",
    V.ASSERTION_EXPIRED: "EXPIRED",
    V.SESSION_EXPIRED: "EXPIRED",
    V.RESPONSE_EXPIRED: "EXPIRED",
    V.NO_ATTRIBUTESTATEMENT: "MISSING_ATTRIBUTES",
    V.WRONG_DESTINATION: "WRONG_DESTINATION",
    V.EMPTY_DESTINATION: "WRONG_DESTINATION",
    V.WRONG_AUDIENCE: "WRONG_AUDIENCE",
    V.ISSUER_MULTIPLE_IN_RESPONSE: "WRONG_ISSUER",
    V.ISSUER_NOT_FOUND_IN_ASSERTION: "MISSING_ISSUER",
    V.WRONG_ISSUER: "WRONG_ISSUER",
    V.WRONG_SUBJECTCONFIRMATION: "WRONG_SUBJECT_CONFIRMATION",
    V.NO_SIGNED_ASSERTION: "ASSERTION_NOT_SIGNED",
    V.NO_SIGNATURE_FOUND: "NOT_SIGNED",
    V.NO_NAMEID: "MISSING_NAME_ID",
    V.EMPTY_NAMEID: "MISSING_NAME_ID",
    V.AUTHN_CONTEXT_MISMATCH: "WRONG_AUTHN_CONTEXT",
    V.DEPRECATED_SIGNATURE_METHOD: "WEAK_SIGNATURE_ALGORITHM",
    V.DEPRECATED_DIGEST_METHOD: "WEAK_SIGNATURE_ALGORITHM",
    **{
        code: "SIGNATURE_INVALID"
        for code in (
            V.WRONG_SIGNED_ELEMENT,
            V.ID_NOT_FOUND_IN_SIGNED_ELEMENT,
            V.DUPLICATED_ID_IN_SIGNED_ELEMENTS,
            V.INVALID_SIGNED_ELEMENT,
            V.DUPLICATED_REFERENCE_IN_SIGNED_ELEMENTS,
            V.UNEXPECTED_SIGNED_ELEMENTS,
            V.WRONG_NUMBER_OF_SIGNATURES_IN_RESPONSE,
            V.WRONG_NUMBER_OF_SIGNATURES_IN_ASSERTION,
            V.INVALID_SIGNATURE,
            V.WRONG_NUMBER_OF_SIGNATURES,
        )
    },
}
_SPID_ERROR = re.compile(r"ErrorCode\s+nr\s*(\d+)", re.IGNORECASE)
_FISCAL_CODE = re.compile(r"[A-Z0-9]{16}|[0-9]{11}")


@dataclass(frozen=True)
class PendingRequest:
    """What the SP remembered of the AuthnRequest it sent (kept in the user's session)."""

    request_id: str
    issue_instant: dt.datetime
    requested_level: int


def _fail(reason: str, detail: str) -> AuthenticationError:
    return AuthenticationError(reason, detail)


def check_status(root: etree._Element) -> None:
    """Raise `SPID_NRxx` (or `IDP_ERROR`) unless the top-level status is Success."""
    code = root.find("samlp:Status/samlp:StatusCode", NS)
    if code is None or not code.get("Value"):
        raise _fail("MALFORMED", "Response without Status/StatusCode")
    if code.get("Value") == STATUS_SUCCESS:
        return
    message = text_of(root.find("samlp:Status/samlp:StatusMessage", NS)) or ""
    match = _SPID_ERROR.search(message)
    sub = code.find("samlp:StatusCode", NS)
    detail = f"status {code.get('Value')} / {sub.get('Value') if sub is not None else '-'}: "
    detail += message[:200]
    if match and 19 <= int(match.group(1)) <= 30:
        raise _fail(f"SPID_NR{int(match.group(1))}", detail)
    raise _fail("IDP_ERROR", detail)


def _check_issuer(
    issuer: etree._Element | None, idp: IdPMetadata, where: str, *, format_required: bool
) -> None:
    if issuer is None or not text_of(issuer):
        raise _fail("MISSING_ISSUER", f"{where} has no Issuer")
    if text_of(issuer) != idp.entity_id:
        raise _fail("WRONG_ISSUER", f"{where} Issuer {text_of(issuer)!r} != {idp.entity_id!r}")
    fmt = issuer.get("Format")
    if (fmt is None and format_required) or (fmt is not None and fmt != NAMEID_ENTITY):
        raise _fail("WRONG_ISSUER_FORMAT", f"{where} Issuer Format {fmt!r}")


def _check_instant(
    value: str | None, where: str, pending: PendingRequest, now: dt.datetime, skew: dt.timedelta
) -> None:
    instant = parse_saml_time(value)
    if instant is None:
        raise _fail("WRONG_ISSUE_INSTANT", f"{where} IssueInstant missing or malformed: {value!r}")
    if instant < pending.issue_instant - skew or instant > now + skew:
        raise _fail("WRONG_ISSUE_INSTANT", f"{where} IssueInstant {value} outside the window")


def check_envelope(
    root: etree._Element,
    sp: SPSettings,
    idp: IdPMetadata,
    pending: PendingRequest,
    now: dt.datetime,
) -> etree._Element:
    """Response-level SPID checks; returns the single Assertion element."""
    skew = dt.timedelta(seconds=sp.clock_skew_seconds)
    if root.tag != q("samlp", "Response"):
        raise _fail("MALFORMED", f"root element is {root.tag!r}")
    if root.get("Version") != "2.0":
        raise _fail("WRONG_VERSION", f"Response Version {root.get('Version')!r}")
    if not root.get("ID"):
        raise _fail("MALFORMED", "Response without ID")
    _check_issuer(root.find("saml:Issuer", NS), idp, "Response", format_required=False)
    if root.get("Destination") not in (sp.acs_url, *sp.extra_acs_urls):
        raise _fail("WRONG_DESTINATION", f"Destination {root.get('Destination')!r}")
    if root.get("InResponseTo") != pending.request_id:
        raise _fail("WRONG_IN_RESPONSE_TO", f"InResponseTo {root.get('InResponseTo')!r}")
    _check_instant(root.get("IssueInstant"), "Response", pending, now, skew)
    # Signature-wrapping defence: one plain Assertion, a direct child, nothing encrypted.
    assertions = root.findall(".//saml:Assertion", NS)
    encrypted = root.findall(".//saml:EncryptedAssertion", NS)
    if len(assertions) != 1 or encrypted or assertions[0].getparent() is not root:
        raise _fail(
            "WRONG_NUMBER_OF_ASSERTIONS",
            f"{len(assertions)} assertions, {len(encrypted)} encrypted",
        )
    if root.find(".//ds:Signature", NS) is None:
        raise _fail("NOT_SIGNED", "neither the Response nor the Assertion is signed")
    ids = [e.get("ID") for e in root.iter() if isinstance(e.tag, str) and e.get("ID")]
    if len(ids) != len(set(ids)):
        raise _fail("SIGNATURE_INVALID", "duplicate ID attributes")
    return assertions[0]


def check_with_toolkit(
    b64: str,
    sp: SPSettings,
    idp: IdPMetadata,
    certificates: tuple[str, ...],
    pending: PendingRequest,
    acs_url: str,
) -> None:
    """python3-saml strict validation (signatures, schema, conditions, subject confirmation)."""
    try:
        settings = onelogin_settings(sp, idp, certificates)
        response = OneLogin_Saml2_Response(settings, b64)
        response.is_valid(request_data_for(acs_url), pending.request_id, raise_exceptions=True)
    except V as e:
        raise _fail(_TOOLKIT_REASONS.get(e.code, "INVALID"), f"python3-saml: {e}") from e
    except Exception as e:  # python3-saml raises plain Exception for several malformed inputs
        raise _fail("MALFORMED", f"python3-saml: {type(e).__name__}: {e}") from e


def check_assertion(
    assertion: etree._Element,
    sp: SPSettings,
    idp: IdPMetadata,
    pending: PendingRequest,
    now: dt.datetime,
) -> tuple[int, dt.datetime]:
    """Assertion-level SPID checks; returns (SpidL, the latest expiry of the assertion)."""
    skew = dt.timedelta(seconds=sp.clock_skew_seconds)
    if assertion.get("Version") != "2.0":
        raise _fail("WRONG_VERSION", f"Assertion Version {assertion.get('Version')!r}")
    if not assertion.get("ID"):
        raise _fail("MALFORMED", "Assertion without ID")
    _check_instant(assertion.get("IssueInstant"), "Assertion", pending, now, skew)
    # SPID requires the Assertion's Issuer Format; the CIE IdP may leave it out (CIE manual).
    cie = idp.method == "cie"
    _check_issuer(assertion.find("saml:Issuer", NS), idp, "Assertion", format_required=not cie)

    name_id = assertion.find("saml:Subject/saml:NameID", NS)
    if name_id is None or not text_of(name_id):
        raise _fail("MISSING_NAME_ID", "no NameID")
    if name_id.get("Format") != NAMEID_TRANSIENT or not name_id.get("NameQualifier"):
        raise _fail(
            "WRONG_NAME_ID",
            f"NameID Format {name_id.get('Format')!r}, "
            f"NameQualifier {name_id.get('NameQualifier')!r}",
        )

    confirmation = assertion.find("saml:Subject/saml:SubjectConfirmation", NS)
    data = None if confirmation is None else confirmation.find("saml:SubjectConfirmationData", NS)
    if confirmation is None or data is None or confirmation.get("Method") != CM_BEARER:
        raise _fail("WRONG_SUBJECT_CONFIRMATION", "no bearer SubjectConfirmationData")
    if data.get("Recipient") not in (sp.acs_url, *sp.extra_acs_urls):
        raise _fail("WRONG_RECIPIENT", f"Recipient {data.get('Recipient')!r}")
    if data.get("InResponseTo") != pending.request_id:
        raise _fail(
            "WRONG_IN_RESPONSE_TO",
            f"SubjectConfirmationData InResponseTo {data.get('InResponseTo')!r}",
        )
    confirmation_end = parse_saml_time(data.get("NotOnOrAfter"))
    if confirmation_end is None:
        raise _fail("WRONG_SUBJECT_CONFIRMATION", "SubjectConfirmationData without NotOnOrAfter")
    if confirmation_end + skew <= now:
        raise _fail("EXPIRED", f"SubjectConfirmationData NotOnOrAfter {data.get('NotOnOrAfter')}")

    conditions = assertion.find("saml:Conditions", NS)
    if conditions is None:
        raise _fail("MISSING_CONDITIONS", "no Conditions")
    not_before = parse_saml_time(conditions.get("NotBefore"))
    not_after = parse_saml_time(conditions.get("NotOnOrAfter"))
    if not_before is None or not_after is None:
        raise _fail("MISSING_CONDITIONS", "Conditions without NotBefore/NotOnOrAfter")
    if not_before - skew > now:
        raise _fail("NOT_YET_VALID", f"Conditions NotBefore {conditions.get('NotBefore')}")
    if not_after + skew <= now:
        raise _fail("EXPIRED", f"Conditions NotOnOrAfter {conditions.get('NotOnOrAfter')}")
    audiences = [
        text_of(a) for a in conditions.iterfind("saml:AudienceRestriction/saml:Audience", NS)
    ]
    if sp.entity_id not in audiences:
        raise _fail("WRONG_AUDIENCE", f"audiences {audiences!r}")

    statements = assertion.findall("saml:AuthnStatement", NS)
    class_ref = text_of(
        assertion.find("saml:AuthnStatement/saml:AuthnContext/saml:AuthnContextClassRef", NS)
    )
    levels = {f"{SPID_LEVEL_PREFIX}{n}": n for n in (1, 2, 3)}
    if len(statements) != 1 or class_ref not in levels:
        raise _fail("WRONG_AUTHN_CONTEXT", f"AuthnContextClassRef {class_ref!r}")
    level = levels[class_ref]
    if cie:
        # CIE authenticates at level 3 only, always answers SpidL3, and is asked for SpidL3.
        if level != 3:
            raise _fail("LEVEL_TOO_LOW", f"CIE IdP answered SpidL{level}, CIE is SpidL3")
        return level, max(confirmation_end, not_after) + skew
    too_low = level < pending.requested_level
    if too_low or (sp.authn_comparison == "exact" and level != pending.requested_level):
        raise _fail("LEVEL_TOO_LOW", f"SpidL{level}, requested SpidL{pending.requested_level}")
    return level, max(confirmation_end, not_after) + skew


def read_attributes(assertion: etree._Element) -> dict[str, str]:
    """SPID attributes of the (already verified) assertion; refuses empty or repeated ones."""
    attributes: dict[str, str] = {}
    for attribute in assertion.iterfind("saml:AttributeStatement/saml:Attribute", NS):
        name = attribute.get("Name") or ""
        if name in attributes:
            raise _fail("MALFORMED", f"attribute {name!r} repeated")
        values = [text_of(v) or "" for v in attribute.iterfind("saml:AttributeValue", NS)]
        attributes[name] = values[0] if len(values) == 1 else ""
    if not attributes:
        raise _fail("MISSING_ATTRIBUTES", "empty AttributeStatement")
    return attributes


def to_identity(
    assertion: etree._Element, attributes: dict[str, str], idp: IdPMetadata, level: int
) -> Identity:
    """Map SPID attributes to an `Identity`; the fiscal code must look like one."""
    raw_code = attributes.get("fiscalNumber", "").strip().upper()
    fiscal_code = raw_code.removeprefix("TINIT-")
    if not _FISCAL_CODE.fullmatch(fiscal_code):
        raise _fail("MISSING_ATTRIBUTES", f"fiscalNumber {raw_code[:40]!r} is not a fiscal code")
    date_of_birth = None
    if attributes.get("dateOfBirth"):
        try:
            date_of_birth = dt.date.fromisoformat(attributes["dateOfBirth"])
        except ValueError as e:
            raise _fail("MALFORMED", f"dateOfBirth {attributes['dateOfBirth'][:20]!r}") from e
    name_id = assertion.find("saml:Subject/saml:NameID", NS)
    session = assertion.find("saml:AuthnStatement", NS)
    return Identity(
        fiscal_code=fiscal_code,
        name=attributes.get("name", ""),
        family_name=attributes.get("familyName", ""),
        date_of_birth=date_of_birth,
        email=attributes.get("email") or None,
        spid_level=level,
        idp_entity_id=idp.entity_id,
        session_index=session.get("SessionIndex") if session is not None else None,
        name_id=text_of(name_id) or "",
        method=idp.method,
        name_qualifier=name_id.get("NameQualifier") if name_id is not None else None,
    )
