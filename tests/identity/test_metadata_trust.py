"""Signed IdP metadata: the federation's signature, wrapping, algorithms, validUntil, transport,
and the per-source refresh of the registry."""

from __future__ import annotations

import datetime as dt
import logging
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree

from identity import ConfigurationError, IdPRegistry, IdPSource, MetadataTrustError
from identity.saml.idp_registry import fetch_metadata, parse_idp_metadata
from identity.saml.metadata_trust import sign_metadata, verify_signed_metadata
from identity.saml.signatures import xmlsec
from identity.saml.xmlutil import BINDING_REDIRECT, NS, q
from identity.testdata import federation_cert_pem, federation_key_pem, is_test_certificate
from identity.testdata.federation import make_federation_certificate
from identity.testidp import TestIdP, TestIdPApp, TestIdPSettings

FEDERATION = (federation_key_pem(), federation_cert_pem())
SIGNERS = (federation_cert_pem(),)


@pytest.fixture(scope="module")
def stranger() -> tuple[str, str]:
    """A key pair that is not the federation's (key PEM, cert PEM)."""
    key, cert = make_federation_certificate("Not the federation")
    return key.decode(), cert.decode()


def _idp(entity_id: str, base_url: str | None = None) -> TestIdP:
    return TestIdP(TestIdPSettings(entity_id=entity_id, base_url=base_url or entity_id))


def _unsigned(data: bytes) -> bytes:
    root = etree.fromstring(data)
    for signature in root.findall("ds:Signature", NS):
        root.remove(signature)
    return etree.tostring(root)


def _refused(data: bytes, signers: tuple[str, ...] = SIGNERS) -> MetadataTrustError:
    with pytest.raises(MetadataTrustError) as caught:
        verify_signed_metadata(data, signers)
    return caught.value


def _sign_with(data: bytes, method: Any, digest: Any, *, uri: str | None = None) -> bytes:
    """Sign with the federation key but with the given xmlsec algorithms and Reference URI."""
    root = etree.fromstring(_unsigned(data))
    signature = xmlsec.template.create(root, xmlsec.Transform.EXCL_C14N, method, ns="ds")
    root.insert(0, signature)
    ref_uri = "#" + root.get("ID") if uri is None else uri
    reference = xmlsec.template.add_reference(signature, digest, uri=ref_uri)
    xmlsec.template.add_transform(reference, xmlsec.Transform.ENVELOPED)
    xmlsec.template.add_transform(reference, xmlsec.Transform.EXCL_C14N)
    xmlsec.template.add_x509_data(xmlsec.template.ensure_key_info(signature))
    xmlsec.tree.add_ids(root, ["ID"])
    key = xmlsec.Key.from_memory(FEDERATION[0], xmlsec.KeyFormat.PEM, None)
    key.load_cert_from_memory(FEDERATION[1], xmlsec.KeyFormat.PEM)
    context = xmlsec.SignatureContext()
    context.key = key
    context.sign(signature)
    return etree.tostring(root)


def _certificate_body(pem: str) -> str:
    return "".join(line for line in pem.strip().splitlines() if "-----" not in line)


# -- the signature ------------------------------------------------------------------------


def test_signed_metadata_are_accepted_and_only_the_signed_root_is_returned(idp: TestIdP) -> None:
    signed = idp.metadata(signed_by=FEDERATION)
    verified = verify_signed_metadata(signed, SIGNERS)
    (metadata,) = parse_idp_metadata(verified)
    assert metadata.entity_id == idp.settings.entity_id
    assert metadata.signing_certificates[0].split() == idp.settings.cert_pem.split()
    assert metadata.slo_response_url(BINDING_REDIRECT) == idp.settings.slo_response_url
    root = etree.fromstring(verified)
    assert root.get("ID") == "_test-idp-metadata"
    assert len(root.findall("ds:Signature", NS)) == 1


