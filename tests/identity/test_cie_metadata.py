"""SP metadata for the CIE federation: schema, `cie:` extensions, signature; SPID ones unchanged."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import xmlsec
from lxml import etree
from onelogin.saml2.xml_utils import OneLogin_Saml2_XML

from identity import ServiceProvider
from identity.errors import ConfigurationError
from identity.replay import InMemoryReplayCache
from identity.saml.idp_registry import IdPRegistry
from identity.saml.metadata import CIE_NS, build_sp_metadata
from identity.saml.xmlutil import NS
from identity.settings import ContactPerson, SPSettings

from .support import create_sp_settings

ROOT = Path(__file__).resolve().parents[2]
GOLDEN_SPID = Path(__file__).parent / "golden" / "sp-metadata-spid.xml"
# The CIE federation's own schema of SP metadata, as shipped with spid-sp-test.
CIE_XSD = (
    ROOT / ".venv-spid/lib/python3.11/site-packages/spid_sp_test/xsd/cie/"
    "saml-schema-metadata-sp-cie.xsd"
)
NSX = {**NS, "cie": CIE_NS}

BODY = ContactPerson(
    ipa_code="c_x000",
    email="urp@comune.villanova.example",
    phone="+390612345678",
    municipality="X000",
    province="TO",
    fiscal_code="80001234568",
    vat_number="IT80001234568",
    ipa_category="L6",
)


@pytest.fixture(scope="module")
def cie_settings() -> SPSettings:
    return create_sp_settings(contact=BODY)


@pytest.fixture(scope="module")
def cie_metadata(cie_settings: SPSettings) -> bytes:
    return build_sp_metadata(cie_settings, profile="cie")


def _verify_enveloped(xml: bytes, cert_pem: str) -> None:
    root = etree.fromstring(xml)
    xmlsec.tree.add_ids(root, ["ID"])
    signature = root[0]
    assert signature.tag == f"{{{NS['ds']}}}Signature", "the Signature must come first"
    context = xmlsec.SignatureContext()
    cert_format = xmlsec.KeyFormat.CERT_PEM  # type: ignore[attr-defined]
    context.key = xmlsec.Key.from_memory(cert_pem, cert_format, None)
    context.verify(signature)  # raises xmlsec.Error when it does not verify


def test_cie_metadata_is_valid_saml_metadata(cie_metadata: bytes) -> None:
    result = OneLogin_Saml2_XML.validate_xml(cie_metadata, "saml-schema-metadata-2.0.xsd")
    assert not isinstance(result, str), result


def test_cie_metadata_is_valid_against_the_cie_schema(cie_metadata: bytes) -> None:
    if not CIE_XSD.exists():
        message = f"the CIE schema comes with spid-sp-test, not installed at {CIE_XSD}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    schema = etree.XMLSchema(etree.parse(str(CIE_XSD)))
    assert schema.validate(etree.fromstring(cie_metadata)), schema.error_log
    # The same schema refuses the SPID metadata (contactType "other", no cie: extensions).
    spid = build_sp_metadata(create_sp_settings())
    assert not schema.validate(etree.fromstring(spid))


def test_cie_metadata_carry_the_body_as_configured(
    cie_metadata: bytes, cie_settings: SPSettings
) -> None:
    root = etree.fromstring(cie_metadata)
    assert root.get("entityID") == cie_settings.entity_id
    assert root.nsmap.get("cie") == CIE_NS and "spid" not in root.nsmap
    contacts = root.findall("md:ContactPerson", NSX)
    assert [c.get("contactType") for c in contacts] == ["administrative"]
    extensions = contacts[0].find("md:Extensions", NSX)
    assert extensions is not None
    assert [(etree.QName(e).namespace, etree.QName(e).localname, e.text) for e in extensions] == [
        (CIE_NS, "Public", None),
        (CIE_NS, "IPACode", "c_x000"),
        (CIE_NS, "IPACategory", "L6"),
        (CIE_NS, "VATNumber", "IT80001234568"),
        (CIE_NS, "FiscalCode", "80001234568"),
        (CIE_NS, "Municipality", "X000"),
        (CIE_NS, "Province", "TO"),
        (CIE_NS, "Country", "IT"),
    ]
    organization_name = root.find("md:Organization/md:OrganizationName", NSX)
    assert organization_name is not None and organization_name.text == "Comune di Villanova"
    assert contacts[0].findtext("md:Company", namespaces=NSX) == organization_name.text
    assert contacts[0].findtext("md:EmailAddress", namespaces=NSX) == BODY.email
    assert contacts[0].findtext("md:TelephoneNumber", namespaces=NSX) == BODY.phone
    service = root.find("md:SPSSODescriptor/md:AttributeConsumingService", NSX)
    assert service is not None and service.get("index") == "0"
    names = [a.get("Name") for a in service.findall("md:RequestedAttribute", NSX)]
    assert names == ["name", "familyName", "dateOfBirth", "fiscalNumber"]  # no e-mail for CIE
    acs = root.findall("md:SPSSODescriptor/md:AssertionConsumerService", NSX)
    assert [(a.get("index"), a.get("isDefault"), a.get("Location")) for a in acs] == [
        ("0", "true", cie_settings.acs_url)
    ]
    slo = root.findall("md:SPSSODescriptor/md:SingleLogoutService", NSX)
    assert "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" in [s.get("Binding") for s in slo]


def test_optional_registration_data_are_left_out_when_not_configured() -> None:
    body = ContactPerson(
        ipa_code="c_x000", email="urp@comune.villanova.example", municipality="H501"
    )
    root = etree.fromstring(build_sp_metadata(create_sp_settings(contact=body), profile="cie"))
    extensions = root.find("md:ContactPerson/md:Extensions", NSX)
    assert extensions is not None
    assert [(etree.QName(e).localname, e.text) for e in extensions] == [
        ("Public", None),
        ("IPACode", "c_x000"),
        ("Municipality", "H501"),
        ("Country", "IT"),
    ]
    assert root.find("md:ContactPerson/md:TelephoneNumber", NSX) is None


def test_cie_metadata_signature_verifies_with_the_sp_certificate(
    cie_metadata: bytes, cie_settings: SPSettings
) -> None:
    _verify_enveloped(cie_metadata, cie_settings.certificate_pem)
    tampered = cie_metadata.replace(b">X000<", b">H501<")
    assert tampered != cie_metadata
    with pytest.raises(xmlsec.Error):
        _verify_enveloped(tampered, cie_settings.certificate_pem)


def test_spid_metadata_are_unchanged() -> None:
    def canonical(xml: bytes) -> bytes:
        parser = etree.XMLParser(remove_blank_text=True)
        return etree.tostring(etree.fromstring(xml, parser), method="c14n")

    built = build_sp_metadata(create_sp_settings(), sign=False)
    assert canonical(built) == canonical(GOLDEN_SPID.read_bytes())
    # The CIE data of the body add nothing to the SPID metadata.
    assert build_sp_metadata(create_sp_settings(contact=BODY), sign=False) == built


def test_service_provider_caches_each_profile(cie_settings: SPSettings) -> None:
    sp = ServiceProvider(cie_settings, IdPRegistry([]), InMemoryReplayCache())
    spid, cie = sp.metadata(), sp.metadata(profile="cie")
    assert sp.metadata(profile="spid") is spid and sp.metadata(profile="cie") is cie
    assert etree.fromstring(spid).find("md:ContactPerson", NS).get("contactType") == "other"
    assert etree.fromstring(cie).find("md:ContactPerson", NS).get("contactType") == (
        "administrative"
    )
    with pytest.raises(ValueError, match="profile"):
        sp.metadata(profile="eidas")  # type: ignore[arg-type]


def test_cie_metadata_need_the_municipality() -> None:
    settings = create_sp_settings()  # the demo contact names no municipality
    assert build_sp_metadata(settings)  # SPID does not need it
    with pytest.raises(ConfigurationError, match="municipality"):
        build_sp_metadata(settings, profile="cie")


def test_cie_metadata_of_a_private_provider_are_refused() -> None:
    settings = create_sp_settings(contact=replace(BODY, public=False))
    with pytest.raises(ConfigurationError, match="public bodies"):
        build_sp_metadata(settings, profile="cie")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("municipality", "h501"),
        ("municipality", "H5011"),
        ("municipality", "058091"),
        ("province", "Torino"),
        ("province", "to"),
        ("country", "ITA"),
        ("fiscal_code", "80001234567"),  # wrong check digit
        ("fiscal_code", "8000123456"),
        ("fiscal_code", "８0001234568"),  # a non-ASCII digit
        ("vat_number", "80001234568"),  # no country prefix
        ("vat_number", "IT80001234567"),
        ("vat_number", "IT 80001234568"),
        ("ipa_category", "L 6"),
    ],
)
def test_registration_data_are_checked(field: str, value: str) -> None:
    change: dict[str, Any] = {field: value}
    with pytest.raises(ConfigurationError, match=field):
        replace(BODY, **change)


def test_abroad_the_municipality_is_a_post_code_and_the_province_ee() -> None:
    body = replace(BODY, country="GB", municipality="W1F 9AS", province="EE", vat_number=None)
    assert body.municipality == "W1F 9AS"
    with pytest.raises(ConfigurationError, match="province"):
        replace(body, province="LO")
