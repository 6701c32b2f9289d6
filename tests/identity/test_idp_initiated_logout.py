"""IdP-initiated single logout: the test IdP's signed LogoutRequest, the SP's checks and its
signed LogoutResponse, verified back at the test IdP."""

from __future__ import annotations

import base64
import datetime as dt
import io
from typing import Any
from urllib.parse import parse_qs, quote_plus, urlencode, urlsplit
from wsgiref.util import setup_testing_defaults

import pytest
from lxml import etree
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from identity import AuthenticationError, IdPRegistry, IncomingLogoutRequest
from identity.replay import InMemoryReplayCache
from identity.saml import ServiceProvider
from identity.saml.messages import STATUS_PARTIAL_LOGOUT, STATUS_RESPONDER
from identity.saml.metadata import build_sp_metadata
from identity.saml.metadata_trust import sign_metadata
from identity.saml.xmlutil import NAMEID_ENTITY, NS, STATUS_SUCCESS, q
from identity.settings import SPSettings
from identity.testdata import federation_cert_pem, federation_key_pem
from identity.testidp import TestIdP, TestIdPApp, TestIdPError, TestIdPSettings
from identity.testidp.keys import make_test_idp_certificate

from .support import IDP_ENTITY_ID, create_idp_source

NAME_ID, SESSION = "_0123456789abcdef0123456789abcdef", "_session-1"


def _query(url: str) -> str:
    return urlsplit(url).query


def _request(
    idp: TestIdP, sp: ServiceProvider, binding: str = "redirect", **options: Any
) -> dict[str, Any]:
    """The keyword arguments of `process_logout_request` for a request of `idp`."""
    message = idp.logout_request_for(
        sp.settings.entity_id,
        name_id=NAME_ID,
        session_index=SESSION,
        binding=binding,  # type: ignore[arg-type]
        **options,
    )
    if binding == "redirect":
        assert message.url.startswith(sp.settings.slo_url + "?")
        return {"binding": "redirect", "query_string": _query(message.url)}
    assert message.url == sp.settings.slo_url
    return {
        "binding": "post",
        "saml_request_b64": message.form_fields["SAMLRequest"],
        "relay_state": message.form_fields.get("RelayState", ""),
    }


def _reason(sp: ServiceProvider, **kwargs: Any) -> str:
    with pytest.raises(AuthenticationError) as caught:
        sp.process_logout_request(**kwargs)
    return caught.value.reason


def _inflate(url: str) -> etree._Element:
    values = parse_qs(_query(url))["SAMLResponse"]
    return etree.fromstring(OneLogin_Saml2_Utils.decode_base64_and_inflate(values[0]))


@pytest.fixture(scope="module")
def impostor(sp_settings: SPSettings) -> TestIdP:
    """Claims to be the trusted test IdP, but signs with a key of its own."""
    key, cert = make_test_idp_certificate("impostor")
    fake = TestIdP(
        TestIdPSettings(
            entity_id=IDP_ENTITY_ID,
            base_url=IDP_ENTITY_ID,
            key_pem=key.decode(),
            cert_pem=cert.decode(),
        )
    )
    fake.register_sp(build_sp_metadata(sp_settings))
    return fake


@pytest.fixture(scope="module")
def unknown_idp(sp_settings: SPSettings) -> TestIdP:
    stranger = TestIdP(
        TestIdPSettings(entity_id="https://idp.unknown.example", base_url="https://idp.unknown")
    )
    stranger.register_sp(build_sp_metadata(sp_settings))
    return stranger


@pytest.mark.parametrize("binding", ["redirect", "post"])
def test_an_idp_initiated_logout_round_trip(
    sp: ServiceProvider, idp: TestIdP, binding: str
) -> None:
    incoming = sp.process_logout_request(**_request(idp, sp, binding, relay_state="idp-state"))
    assert isinstance(incoming, IncomingLogoutRequest)
    assert (incoming.idp_entity_id, incoming.name_id) == (IDP_ENTITY_ID, NAME_ID)
    assert incoming.session_indexes == (SESSION,)
    assert incoming.name_qualifier == IDP_ENTITY_ID
    assert incoming.relay_state == "idp-state"
    assert incoming.request_id.startswith("_")

    answer = sp.logout_response(incoming, binding=binding)  # type: ignore[arg-type]
    assert answer.in_response_to == incoming.request_id and answer.success
    if binding == "redirect":
        assert answer.url.startswith(idp.settings.slo_response_url + "?")
        confirmed = idp.parse_logout_response(binding="redirect", query_string=_query(answer.url))
    else:
        assert answer.url == idp.settings.slo_response_url
        assert answer.form_fields["RelayState"] == "idp-state"
        confirmed = idp.parse_logout_response(
            binding="post",
            saml_response=answer.form_fields["SAMLResponse"],
            relay_state=answer.form_fields["RelayState"],
        )
    assert confirmed.success and confirmed.status == STATUS_SUCCESS
    assert confirmed.in_response_to == incoming.request_id
    assert confirmed.sp_entity_id == sp.settings.entity_id
    assert confirmed.relay_state == "idp-state"
    # each IdP-initiated request is answered once
    with pytest.raises(TestIdPError, match="no pending logout"):
        if binding == "redirect":
            idp.parse_logout_response(binding="redirect", query_string=_query(answer.url))
        else:
            idp.parse_logout_response(
                binding="post", saml_response=answer.form_fields["SAMLResponse"]
            )


