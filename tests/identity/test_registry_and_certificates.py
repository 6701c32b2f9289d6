"""IdP registry (files, URLs, cache) and what happens with an expired IdP certificate."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from identity import AuthenticationError, ConfigurationError, IdPRegistry, IdPSource
from identity.replay import InMemoryReplayCache
from identity.saml import ServiceProvider
from identity.saml.metadata import build_sp_metadata
from identity.saml.metadata_trust import sign_metadata
from identity.saml.xmlutil import BINDING_POST, BINDING_REDIRECT
from identity.settings import SPSettings
from identity.testdata import federation_cert_pem, federation_key_pem
from identity.testidp import TestIdP, TestIdPApp, TestIdPSettings
from identity.testidp.keys import make_test_idp_certificate

from .support import create_idp_source, received_by_idp

FEDERATION = (federation_key_pem(), federation_cert_pem())
SIGNERS = (federation_cert_pem(),)


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def idp_server(idp: TestIdP) -> Iterator[str]:
    """The test IdP's WSGI app on 127.0.0.1 (free port), mounted at /test-idp."""

    def mounted(environ: dict, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith("/test-idp"):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b""]
        environ["SCRIPT_NAME"], environ["PATH_INFO"] = "/test-idp", path[len("/test-idp") :]
        return TestIdPApp(idp)(environ, start_response)

    server = make_server("127.0.0.1", 0, mounted, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/test-idp"
    server.shutdown()
    server.server_close()


def test_registry_reads_a_file_and_a_file_url(idp: TestIdP, tmp_path: Path) -> None:
    path = tmp_path / "idp.xml"
    path.write_bytes(idp.metadata(signed_by=FEDERATION))
    for location in (str(path), path.as_uri()):
        source = IdPSource(location, signer_certificates=SIGNERS)
        metadata = IdPRegistry([source]).get(idp.settings.entity_id)
        assert metadata.sso_urls == {
            BINDING_POST: idp.settings.sso_url,
            BINDING_REDIRECT: idp.settings.sso_url,
        }
        assert metadata.slo_urls[BINDING_REDIRECT] == idp.settings.slo_url
        assert metadata.signing_certificates[0].split() == idp.settings.cert_pem.split()


def test_registry_fetches_a_url_once_and_caches_it(idp: TestIdP, idp_server: str) -> None:
    calls: list[str] = []

    def counting_fetch(location: str) -> bytes:
        import requests

        calls.append(location)
        return requests.get(location, timeout=5).content

    source = IdPSource(
        f"{idp_server}/federation-metadata", signer_certificates=SIGNERS, allow_http=True
    )
    registry = IdPRegistry([source], fetch=counting_fetch)
    assert registry.get(idp.settings.entity_id).entity_id == idp.settings.entity_id
    registry.get(idp.settings.entity_id)
    assert len(calls) == 1
    # and the default fetcher over real HTTP
    assert IdPRegistry([source]).all()[0].entity_id == (idp.settings.entity_id)


def test_registry_keeps_old_metadata_when_a_reload_fails(idp: TestIdP) -> None:
    answers = [idp.metadata(signed_by=FEDERATION)]

    def flaky(location: str) -> bytes:
        if not answers:
            raise ConfigurationError("down")
        return answers.pop()

    source = IdPSource("https://registry.example/md", signer_certificates=SIGNERS)
    registry = IdPRegistry([source], cache_seconds=0, fetch=flaky)
    registry.get(idp.settings.entity_id)
    assert registry.get(idp.settings.entity_id).entity_id == idp.settings.entity_id


def test_registry_reads_entities_descriptor_with_several_idps(idp: TestIdP) -> None:
    other = TestIdP(
        TestIdPSettings(entity_id="https://idp2.example", base_url="https://idp2.example")
    )
    body = b"".join(m.split(b"?>", 1)[-1] for m in (idp.metadata(), other.metadata()))
    bundle = (
        b'<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">'
        + body
        + b"</md:EntitiesDescriptor>"
    )
    source = IdPSource(metadata=sign_metadata(bundle, *FEDERATION), signer_certificates=SIGNERS)
    registry = IdPRegistry([source])
    assert [i.entity_id for i in registry.all()] == sorted(
        [idp.settings.entity_id, "https://idp2.example"]
    )


@pytest.mark.parametrize("bad", [b"not xml", b"<x/>", b'<!DOCTYPE x [<!ENTITY a "b">]><x/>'])
def test_bad_metadata_is_a_configuration_error(bad: bytes) -> None:
    with pytest.raises(ConfigurationError):
        IdPRegistry([IdPSource(metadata=bad, signer_certificates=SIGNERS)]).all()


def test_unreadable_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError):
        IdPRegistry([IdPSource(str(tmp_path / "missing.xml"), allow_unsigned=True)]).all()


@pytest.fixture(scope="module")
def expired_idp(sp_settings: SPSettings) -> TestIdP:
    """A test IdP whose certificate expired a year ago (like the conformance tool's)."""
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=730)
    key, cert = make_test_idp_certificate("expired", days=365, not_before=start)
    expired = TestIdP(
        TestIdPSettings(
            entity_id="https://localhost:8443",
            base_url="https://localhost:8443",
            key_pem=key.decode(),
            cert_pem=cert.decode(),
        )
    )
    expired.register_sp(build_sp_metadata(sp_settings))
    return expired


def _login_with(idp: TestIdP, sp_settings: SPSettings, accept_expired: bool) -> str:
    registry = IdPRegistry([create_idp_source(idp, accept_expired_certificate=accept_expired)])
    sp = ServiceProvider(sp_settings, registry, InMemoryReplayCache())
    login = sp.login(idp.settings.entity_id, level=2, binding="post")
    _, response, _ = idp.build_response(received_by_idp(idp, login), "RSSMRA80A01H501U")
    return sp.process_response(
        response, request_id=login.request_id, requested_level=2, issue_instant=login.issue_instant
    ).fiscal_code


def test_expired_idp_certificate_is_refused_by_default(
    expired_idp: TestIdP, sp_settings: SPSettings
) -> None:
    with pytest.raises(AuthenticationError) as caught:
        _login_with(expired_idp, sp_settings, accept_expired=False)
    assert caught.value.reason == "IDP_CERTIFICATE_EXPIRED"


def test_expired_idp_certificate_is_accepted_when_configured(
    expired_idp: TestIdP, sp_settings: SPSettings
) -> None:
    assert _login_with(expired_idp, sp_settings, accept_expired=True) == "RSSMRA80A01H501U"


def test_python3_saml_itself_ignores_certificate_expiry(expired_idp: TestIdP) -> None:
    """Finding: validate_sign (validatecert=False, its default) accepts an expired certificate;
    the expiry check is ours (`IdPMetadata.usable_certificates`)."""
    signed = expired_idp.metadata()
    cert = expired_idp.settings.cert_pem
    assert OneLogin_Saml2_Utils.validate_sign(
        signed, cert, xpath="/md:EntityDescriptor/ds:Signature"
    )
