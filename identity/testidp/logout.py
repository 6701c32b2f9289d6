"""The test IdP's side of IdP-initiated single logout: its LogoutRequest, the SP's answer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lxml import etree

from identity.saml.xmlutil import NAMEID_ENTITY, NAMEID_TRANSIENT, NS, STATUS_SUCCESS, q, saml_time


@dataclass(frozen=True)
class LogoutResponseInfo:
    """A verified LogoutResponse of an SP to an IdP-initiated logout."""

    response_id: str
    in_response_to: str
    sp_entity_id: str
    status: str
    sub_status: str | None
    relay_state: str | None

    @property
    def success(self) -> bool:
        """True when the SP ended the session."""
        return self.status == STATUS_SUCCESS


def build_idp_logout_request(
    *,
    idp_entity_id: str,
    request_id: str,
    issue_instant: dt.datetime,
    destination: str,
    name_id: str,
    session_index: str | None,
    not_on_or_after: dt.datetime | None = None,
) -> bytes:
    """Unsigned LogoutRequest from the IdP (Issuer and NameID qualified by the IdP)."""
    attrs = {
        "ID": request_id,
        "Version": "2.0",
        "IssueInstant": saml_time(issue_instant),
        "Destination": destination,
    }
    if not_on_or_after is not None:
        attrs["NotOnOrAfter"] = saml_time(not_on_or_after)
    root = etree.Element(
        q("samlp", "LogoutRequest"), attrs, nsmap={"samlp": NS["samlp"], "saml": NS["saml"]}
    )
    issuer = etree.SubElement(
        root, q("saml", "Issuer"), Format=NAMEID_ENTITY, NameQualifier=idp_entity_id
    )
    issuer.text = idp_entity_id
    name = etree.SubElement(
        root, q("saml", "NameID"), Format=NAMEID_TRANSIENT, NameQualifier=idp_entity_id
    )
    name.text = name_id
    if session_index:
        etree.SubElement(root, q("samlp", "SessionIndex")).text = session_index
    return etree.tostring(root)


def read_logout_response(
    root: etree._Element, *, sp_entity_id: str, destination: str, relay_state: str | None
) -> LogoutResponseInfo:
    """Check a verified LogoutResponse of `sp_entity_id`; raises ValueError."""
    if root.tag != q("samlp", "LogoutResponse") or root.get("Version") != "2.0":
        raise ValueError("not a SAML 2.0 LogoutResponse")
    issuer = root.find("saml:Issuer", NS)
    if issuer is None or (issuer.text or "").strip() != sp_entity_id:
        raise ValueError("LogoutResponse Issuer is not the signing SP")
    if root.get("Destination") != destination:
        raise ValueError(f"Destination {root.get('Destination')!r} is not this IdP")
    code = root.find("samlp:Status/samlp:StatusCode", NS)
    sub = None if code is None else code.find("samlp:StatusCode", NS)
    return LogoutResponseInfo(
        response_id=root.get("ID", ""),
        in_response_to=root.get("InResponseTo", ""),
        sp_entity_id=sp_entity_id,
        status="" if code is None else code.get("Value", ""),
        sub_status=None if sub is None else sub.get("Value"),
        relay_state=relay_state,
    )