def test_the_logout_response_carries_the_spid_issuer_and_a_failure_status(
    sp: ServiceProvider, idp: TestIdP
) -> None:
    incoming = sp.process_logout_request(**_request(idp, sp))
    answer = sp.logout_response(incoming, success=False)
    root = _inflate(answer.url)
    assert root.tag == q("samlp", "LogoutResponse")
    assert root.get("InResponseTo") == incoming.request_id
    assert root.get("Destination") == idp.settings.slo_response_url
    issuer = root.find("saml:Issuer", NS)
    assert issuer is not None and issuer.text == sp.settings.entity_id
    assert issuer.get("Format") == NAMEID_ENTITY
    assert issuer.get("NameQualifier") == sp.settings.entity_id
    assert "Signature=" in answer.url and "SigAlg=" in answer.url
    confirmed = idp.parse_logout_response(binding="redirect", query_string=_query(answer.url))
    assert not confirmed.success
    assert (confirmed.status, confirmed.sub_status) == (STATUS_RESPONDER, STATUS_PARTIAL_LOGOUT)


def test_the_response_goes_to_location_when_there_is_no_response_location(
    sp_settings: SPSettings, idp: TestIdP
) -> None:
    root = etree.fromstring(idp.metadata())
    for slo in root.iterfind(".//md:SingleLogoutService", NS):
        del slo.attrib["ResponseLocation"]
    signed = sign_metadata(etree.tostring(root), federation_key_pem(), federation_cert_pem())
    registry = IdPRegistry([create_idp_source(idp, metadata=signed)])
    plain_sp = ServiceProvider(sp_settings, registry, InMemoryReplayCache())
    incoming = plain_sp.process_logout_request(**_request(idp, plain_sp))
    assert plain_sp.logout_response(incoming).url.startswith(idp.settings.slo_url + "?")


@pytest.mark.parametrize("binding", ["redirect", "post"])
def test_a_request_signed_by_another_key_is_refused(
    sp: ServiceProvider, impostor: TestIdP, binding: str
) -> None:
    assert _reason(sp, **_request(impostor, sp, binding)) == "SIGNATURE_INVALID"


@pytest.mark.parametrize("binding", ["redirect", "post"])
def test_a_request_from_an_unknown_idp_is_refused(
    sp: ServiceProvider, unknown_idp: TestIdP, binding: str
) -> None:
    assert _reason(sp, **_request(unknown_idp, sp, binding)) == "UNKNOWN_IDP"


@pytest.mark.parametrize("binding", ["redirect", "post"])
def test_a_request_for_another_destination_is_refused(
    sp: ServiceProvider, idp: TestIdP, binding: str
) -> None:
    other = _request(idp, sp, binding, destination="https://other-sp.example/saml/slo")
    assert _reason(sp, **other) == "WRONG_DESTINATION"


@pytest.mark.parametrize("binding", ["redirect", "post"])
def test_stale_or_future_requests_are_refused(
    sp: ServiceProvider, idp: TestIdP, binding: str
) -> None:
    now = dt.datetime.now(dt.UTC)
    window = dt.timedelta(seconds=sp.settings.request_validity_seconds)
    stale = _request(idp, sp, binding, issue_instant=now - window - dt.timedelta(minutes=5))
    assert _reason(sp, **stale) == "WRONG_ISSUE_INSTANT"
    future = _request(idp, sp, binding, issue_instant=now + dt.timedelta(minutes=5))
    assert _reason(sp, **future) == "WRONG_ISSUE_INSTANT"
    expired = _request(idp, sp, binding, not_on_or_after=now - dt.timedelta(minutes=5))
    assert _reason(sp, **expired) == "EXPIRED"
    # the same request is fine while it is fresh, judged by the SP's clock
    fresh = _request(idp, sp, binding, issue_instant=now - dt.timedelta(minutes=1))
    assert sp.process_logout_request(**fresh).name_id == NAME_ID
    later = _request(idp, sp, binding)
    too_late = now + window + dt.timedelta(minutes=5)
    assert _reason(sp, **later, now=too_late) == "WRONG_ISSUE_INSTANT"


