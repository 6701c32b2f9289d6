"""Signed SP metadata with the extensions AgID requires of a public-sector SPID provider."""

from __future__ import annotations

import hashlib

from lxml import etree

from identity.saml.toolkit import sign_xml
from identity.saml.xmlutil import BINDING_POST, BINDING_REDIRECT, NAMEID_TRANSIENT, NS, q
from identity.settings import SPSettings

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ATTR_NAME_FORMAT = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"


def _pem_body(pem: str) -> str:
    return "".join(line for line in pem.strip().splitlines() if "-----" not in line)


def _sub(
    parent: etree._Element, prefix: str, local: str, text: str | None = None, **attrs: str
) -> etree._Element:
    element = etree.SubElement(parent, q(prefix, local), attrs)
    if text is not None:
        element.text = text
    return element


def build_sp_metadata(sp: SPSettings, *, sign: bool = True) -> bytes:
    """The SP's `md:EntityDescriptor`, signed with the SP key unless `sign` is False.

    One ACS (HTTP-POST, `index="0" isDefault="true"`), one AttributeConsumingService (index 0)
    with the requested attributes, SLO by HTTP-POST and HTTP-Redirect, Organization, and the
    SPID `ContactPerson contactType="other"` with `spid:IPACode` and `spid:Public`.
    """
    nsmap = {"md": NS["md"], "ds": NS["ds"], "spid": NS["spid"]}
    entity_id = sp.entity_id
    root = etree.Element(
        q("md", "EntityDescriptor"),
        {"entityID": entity_id, "ID": "_" + _stable_id(entity_id)},
        nsmap=nsmap,
    )
    descriptor = _sub(
        root,
        "md",
        "SPSSODescriptor",
        protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol",
        AuthnRequestsSigned="true",
        WantAssertionsSigned="true",
    )
    key = _sub(descriptor, "md", "KeyDescriptor", use="signing")
    key_info = _sub(key, "ds", "KeyInfo")
    x509_data = _sub(key_info, "ds", "X509Data")
    _sub(x509_data, "ds", "X509Certificate", _pem_body(sp.certificate_pem))
    for binding in (BINDING_POST, BINDING_REDIRECT):
        _sub(descriptor, "md", "SingleLogoutService", Binding=binding, Location=sp.slo_url)
    _sub(descriptor, "md", "NameIDFormat", NAMEID_TRANSIENT)
    _sub(
        descriptor,
        "md",
        "AssertionConsumerService",
        index="0",
        isDefault="true",
        Binding=BINDING_POST,
        Location=sp.acs_url,
    )
    for index, url in enumerate(sp.extra_acs_urls, start=1):
        _sub(
            descriptor,
            "md",
            "AssertionConsumerService",
            index=str(index),
            Binding=BINDING_POST,
            Location=url,
        )
    service = _sub(descriptor, "md", "AttributeConsumingService", index="0")
    _sub(service, "md", "ServiceName", sp.attribute_service_name).set(_XML_LANG, "it")
    for name in sp.requested_attributes:
        _sub(service, "md", "RequestedAttribute", Name=name, NameFormat=_ATTR_NAME_FORMAT)

    organization = _sub(root, "md", "Organization")
    for local, value in (
        ("OrganizationName", sp.organization.name),
        ("OrganizationDisplayName", sp.organization.display_name),
        ("OrganizationURL", sp.organization.url),
    ):
        _sub(organization, "md", local, value).set(_XML_LANG, "it")

    contact = _sub(root, "md", "ContactPerson", contactType="other")
    extensions = _sub(contact, "md", "Extensions")
    _sub(extensions, "spid", "IPACode", sp.contact.ipa_code)
    _sub(extensions, "spid", "Public" if sp.contact.public else "Private")
    _sub(contact, "md", "EmailAddress", sp.contact.email)
    if sp.contact.phone:
        _sub(contact, "md", "TelephoneNumber", sp.contact.phone)

    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    if not sign:
        return xml
    return sign_xml(xml, sp.private_key_pem, sp.certificate_pem)


def _stable_id(entity_id: str) -> str:
    # Same settings -> same bytes before signing, so metadata can be cached and compared.
    return hashlib.sha256(entity_id.encode()).hexdigest()[:32]