def test_unsigned_metadata_are_refused(idp: TestIdP) -> None:
    unsigned = _unsigned(idp.metadata())
    assert _refused(unsigned).reason == "NOT_SIGNED"
    registry = IdPRegistry([IdPSource(metadata=unsigned, signer_certificates=SIGNERS)])
    with pytest.raises(MetadataTrustError) as caught:
        registry.all()
    assert caught.value.reason == "NOT_SIGNED"


def test_metadata_signed_by_another_key_are_refused(
    idp: TestIdP, stranger: tuple[str, str]
) -> None:
    # the IdP's own signature, with its certificate in the KeyInfo: not the federation's
    own = _refused(idp.metadata())
    assert own.reason == "SIGNATURE_INVALID"
    assert "Sportello test IdP" in str(own)  # names the signer the document claims
    # a stranger's key, even with the federation's certificate pasted into the KeyInfo
    forged = idp.metadata(signed_by=stranger)
    root = etree.fromstring(forged)
    (named,) = root.iterfind("ds:Signature/ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS)
    named.text = _certificate_body(FEDERATION[1])
    lying = etree.tostring(root)
    for document in (forged, lying):
        assert _refused(document).reason == "SIGNATURE_INVALID"
    # and the stranger's certificate verifies it: the refusal is about trust, not a broken file
    assert verify_signed_metadata(forged, (stranger[1],))


def test_a_certificate_swapped_or_added_after_signing_is_refused(
    idp: TestIdP, stranger: tuple[str, str]
) -> None:
    signed = idp.metadata(signed_by=FEDERATION)
    swapped = signed.replace(
        _certificate_body(idp.settings.cert_pem).encode(), _certificate_body(stranger[1]).encode()
    )
    assert swapped != signed
    assert _refused(swapped).reason == "SIGNATURE_INVALID"

    root = etree.fromstring(signed)
    descriptor = root.find("md:IDPSSODescriptor", NS)
    assert descriptor is not None
    extra = etree.SubElement(descriptor, q("md", "KeyDescriptor"), use="signing")
    data = etree.SubElement(etree.SubElement(extra, q("ds", "KeyInfo")), q("ds", "X509Data"))
    etree.SubElement(data, q("ds", "X509Certificate")).text = _certificate_body(stranger[1])
    descriptor.insert(0, extra)
    assert _refused(etree.tostring(root)).reason == "SIGNATURE_INVALID"


def _bundle(*entities: etree._Element, root_id: str | None = None) -> etree._Element:
    attrs = {"ID": root_id} if root_id else {}
    bundle = etree.Element(q("md", "EntitiesDescriptor"), attrs, nsmap={"md": NS["md"]})
    bundle.extend(entities)
    return bundle


def test_signature_wrapping_is_refused(idp: TestIdP) -> None:
    signed = etree.fromstring(idp.metadata(signed_by=FEDERATION))
    evil = etree.fromstring(_unsigned(_idp("https://evil.example").metadata()))
    evil.set("ID", "_evil")

    # 1. the signed EntityDescriptor and an injected one side by side under a new root
    side_by_side = _bundle(signed, evil)
    assert _refused(etree.tostring(side_by_side)).reason == "NOT_SIGNED"

    # 2. the signature moved up to the new root, which now "carries" it
    signed = etree.fromstring(idp.metadata(signed_by=FEDERATION))
    signature = signed.find("ds:Signature", NS)
    assert signature is not None
    moved = _bundle(signed, evil, root_id="_wrapper")
    moved.insert(0, signature)
    assert "not the root's ID" in str(_refused(etree.tostring(moved)))

    # 3. the same, the new root taking the signed element's ID
    signed = etree.fromstring(idp.metadata(signed_by=FEDERATION))
    signature = signed.find("ds:Signature", NS)
    assert signature is not None
    same_id = _bundle(signed, evil, root_id=signed.get("ID"))
    same_id.insert(0, signature)
    assert _refused(etree.tostring(same_id)).reason == "SIGNATURE_INVALID"

    # 4. an xml:id naming a nested copy of the signed element
    signed = etree.fromstring(idp.metadata(signed_by=FEDERATION))
    signature = signed.find("ds:Signature", NS)
    assert signature is not None
    root_id = signed.get("ID")
    del signed.attrib["ID"]
    signed.set("{http://www.w3.org/XML/1998/namespace}id", root_id or "")
    xml_id = _bundle(signed, evil, root_id=root_id)
    xml_id.insert(0, signature)
    assert "appears 2 times" in str(_refused(etree.tostring(xml_id)))


def test_an_entity_injected_into_a_signed_bundle_is_refused(idp: TestIdP) -> None:
    bundle = _bundle(etree.fromstring(_unsigned(idp.metadata())), root_id="_bundle")
    signed = sign_metadata(etree.tostring(bundle), *FEDERATION)
    assert [i.entity_id for i in parse_idp_metadata(verify_signed_metadata(signed, SIGNERS))] == [
        idp.settings.entity_id
    ]
    root = etree.fromstring(signed)
    root.append(etree.fromstring(_unsigned(_idp("https://evil.example").metadata())))
    assert _refused(etree.tostring(root)).reason == "SIGNATURE_INVALID"


def test_two_signatures_on_the_root_are_refused(idp: TestIdP) -> None:
    root = etree.fromstring(idp.metadata(signed_by=FEDERATION))
    signature = root.find("ds:Signature", NS)
    assert signature is not None
    root.insert(1, etree.fromstring(etree.tostring(signature)))
    assert "2 signatures" in str(_refused(etree.tostring(root)))


def test_sha1_signatures_are_refused(idp: TestIdP) -> None:
    data = idp.metadata()
    sha256 = _sign_with(data, xmlsec.Transform.RSA_SHA256, xmlsec.Transform.SHA256)
    assert verify_signed_metadata(sha256, SIGNERS)  # the helper itself signs correctly
    for method, digest in (
        (xmlsec.Transform.RSA_SHA1, xmlsec.Transform.SHA1),
        (xmlsec.Transform.RSA_SHA1, xmlsec.Transform.SHA256),
        (xmlsec.Transform.RSA_SHA256, xmlsec.Transform.SHA1),
    ):
        assert _refused(_sign_with(data, method, digest)).reason == "WEAK_SIGNATURE_ALGORITHM"
    stronger = _sign_with(data, xmlsec.Transform.RSA_SHA512, xmlsec.Transform.SHA512)
    assert verify_signed_metadata(stronger, SIGNERS)


def test_an_empty_reference_uri_covers_the_whole_document(idp: TestIdP) -> None:
    whole = _sign_with(idp.metadata(), xmlsec.Transform.RSA_SHA256, xmlsec.Transform.SHA256, uri="")
    assert verify_signed_metadata(whole, SIGNERS)
    altered = whole.replace(idp.settings.sso_url.encode(), b"https://evil.example/sso")
    assert _refused(altered).reason == "SIGNATURE_INVALID"


def test_expired_valid_until_is_refused(idp: TestIdP) -> None:
    data = idp.metadata()
    now = dt.datetime.now(dt.UTC)
    expired = sign_metadata(data, *FEDERATION, valid_until=now - dt.timedelta(minutes=1))
    assert _refused(expired).reason == "EXPIRED"
    valid = sign_metadata(data, *FEDERATION, valid_until=now + dt.timedelta(days=1))
    assert verify_signed_metadata(valid, SIGNERS)
    # pushing validUntil forward after signing breaks the signature
    later = (now + dt.timedelta(days=3650)).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    root = etree.fromstring(expired)
    stretched = expired.replace(root.get("validUntil", "").encode(), later)
    assert _refused(stretched).reason == "SIGNATURE_INVALID"
    # and an expired unsigned test file is refused as well
    source = IdPSource(metadata=_unsigned(expired), allow_unsigned=True)
    with pytest.raises(MetadataTrustError) as caught:
        IdPRegistry([source]).all()
    assert caught.value.reason == "EXPIRED"


# -- sources --------------------------------------------------------------------------------


def test_a_source_must_name_its_signers_or_opt_out(idp: TestIdP) -> None:
    signed = idp.metadata(signed_by=FEDERATION)
    with pytest.raises(ConfigurationError, match="no signer_certificates"):
        IdPSource(metadata=signed)
    with pytest.raises(ConfigurationError, match="exclude each other"):
        IdPSource(metadata=signed, signer_certificates=SIGNERS, allow_unsigned=True)
    with pytest.raises(ConfigurationError, match="bad signer certificate"):
        IdPSource(metadata=signed, signer_certificates=("not a certificate",))


def test_the_federation_certificate_is_a_test_certificate(stranger: tuple[str, str]) -> None:
    assert is_test_certificate(federation_cert_pem())
    assert not is_test_certificate(stranger[1])


def test_allow_unsigned_loads_with_a_warning_each_time(
    idp: TestIdP, caplog: pytest.LogCaptureFixture
) -> None:
    source = IdPSource(
        metadata=_unsigned(idp.metadata()), allow_unsigned=True, display_name="Local file"
    )
    registry = IdPRegistry([source])
    with caplog.at_level(logging.WARNING, logger="identity.saml.idp_registry"):
        assert registry.get(idp.settings.entity_id).entity_id == idp.settings.entity_id
        registry.refresh()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert all("inline metadata (Local file)" in w and "WITHOUT" in w for w in warnings)
    assert registry.status()[0].signature_checked is False


# -- transport ------------------------------------------------------------------------------


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(server: WSGIServer) -> Iterator[str]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def http_idp(idp: TestIdP) -> Iterator[str]:
    """The test IdP's WSGI app over plain HTTP on 127.0.0.1."""
    yield from _serve(make_server("127.0.0.1", 0, TestIdPApp(idp), handler_class=_Quiet))


@pytest.fixture
def https_idp(idp: TestIdP, tmp_path: Path) -> Iterator[str]:
    """The same over HTTPS with a self-signed certificate that no client trusts."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "tls.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        + cert.public_bytes(serialization.Encoding.PEM)
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "tls.pem")
    server = make_server("127.0.0.1", 0, TestIdPApp(idp), handler_class=_Quiet)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    yield from _serve(server)


def test_http_locations_are_refused_unless_allowed(idp: TestIdP, http_idp: str) -> None:
    location = f"http://{http_idp}/federation-metadata"
    with pytest.raises(MetadataTrustError) as caught:
        IdPSource(location, signer_certificates=SIGNERS)
    assert caught.value.reason == "INSECURE_TRANSPORT"
    with pytest.raises(MetadataTrustError):
        fetch_metadata(location)
    # a signed document over http is still refused by default; allowed on request
    allowed = IdPSource(location, signer_certificates=SIGNERS, allow_http=True)
    assert IdPRegistry([allowed]).get(idp.settings.entity_id).entity_id == idp.settings.entity_id


def test_https_fetches_verify_tls(https_idp: str) -> None:
    location = f"https://{https_idp}/federation-metadata"
    registry = IdPRegistry([IdPSource(location, signer_certificates=SIGNERS)])
    with pytest.raises(ConfigurationError, match="CERTIFICATE_VERIFY_FAILED"):
        registry.all()


# -- per-source refresh ---------------------------------------------------------------------

A, B = "https://registry-a.example/md", "https://registry-b.example/md"


def _federated(entity_id: str, base_url: str, signer: tuple[str, str] = FEDERATION) -> bytes:
    return _idp(entity_id, base_url).metadata(signed_by=signer)


def test_a_badly_signed_refresh_keeps_the_last_good_copy_and_takes_the_others(
    caplog: pytest.LogCaptureFixture, stranger: tuple[str, str]
) -> None:
    documents = {
        A: _federated("https://idp-a.example", "https://idp-a.example/v1"),
        B: _federated("https://idp-b.example", "https://idp-b.example/v1"),
    }
    registry = IdPRegistry(
        [IdPSource(A, signer_certificates=SIGNERS), IdPSource(B, signer_certificates=SIGNERS)],
        fetch=documents.__getitem__,
    )
    assert registry.get("https://idp-a.example").sso_url(BINDING_REDIRECT).endswith("/v1/sso")
    first = registry.status()
    assert [(s.location, s.last_error, s.entity_ids) for s in first] == [
        (A, None, ("https://idp-a.example",)),
        (B, None, ("https://idp-b.example",)),
    ]
    assert all(s.loaded_at is not None and s.signature_checked for s in first)

    # A's new copy is signed by a stranger (an attacker's certificate); B's is a good one
    documents[A] = _federated("https://idp-a.example", "https://evil.example", stranger)
    documents[B] = _federated("https://idp-b.example", "https://idp-b.example/v2")
    with caplog.at_level(logging.WARNING, logger="identity.saml.idp_registry"):
        registry.refresh()
    assert registry.get("https://idp-a.example").sso_url(BINDING_REDIRECT).endswith("/v1/sso")
    assert registry.get("https://idp-b.example").sso_url(BINDING_REDIRECT).endswith("/v2/sso")
    (warning,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert A in warning and "SIGNATURE_INVALID" in warning and "keeping the copy" in warning
    a, b = registry.status()
    assert a.loaded_at == first[0].loaded_at and "SIGNATURE_INVALID" in (a.last_error or "")
    assert b.last_error is None and b.loaded_at is not None
    assert first[1].loaded_at is not None and b.loaded_at > first[1].loaded_at

    # a good copy of A is taken at the next refresh; a fetch error keeps B's
    documents[A] = _federated("https://idp-a.example", "https://idp-a.example/v3")
    del documents[B]
    registry.refresh()
    assert registry.get("https://idp-a.example").sso_url(BINDING_REDIRECT).endswith("/v3/sso")
    assert registry.get("https://idp-b.example").sso_url(BINDING_REDIRECT).endswith("/v2/sso")
    a, b = registry.status()
    assert a.last_error is None and "registry-b" in (b.last_error or "")


def test_the_schedule_refreshes_by_itself() -> None:
    documents = {A: _federated("https://idp-a.example", "https://idp-a.example/v1")}
    registry = IdPRegistry(
        [IdPSource(A, signer_certificates=SIGNERS)], cache_seconds=0, fetch=documents.__getitem__
    )
    assert registry.get("https://idp-a.example").sso_url(BINDING_REDIRECT).endswith("/v1/sso")
    documents[A] = _federated("https://idp-a.example", "https://idp-a.example/v2")
    assert registry.get("https://idp-a.example").sso_url(BINDING_REDIRECT).endswith("/v2/sso")
    hourly = IdPRegistry(
        [IdPSource(A, signer_certificates=SIGNERS)], cache_seconds=3600, fetch=documents.__getitem__
    )
    hourly.all()
    documents[A] = _federated("https://idp-a.example", "https://idp-a.example/v3")
    assert hourly.get("https://idp-a.example").sso_url(BINDING_REDIRECT).endswith("/v2/sso")


def test_a_first_load_that_fails_raises(stranger: tuple[str, str]) -> None:
    documents = {
        A: _federated("https://idp-a.example", "https://idp-a.example"),
        B: _federated("https://idp-b.example", "https://idp-b.example", stranger),
    }
    registry = IdPRegistry(
        [IdPSource(A, signer_certificates=SIGNERS), IdPSource(B, signer_certificates=SIGNERS)],
        fetch=documents.__getitem__,
    )
    with pytest.raises(MetadataTrustError) as caught:
        registry.get("https://idp-a.example")
    assert caught.value.reason == "SIGNATURE_INVALID" and B in str(caught.value)
    a, b = registry.status()
    assert a.loaded_at is not None and a.last_error is None
    assert b.loaded_at is None and "SIGNATURE_INVALID" in (b.last_error or "")
    # nothing half-loaded is served: the registry keeps raising until B loads
    with pytest.raises(MetadataTrustError):
        registry.all()
    documents[B] = _federated("https://idp-b.example", "https://idp-b.example")
    assert [i.entity_id for i in registry.all()] == [
        "https://idp-a.example",
        "https://idp-b.example",
    ]