@pytest.mark.parametrize("binding", ["redirect", "post"])
def test_a_replayed_request_is_refused(sp: ServiceProvider, idp: TestIdP, binding: str) -> None:
    request = _request(idp, sp, binding)
    sp.process_logout_request(**request)
    assert _reason(sp, **request) == "REPLAY"


def test_unsigned_or_altered_requests_are_refused(sp: ServiceProvider, idp: TestIdP) -> None:
    query = _request(idp, sp)["query_string"]
    unsigned = "&".join(p for p in query.split("&") if not p.startswith(("Signature=", "SigAlg=")))
    assert _reason(sp, binding="redirect", query_string=unsigned) == "NOT_SIGNED"
    relay = _request(idp, sp, relay_state="a")["query_string"].replace(
        "RelayState=a", "RelayState=b"
    )
    assert _reason(sp, binding="redirect", query_string=relay) == "SIGNATURE_INVALID"

    xml = base64.b64decode(_request(idp, sp, "post")["saml_request_b64"])
    root = etree.fromstring(xml)
    signature = root.find("ds:Signature", NS)
    assert signature is not None
    root.remove(signature)
    stripped = base64.b64encode(etree.tostring(root)).decode()
    assert _reason(sp, binding="post", saml_request_b64=stripped) == "NOT_SIGNED"
    altered = base64.b64encode(xml.replace(NAME_ID.encode(), b"_someone-else")).decode()
    assert _reason(sp, binding="post", saml_request_b64=altered) == "SIGNATURE_INVALID"


def test_a_wrapped_post_request_is_refused(sp: ServiceProvider, idp: TestIdP) -> None:
    """The IdP's signed request nested in a forged one that carries its signature."""
    signed = etree.fromstring(base64.b64decode(_request(idp, sp, "post")["saml_request_b64"]))
    signature = signed.find("ds:Signature", NS)
    assert signature is not None
    signed.remove(signature)
    forged = etree.fromstring(etree.tostring(signed))
    forged.set("ID", "_forged")
    name_id = forged.find("saml:NameID", NS)
    assert name_id is not None
    name_id.text = "_victim"
    forged.insert(1, signature)
    extensions = etree.SubElement(forged, q("samlp", "Extensions"))
    extensions.append(signed)
    wrapped = base64.b64encode(etree.tostring(forged)).decode()
    assert _reason(sp, binding="post", saml_request_b64=wrapped) == "SIGNATURE_INVALID"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"binding": "redirect", "query_string": ""},
        {"binding": "redirect", "query_string": "SAMLRequest=%%%"},
        {"binding": "redirect", "query_string": f"SAMLRequest={quote_plus('bm90IGRlZmxhdGVk')}"},
        {"binding": "post", "saml_request_b64": "not base64!"},
        {"binding": "post", "saml_request_b64": base64.b64encode(b"<x/>").decode()},
        {"binding": "post", "saml_request_b64": base64.b64encode(b"<!DOCTYPE x><x/>").decode()},
        {"binding": "soap", "saml_request_b64": ""},
    ],
)
def test_garbage_is_an_authentication_error(sp: ServiceProvider, kwargs: dict[str, Any]) -> None:
    assert _reason(sp, **kwargs) in {"MALFORMED", "MISSING_ISSUER", "XML_UNSAFE", "WRONG_BINDING"}


def test_the_test_idp_app_takes_the_answer(sp: ServiceProvider, idp: TestIdP) -> None:
    incoming = sp.process_logout_request(**_request(idp, sp, "post"))
    answer = sp.logout_response(incoming, binding="post")
    body = urlencode(answer.form_fields).encode()
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "/test-idp",
        "PATH_INFO": "/slo/response",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "wsgi.input": io.BytesIO(body),
    }
    setup_testing_defaults(environ)
    status: list[str] = []
    page = b"".join(TestIdPApp(idp)(environ, lambda s, h: status.append(s)))
    assert status == ["200 OK"] and "ha chiuso la sessione" in page.decode()
