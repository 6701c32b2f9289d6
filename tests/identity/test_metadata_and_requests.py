"""SP metadata (signed, SPID extensions) and AuthnRequest contents and signatures."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlsplit

import pytest
import xmlsec
from lxml import etree
from onelogin.saml2.utils import OneLogin_Saml2_Utils
from onelogin.saml2.xml_utils import OneLogin_Saml2_XML

from identity import ServiceProvider
from identity.saml.messages import decode_redirect
from identity.saml.xmlutil import NS
from identity.settings import SPSettings

from .support import IDP_ENTITY_ID


def _verify_enveloped(xml: bytes, cert_pem: str) -> None:
    root = etree.fromstring(xml)
    xmlsec.tree.add_ids(root, ["ID"])
    signature = root.find("ds:Signature", NS)
    assert signature is not None, "no ds:Signature as first-level child"
    context = xmlsec.SignatureContext()
    cert_format = xmlsec.KeyFormat.CERT_PEM  # type: ignore[attr-defined]
    context.key = xmlsec.Key.from_memory(cert_pem, cert_format, None)
    context.verify(signature)  # raises xmlsec.Error when it does not verify


def test_metadata_signature_verifies_with_xmlsec(sp: ServiceProvider) -> None:
    metadata = sp.metadata()
    _verify_enveloped(metadata, sp.settings.certificate_pem)
    method = etree.fromstring(metadata).find("ds:Signature/ds:SignedInfo/ds:SignatureMethod", NS)
    assert method is not None
    assert method.get("Algorithm") == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"


def test_tampered_metadata_does_not_verify(sp: ServiceProvider) -> None:
    tampered = sp.metadata().replace(b"c_x000", b"c_x001")
    with pytest.raises(xmlsec.Error):
        _verify_enveloped(tampered, sp.settings.certificate_pem)


def test_metadata_is_schema_valid_and_has_spid_extensions(
    sp: ServiceProvider, sp_settings: SPSettings
) -> None:
    metadata = sp.metadata()
    assert not isinstance(
        OneLogin_Saml2_XML.validate_xml(metadata, "saml-schema-metadata-2.0.xsd"), str
    )
    root = etree.fromstring(metadata)
    assert root.get("entityID") == sp_settings.entity_id
    acs = root.findall("md:SPSSODescriptor/md:AssertionConsumerService", NS)
    assert [(a.get("index"), a.get("isDefault"), a.get("Location")) for a in acs] == [
        ("0", "true", sp_settings.acs_url)
    ]
    service = root.find("md:SPSSODescriptor/md:AttributeConsumingService", NS)
    assert service is not None and service.get("index") == "0"
    names = [a.get("Name") for a in service.findall("md:RequestedAttribute", NS)]
    assert names == ["fiscalNumber", "name", "familyName", "dateOfBirth", "email"]
    assert root.find("md:SPSSODescriptor/md:SingleLogoutService", NS).get("Location") == (
        sp_settings.slo_url
    )
    assert root.find("md:Organization/md:OrganizationName", NS).text == "Comune di Villanova"
    contact = root.find("md:ContactPerson", NS)
    assert contact is not None and contact.get("contactType") == "other"
    assert contact.find("md:Extensions/spid:IPACode", NS).text == "c_x000"
    assert contact.find("md:Extensions/spid:Public", NS) is not None
    assert contact.find("md:EmailAddress", NS).text == "urp@comune.villanova.example"
    assert contact.find("md:TelephoneNumber", NS).text == "+390612345678"
    assert b"https://spid.gov.it/saml-extensions" in metadata


def _post_request_xml(sp: ServiceProvider, level: int) -> bytes:
    login = sp.login(IDP_ENTITY_ID, level=level, binding="post")
    return base64.b64decode(login.form_fields["SAMLRequest"])


@pytest.mark.parametrize("level", [1, 2, 3])
def test_authn_request_follows_the_spid_profile(
    sp: ServiceProvider, sp_settings: SPSettings, level: int
) -> None:
    xml = _post_request_xml(sp, level)
    assert not isinstance(OneLogin_Saml2_XML.validate_xml(xml, "saml-schema-protocol-2.0.xsd"), str)
    root = etree.fromstring(xml)
    assert root.get("ForceAuthn") == ("true" if level >= 2 else None)
    assert root.get("Version") == "2.0" and root.get("ID") and root.get("IssueInstant")
    assert root.get("Destination") == f"{IDP_ENTITY_ID}/sso"
    assert root.get("AttributeConsumingServiceIndex") == "0"
    assert root.get("AssertionConsumerServiceIndex") == "0"
    issuer = root.find("saml:Issuer", NS)
    assert issuer is not None and issuer.text == sp_settings.entity_id
    assert issuer.get("Format") == "urn:oasis:names:tc:SAML:2.0:nameid-format:entity"
    assert issuer.get("NameQualifier") == sp_settings.entity_id
    policy = root.find("samlp:NameIDPolicy", NS)
    assert policy is not None
    assert policy.get("Format") == "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
    assert "AllowCreate" not in policy.attrib
    context = root.find("samlp:RequestedAuthnContext", NS)
    assert context is not None and context.get("Comparison") == "minimum"
    assert context.find("saml:AuthnContextClassRef", NS).text == (
        f"https://www.spid.gov.it/SpidL{level}"
    )


def test_post_request_signature_verifies_with_the_spid_xpath(
    sp: ServiceProvider, sp_settings: SPSettings
) -> None:
    xml = _post_request_xml(sp, 2)
    xpath = "/samlp:AuthnRequest/ds:Signature"
    assert OneLogin_Saml2_Utils.validate_sign(xml, sp_settings.certificate_pem, xpath=xpath)
    tampered = xml.replace(b"SpidL2", b"SpidL1")
    assert not OneLogin_Saml2_Utils.validate_sign(
        tampered, sp_settings.certificate_pem, xpath=xpath
    )


def test_redirect_request_is_signed_in_the_query(
    sp: ServiceProvider, sp_settings: SPSettings
) -> None:
    login = sp.login(IDP_ENTITY_ID, level=2, binding="redirect")
    query = urlsplit(login.url).query
    params = parse_qs(query)
    assert set(params) == {"SAMLRequest", "RelayState", "SigAlg", "Signature"}
    xml, relay = decode_redirect(query, "SAMLRequest", (sp_settings.certificate_pem,))
    assert relay == login.relay_state
    assert etree.fromstring(xml).find("ds:Signature", NS) is None  # signature is in the query
    with pytest.raises(ValueError):
        decode_redirect(
            query.replace("RelayState=", "RelayState=x"),
            "SAMLRequest",
            (sp_settings.certificate_pem,),
        )


def test_relay_state_is_opaque_and_fresh(sp: ServiceProvider) -> None:
    first, second = (sp.login(IDP_ENTITY_ID, level=1) for _ in range(2))
    assert first.relay_state != second.relay_state
    assert len(first.relay_state) >= 24 and "/" not in first.relay_state
    assert first.request_id != second.request_id


def test_post_form_has_no_inline_script(sp: ServiceProvider) -> None:
    login = sp.login(IDP_ENTITY_ID, level=2, binding="post")
    assert login.form_html is not None
    assert "<script" not in login.form_html and 'type="submit"' in login.form_html
    assert login.form_fields["RelayState"] in login.form_html
