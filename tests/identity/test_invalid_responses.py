"""Crafted defective Responses: each refused with its own reason, never a bare exception."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from lxml import etree

from gateway.i18n import load_language
from identity import AuthenticationError, ServiceProvider
from identity.saml import LoginRequest
from identity.saml.xmlutil import NS
from identity.testidp import DROP, TestIdP
from identity.testidp.crafting import (
    comment_in_fiscal_number,
    comment_in_name_id,
    with_billion_laughs,
    with_xxe,
)
from identity.testidp.idp import AuthnRequestInfo
from identity.testidp.keys import make_test_idp_certificate

Pending = tuple[LoginRequest, AuthnRequestInfo]
USER = "RSSMRA80A01H501U"

ITALIAN = load_language("it").gettext  # the gateway's catalogue


def submit(sp: ServiceProvider, login: LoginRequest, response: str, level: int = 2) -> Any:
    return sp.process_response(
        response,
        request_id=login.request_id,
        requested_level=level,
        issue_instant=login.issue_instant,
    )


def refusal(sp: ServiceProvider, idp: TestIdP, pending: Pending, **defects: Any) -> str:
    """Reason of the AuthenticationError raised for a response with `defects`."""
    login, request = pending
    _, response, _ = idp.build_response(request, USER, **defects)
    with pytest.raises(AuthenticationError) as caught:
        submit(sp, login, response)
    return caught.value.reason


@pytest.fixture(scope="module")
def other_key() -> tuple[str, str]:
    key, cert = make_test_idp_certificate("attacker")
    return key.decode(), cert.decode()


@dataclass(frozen=True)
class _Moved:
    """An instant relative to when the test *runs* (the case table is built at collection)."""

    seconds: int

    def resolve(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=self.seconds)


def _moved(seconds: int) -> Any:
    return _Moved(seconds)


def _resolved(defects: dict[str, Any]) -> dict[str, Any]:
    return {k: v.resolve() if isinstance(v, _Moved) else v for k, v in defects.items()}


def _insert_second_idp_issuer(root: etree._Element) -> None:
    root.find("saml:Issuer", NS).text = "https://evil.example"


CASES: list[tuple[str, dict[str, Any], str]] = [
    ("unsigned", {"sign_assertion": False, "sign_response": False}, "NOT_SIGNED"),
    ("only the response signed", {"sign_assertion": False}, "ASSERTION_NOT_SIGNED"),
    ("expired", {"now": _moved(-3600)}, "WRONG_ISSUE_INSTANT"),
    (
        "expired assertion",
        {
            "validity_seconds": 1,
            "response_issue_instant": _moved(0),
            "assertion_issue_instant": _moved(0),
            "now": _moved(-400),
        },
        "EXPIRED",
    ),
    (
        "not yet valid",
        {
            "now": _moved(3600),
            "response_issue_instant": _moved(0),
            "assertion_issue_instant": _moved(0),
        },
        "NOT_YET_VALID",
    ),
    ("issued in the future", {"response_issue_instant": _moved(600)}, "WRONG_ISSUE_INSTANT"),
    (
        "assertion issued before the request",
        {"assertion_issue_instant": _moved(-3600)},
        "WRONG_ISSUE_INSTANT",
    ),
    ("wrong audience", {"audience": "https://other-sp.example"}, "WRONG_AUDIENCE"),
    ("no audience", {"audience": DROP}, "WRONG_AUDIENCE"),
    ("wrong destination", {"destination": "https://other-sp.example/acs"}, "WRONG_DESTINATION"),
    ("no destination", {"destination": DROP}, "WRONG_DESTINATION"),
    ("wrong recipient", {"recipient": "https://other-sp.example/acs"}, "WRONG_RECIPIENT"),
    ("no recipient", {"recipient": DROP}, "WRONG_RECIPIENT"),
    ("wrong InResponseTo", {"in_response_to": "_another-request"}, "WRONG_IN_RESPONSE_TO"),
    ("no InResponseTo", {"in_response_to": DROP}, "WRONG_IN_RESPONSE_TO"),
    ("wrong subject InResponseTo", {"subject_in_response_to": "_x"}, "WRONG_IN_RESPONSE_TO"),
    ("no Response Issuer", {"issuer": DROP}, "MISSING_ISSUER"),
    ("no Assertion Issuer", {"assertion_issuer": DROP}, "MISSING_ISSUER"),
    ("Response Issuer of another IdP", {"issuer": "https://other-idp.example"}, "UNKNOWN_IDP"),
    (
        "Assertion Issuer of another IdP",
        {"assertion_issuer": "https://other-idp.example"},
        "WRONG_ISSUER",
    ),
    (
        "wrong Issuer Format",
        {"issuer_format": "urn:oasis:names:tc:SAML:2.0:nameid-format:x"},
        "WRONG_ISSUER_FORMAT",
    ),
    ("no Assertion Issuer Format", {"assertion_issuer_format": DROP}, "WRONG_ISSUER_FORMAT"),
    ("no NameID Format", {"name_id_format": DROP}, "WRONG_NAME_ID"),
    (
        "persistent NameID",
        {"name_id_format": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"},
        "WRONG_NAME_ID",
    ),
    ("no NameQualifier", {"name_qualifier": DROP}, "WRONG_NAME_ID"),
    ("lower level", {"level": 1}, "LEVEL_TOO_LOW"),
    ("empty AttributeStatement", {"empty_attribute_statement": True}, "MISSING_ATTRIBUTES"),
    ("no fiscal number", {"attributes": {"name": "Mario"}}, "MISSING_ATTRIBUTES"),
    ("not a fiscal number", {"attributes": {"fiscalNumber": "TINIT-XYZ"}}, "MISSING_ATTRIBUTES"),
    ("SAML version 1", {"version": "1.0"}, "WRONG_VERSION"),
    (
        "content changed after signing",
        {"before_signing": None, "after_signing": lambda x: x.replace(b"Mario", b"Mallory")},
        "SIGNATURE_INVALID",
    ),
    ("XXE", {"after_signing": with_xxe}, "XML_UNSAFE"),
    ("billion laughs", {"after_signing": with_billion_laughs}, "XML_UNSAFE"),
]


@pytest.mark.parametrize(("defects", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_defective_response_is_refused(
    sp: ServiceProvider, idp: TestIdP, pending: Pending, defects: dict[str, Any], reason: str
) -> None:
    assert refusal(sp, idp, pending, **_resolved(defects)) == reason


def test_signed_by_another_key(
    sp: ServiceProvider, idp: TestIdP, pending: Pending, other_key: tuple[str, str]
) -> None:
    key, cert = other_key
    reason = refusal(sp, idp, pending, signing_key_pem=key, signing_cert_pem=cert)
    assert reason == "SIGNATURE_INVALID"


def test_signature_wrapping_with_a_second_unsigned_assertion(
    sp: ServiceProvider, idp: TestIdP, pending: Pending
) -> None:
    evil = idp.user("RMNCHR95B68D612V")
    assert refusal(sp, idp, pending, wrapped_assertion_user=evil) == "WRONG_NUMBER_OF_ASSERTIONS"


def test_signature_wrapping_with_the_signed_assertion_hidden_in_extensions(
    sp: ServiceProvider, idp: TestIdP, pending: Pending
) -> None:
    def hide_signed(xml: bytes) -> bytes:
        root = etree.fromstring(xml)
        signed = root.find("saml:Assertion", NS)
        extensions = etree.SubElement(root, f"{{{NS['samlp']}}}Extensions")
        root.remove(signed)
        extensions.append(signed)
        root.insert(1, extensions)
        fake = etree.fromstring(etree.tostring(signed))
        fake.remove(fake.find("ds:Signature", NS))
        root.append(fake)
        return etree.tostring(root)

    assert refusal(sp, idp, pending, after_signing=hide_signed) == "WRONG_NUMBER_OF_ASSERTIONS"


def test_replayed_response_is_refused(sp: ServiceProvider, idp: TestIdP, pending: Pending) -> None:
    login, request = pending
    _, response, _ = idp.build_response(request, USER)
    assert submit(sp, login, response).fiscal_code == USER
    with pytest.raises(AuthenticationError) as caught:
        submit(sp, login, response)
    assert caught.value.reason == "REPLAY"


def test_level_must_match_exactly_when_so_configured(
    idp: TestIdP, registry: Any, sp_settings: Any
) -> None:
    from dataclasses import replace

    from identity.replay import InMemoryReplayCache

    from .support import IDP_ENTITY_ID, received_by_idp

    exact = ServiceProvider(
        replace(sp_settings, authn_comparison="exact"), registry, InMemoryReplayCache()
    )
    login = exact.login(IDP_ENTITY_ID, level=1, binding="post")
    _, response, _ = idp.build_response(received_by_idp(idp, login), USER, level=2)
    with pytest.raises(AuthenticationError) as caught:
        submit(exact, login, response, level=1)
    assert caught.value.reason == "LEVEL_TOO_LOW"


def test_comment_inside_the_fiscal_number_reads_the_whole_signed_value(
    sp: ServiceProvider, idp: TestIdP, pending: Pending
) -> None:
    """The parser drops comments and joins the text: the identity is the one the IdP signed."""
    login, request = pending
    _, response, _ = idp.build_response(request, USER, after_signing=comment_in_fiscal_number)
    import base64

    assert b"TINIT-RSSMRA80A01<!---->H501U" in base64.b64decode(response)
    assert submit(sp, login, response).fiscal_code == USER


def test_comment_inside_the_name_id_reads_the_whole_signed_value(
    sp: ServiceProvider, idp: TestIdP, pending: Pending
) -> None:
    login, request = pending
    _, plain, _ = idp.build_response(request, USER)
    import base64
    import re

    signed_name_id = re.search(rb"<saml:NameID[^>]*>([^<]+)<", base64.b64decode(plain))
    assert signed_name_id
    commented = base64.b64encode(comment_in_name_id(base64.b64decode(plain))).decode()
    assert b"<!-- x -->" in base64.b64decode(commented)
    assert submit(sp, login, commented).name_id == signed_name_id.group(1).decode()


@pytest.mark.parametrize("nr", [19, 20, 21, 22, 23, 25])
def test_spid_error_status_has_its_own_reason_and_message(
    sp: ServiceProvider, idp: TestIdP, pending: Pending, nr: int
) -> None:
    login, request = pending
    _, response, _ = idp.error_response(request, nr)
    with pytest.raises(AuthenticationError) as caught:
        submit(sp, login, response)
    error = caught.value
    assert error.reason == f"SPID_NR{nr}"
    assert error.user_message(ITALIAN) != error.user_message()  # translated, and the source
    assert "ErrorCode" not in error.user_message(ITALIAN)
    assert error.user_cancelled == (nr in (22, 25))


def test_unknown_status_is_an_idp_error(
    sp: ServiceProvider, idp: TestIdP, pending: Pending
) -> None:
    assert refusal(sp, idp, pending, spid_error=99) == "IDP_ERROR"


@pytest.mark.parametrize("attack", [with_xxe, with_billion_laughs])
def test_python3_saml_parser_also_refuses_dtds(idp: TestIdP, pending: Pending, attack: Any) -> None:
    """Our pre-check is belt and braces: python3-saml's defused parser refuses them too
    (the billion laughs already inside libxml2, by its entity amplification limit)."""
    import base64

    from onelogin.saml2.xml_utils import OneLogin_Saml2_XML
    from onelogin.saml2.xmlparser import DTDForbidden

    _, response, _ = idp.build_response(pending[1], USER, after_signing=attack)
    with pytest.raises((DTDForbidden, etree.XMLSyntaxError)):
        OneLogin_Saml2_XML.to_etree(base64.b64decode(response))
