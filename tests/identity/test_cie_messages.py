"""AuthnRequest to a CIE IdP and the CIE-specific checks of its Responses (with the test IdP)."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
from lxml import etree
from onelogin.saml2.xml_utils import OneLogin_Saml2_XML

from identity import AuthenticationError, ServiceProvider
from identity.replay import InMemoryReplayCache
from identity.saml.idp_registry import IdPRegistry
from identity.saml.messages import build_authn_request, new_message_id
from identity.saml.xmlutil import NS, utcnow
from identity.settings import SPSettings
from identity.testidp.idp import TestIdP
from identity.testidp.responses import DROP

from .support import IDP_ENTITY_ID, create_idp_source, create_sp_settings, received_by_idp

USER = "RSSMRA80A01H501U"


def _request(sp: SPSettings, level: int, method: str) -> etree._Element:
    xml = build_authn_request(
        sp,
        request_id=new_message_id(),
        issue_instant=utcnow(),
        destination=f"{IDP_ENTITY_ID}/sso",
        level=level,
        method=method,  # type: ignore[arg-type]
    )
    assert not isinstance(OneLogin_Saml2_XML.validate_xml(xml, "saml-schema-protocol-2.0.xsd"), str)
    return etree.fromstring(xml)


def _context(root: etree._Element) -> tuple[str | None, str | None, str | None]:
    context = root.find("samlp:RequestedAuthnContext", NS)
    assert context is not None
    return (
        root.get("ForceAuthn"),
        context.get("Comparison"),
        context.findtext("saml:AuthnContextClassRef", namespaces=NS),
    )


@pytest.mark.parametrize("level", [1, 2, 3])
def test_a_cie_request_asks_for_level_3_with_force_authn(level: int) -> None:
    root = _request(create_sp_settings(), level, "cie")
    assert _context(root) == ("true", "minimum", "https://www.spid.gov.it/SpidL3")
    policy = root.find("samlp:NameIDPolicy", NS)
    assert policy is not None and "AllowCreate" not in policy.attrib
    assert root.get("AssertionConsumerServiceIndex") == "0"
    assert root.get("AttributeConsumingServiceIndex") == "0"


@pytest.mark.parametrize(
    ("comparison", "sent"),
    [("exact", "exact"), ("minimum", "minimum"), ("better", "minimum"), ("maximum", "minimum")],
)
def test_a_cie_request_uses_only_the_comparisons_cie_accepts(comparison: str, sent: str) -> None:
    root = _request(create_sp_settings(authn_comparison=comparison), 2, "cie")
    assert _context(root)[1] == sent


def test_a_spid_request_is_as_before() -> None:
    assert _context(_request(create_sp_settings(), 1, "spid")) == (
        None,
        "minimum",
        "https://www.spid.gov.it/SpidL1",
    )
    settings = create_sp_settings(authn_comparison="better")
    assert _context(_request(settings, 2, "spid")) == (
        "true",
        "better",
        "https://www.spid.gov.it/SpidL2",
    )


@pytest.fixture
def cie_sp(sp_settings: SPSettings, idp: TestIdP) -> ServiceProvider:
    """The SP trusting the test IdP as a CIE IdP."""
    registry = IdPRegistry([create_idp_source(idp, method="cie")])
    return ServiceProvider(sp_settings, registry, InMemoryReplayCache())


def _answer(
    sp: ServiceProvider, idp: TestIdP, *, requested: int = 2, **options: Any
) -> tuple[str, dict[str, object]]:
    login = sp.login(IDP_ENTITY_ID, level=requested, binding="post")
    _, saml_response, _ = idp.build_response(received_by_idp(idp, login), USER, **options)
    pending: dict[str, object] = {
        "request_id": login.request_id,
        "requested_level": login.level,
        "issue_instant": login.issue_instant,
        "idp_entity_id": IDP_ENTITY_ID,
    }
    return saml_response, pending


def test_a_cie_response_without_the_assertion_issuer_format_is_accepted(
    cie_sp: ServiceProvider, idp: TestIdP
) -> None:
    saml_response, pending = _answer(cie_sp, idp, level=3, assertion_issuer_format=DROP)
    assert b"nameid-format:entity" not in _assertion_issuer(saml_response)
    identity = cie_sp.process_response(saml_response, **pending)  # type: ignore[arg-type]
    assert (identity.fiscal_code, identity.method, identity.spid_level) == (USER, "cie", 3)


def test_a_spid_response_without_the_assertion_issuer_format_is_refused(
    sp: ServiceProvider, idp: TestIdP
) -> None:
    saml_response, pending = _answer(sp, idp, level=3, assertion_issuer_format=DROP)
    with pytest.raises(AuthenticationError) as refused:
        sp.process_response(saml_response, **pending)  # type: ignore[arg-type]
    assert refused.value.reason == "WRONG_ISSUER_FORMAT"


def test_a_cie_response_with_another_issuer_format_is_refused(
    cie_sp: ServiceProvider, idp: TestIdP
) -> None:
    saml_response, pending = _answer(
        cie_sp,
        idp,
        level=3,
        assertion_issuer_format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
    )
    with pytest.raises(AuthenticationError) as refused:
        cie_sp.process_response(saml_response, **pending)  # type: ignore[arg-type]
    assert refused.value.reason == "WRONG_ISSUER_FORMAT"


@pytest.mark.parametrize(("requested", "answered"), [(1, 1), (2, 2), (1, 2)])
def test_a_cie_response_below_level_3_is_refused(
    cie_sp: ServiceProvider, idp: TestIdP, requested: int, answered: int
) -> None:
    saml_response, pending = _answer(cie_sp, idp, requested=requested, level=answered)
    with pytest.raises(AuthenticationError) as refused:
        cie_sp.process_response(saml_response, **pending)  # type: ignore[arg-type]
    assert refused.value.reason == "LEVEL_TOO_LOW"


def test_a_cie_response_is_level_3_even_when_exact_was_configured(idp: TestIdP) -> None:
    registry = IdPRegistry([create_idp_source(idp, method="cie")])
    sp = ServiceProvider(
        create_sp_settings(authn_comparison="exact"), registry, InMemoryReplayCache()
    )
    saml_response, pending = _answer(sp, idp, requested=2, level=3)
    assert sp.process_response(saml_response, **pending).spid_level == 3  # type: ignore[arg-type]


def test_other_checks_still_hold_for_cie(cie_sp: ServiceProvider, idp: TestIdP) -> None:
    late = utcnow() - dt.timedelta(hours=1)
    saml_response, pending = _answer(cie_sp, idp, level=3, now=late)
    with pytest.raises(AuthenticationError):
        cie_sp.process_response(saml_response, **pending)  # type: ignore[arg-type]
    saml_response, pending = _answer(cie_sp, idp, level=3, audience="https://elsewhere.example")
    with pytest.raises(AuthenticationError) as refused:
        cie_sp.process_response(saml_response, **pending)  # type: ignore[arg-type]
    assert refused.value.reason == "WRONG_AUDIENCE"


def _assertion_issuer(saml_response: str) -> bytes:
    root = etree.fromstring(base64.b64decode(saml_response))
    issuer = root.find("saml:Assertion/saml:Issuer", NS)
    assert issuer is not None
    return etree.tostring(issuer)


@pytest.mark.parametrize("level", [1, 2, 3])
def test_a_login_to_a_cie_idp_sends_the_cie_request(cie_sp: ServiceProvider, level: int) -> None:
    """Whatever level the page needs, the service provider asks a CIE IdP for SpidL3."""
    login = cie_sp.login(IDP_ENTITY_ID, level=level, binding="post")
    root = etree.fromstring(base64.b64decode(login.form_fields["SAMLRequest"]))
    assert login.level == 3
    force_authn, _comparison, context = _context(root)
    assert force_authn == "true"
    assert context == "https://www.spid.gov.it/SpidL3"
