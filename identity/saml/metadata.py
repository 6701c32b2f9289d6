"""Signed SP metadata for the SPID federation (AgID's public-sector profile) and for CIE."""

from __future__ import annotations

import hashlib
from typing import Literal

from lxml import etree

from identity.errors import ConfigurationError
from identity.saml.toolkit import sign_xml
from identity.saml.xmlutil import BINDING_POST, BINDING_REDIRECT, NAMEID_TRANSIENT, NS, q
from identity.settings import SPSettings

Profile = Literal["spid", "cie"]
CIE_NS = "https://www.cartaidentita.interno.gov.it/saml-extensions"
# The CIE IdP releases only the eIDAS minimum data set, and its metadata may ask for no more.
CIE_ATTRIBUTES = ("name", "familyName", "dateOfBirth", "fiscalNumber")

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


def build_sp_metadata(sp: SPSettings, *, profile: Profile = "spid", sign: bool = True) -> bytes:
    """The SP's `md:EntityDescriptor` for the SPID or the CIE federation, signed with the SP key
    unless `sign` is False.

    Both: one ACS (HTTP-POST, `index="0" isDefault="true"`), one AttributeConsumingService
    (index 0), SLO by HTTP-POST and HTTP-Redirect, Organization, same entityID and key.
    "spid": the requested attributes and the `ContactPerson contactType="other"` with
    `spid:IPACode` and `spid:Public`. "cie" (CIE technical manual, "Metadata SP"): only the
    eIDAS minimum attributes, and a `ContactPerson contactType="administrative"` with `Company`
    (the OrganizationName) and the `cie:` registration data of the body. Raises
    ConfigurationError when the settings lack what the profile needs.
    """
    if profile not in ("spid", "cie"):
        raise ValueError(f"metadata profile must be 'spid' or 'cie', not {profile!r}")
    cie = profile == "cie"
    extension_ns = ("cie", CIE_NS) if cie else ("spid", NS["spid"])
    nsmap = {"md": NS["md"], "ds": NS["ds"], extension_ns[0]: extension_ns[1]}
    entity_id = sp.entity_id
    root = etree.Element(
        q("md", "EntityDescriptor"),
        {"entityID": entity_id, "ID": "_" + _stable_id(entity_id + (" cie" if cie else ""))},
        nsmap=nsmap,
    )
    _sp_descriptor(root, sp, CIE_ATTRIBUTES if cie else sp.requested_attributes)

    organization = _sub(root, "md", "Organization")
    for local, value in (
        ("OrganizationName", sp.organization.name),
        ("OrganizationDisplayName", sp.organization.display_name),
        ("OrganizationURL", sp.organization.url),
    ):
        _sub(organization, "md", local, value).set(_XML_LANG, "it")

    if cie:
        _cie_contact(root, sp)
    else:
        _spid_contact(root, sp)

    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    if not sign:
        return xml
    return sign_xml(xml, sp.private_key_pem, sp.certificate_pem)


def _sp_descriptor(root: etree._Element, sp: SPSettings, attributes: tuple[str, ...]) -> None:
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
    for name in attributes:
        _sub(service, "md", "RequestedAttribute", Name=name, NameFormat=_ATTR_NAME_FORMAT)


def _spid_contact(root: etree._Element, sp: SPSettings) -> None:
    contact = _sub(root, "md", "ContactPerson", contactType="other")
    extensions = _sub(contact, "md", "Extensions")
    _sub(extensions, "spid", "IPACode", sp.contact.ipa_code)
    _sub(extensions, "spid", "Public" if sp.contact.public else "Private")
    _sub(contact, "md", "EmailAddress", sp.contact.email)
    if sp.contact.phone:
        _sub(contact, "md", "TelephoneNumber", sp.contact.phone)


def _cie_contact(root: etree._Element, sp: SPSettings) -> None:
    body = sp.contact
    if not body.public:
        raise ConfigurationError(
            "CIE metadata are built for public bodies only (cie:Public); a private provider "
            "also needs cie:NACE2Code, which SPSettings does not carry"
        )
    if not body.municipality:
        raise ConfigurationError(
            "ContactPerson.municipality is required by the CIE metadata: the cadastral code "
            "of the comune of the body's legal seat (like H501)"
        )
    contact = _sub(root, "md", "ContactPerson", contactType="administrative")
    extensions = _sub(contact, "md", "Extensions")

    def cie(local: str, text: str | None = None) -> None:
        element = etree.SubElement(extensions, f"{{{CIE_NS}}}{local}")
        element.text = text

    cie("Public")
    cie("IPACode", body.ipa_code)
    for local, value in (
        ("IPACategory", body.ipa_category),
        ("VATNumber", body.vat_number),
        ("FiscalCode", body.fiscal_code),
        ("Municipality", body.municipality),
        ("Province", body.province),
        ("Country", body.country),
    ):
        if value:
            cie(local, value)
    # The manual wants Company exactly as the OrganizationName in the body's language.
    _sub(contact, "md", "Company", sp.organization.name)
    _sub(contact, "md", "EmailAddress", body.email)
    if body.phone:
        _sub(contact, "md", "TelephoneNumber", body.phone)


def _stable_id(entity_id: str) -> str:
    # Same settings -> same bytes before signing, so metadata can be cached and compared.
    return hashlib.sha256(entity_id.encode()).hexdigest()[:32]
