"""Helpers shared by the identity tests: demo SP settings, how a browser carries a request."""

from __future__ import annotations

from identity.saml import LoginRequest
from identity.saml.idp_registry import IdPSource
from identity.settings import ContactPerson, Organization, SPSettings
from identity.testdata import federation_cert_pem, federation_key_pem, sp_cert_pem, sp_key_pem
from identity.testidp.idp import AuthnRequestInfo, TestIdP

SP_BASE = "http://localhost:5000"
IDP_ENTITY_ID = "http://localhost:5000/test-idp"


def create_sp_settings(**overrides: object) -> SPSettings:
    """Demo SP settings with the TEST-ONLY key; keyword overrides replace fields."""
    values: dict[str, object] = {
        "entity_id": f"{SP_BASE}/saml/metadata",
        "base_url": SP_BASE,
        "acs_url": f"{SP_BASE}/saml/acs",
        "slo_url": f"{SP_BASE}/saml/slo",
        "certificate_pem": sp_cert_pem(),
        "private_key_pem": sp_key_pem(),
        "organization": Organization(
            "Comune di Villanova", "Comune di Villanova", "https://www.comune.villanova.example"
        ),
        "contact": ContactPerson(
            ipa_code="c_x000", email="urp@comune.villanova.example", phone="+390612345678"
        ),
    }
    values.update(overrides)
    return SPSettings(**values)  # type: ignore[arg-type]


def received_by_idp(idp: TestIdP, login: LoginRequest) -> AuthnRequestInfo:
    """What the test IdP reads of a login request (as a browser would carry it)."""
    if login.binding == "redirect":
        return idp.parse_authn_request(binding="redirect", query_string=login.url.split("?", 1)[1])
    return idp.parse_authn_request(
        binding="post",
        saml_request=login.form_fields["SAMLRequest"],
        relay_state=login.form_fields.get("RelayState"),
    )


def create_idp_source(idp: TestIdP, **overrides: object) -> IdPSource:
    """The test IdP as a federation entry: metadata signed by the TEST federation key."""
    values: dict[str, object] = {
        "metadata": idp.metadata(signed_by=(federation_key_pem(), federation_cert_pem())),
        "signer_certificates": (federation_cert_pem(),),
    }
    values.update(overrides)
    return IdPSource(**values)  # type: ignore[arg-type]
