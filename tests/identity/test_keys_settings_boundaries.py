"""SP certificate profile, settings checks, user messages, and the package's import boundary."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID, ObjectIdentifier

import identity
from gateway.i18n import load_language
from identity import AuthenticationError, ConfigurationError
from identity.keys import main as keys_main
from identity.settings import SPSettings
from identity.testdata import idp_cert_pem, is_test_certificate, sp_cert_pem
from identity.testidp.keys import make_test_idp_certificate

from .support import create_sp_settings

ITALIAN = load_language("it").gettext  # the gateway's catalogue


def _check_spid_profile(cert: x509.Certificate, ipa_code: str, entity_id: str) -> None:
    subject = cert.subject
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_IDENTIFIER)[0].value == (
        f"PA:IT-{ipa_code}"
    )
    assert subject.get_attributes_for_oid(ObjectIdentifier("2.5.4.83"))[0].value == entity_id
    assert subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "IT"
    for oid in (NameOID.LOCALITY_NAME, NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME):
        assert subject.get_attributes_for_oid(oid)
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_encipherment
    policies = cert.extensions.get_extension_for_class(x509.CertificatePolicies).value
    assert {p.policy_identifier.dotted_string for p in policies} == {
        "1.3.76.16.6",
        "1.3.76.16.4.2.1",
    }
    assert cert.public_key().key_size >= 2048


def test_keys_command_writes_a_spid_certificate(tmp_path: Path) -> None:
    keys_main(
        [
            "--out",
            str(tmp_path),
            "--ipa-code",
            "c_h501",
            "--entity-id",
            "https://sportello.example/saml",
            "--organization",
            "Comune di Villanova",
            "--locality",
            "Villanova",
            "--bits",
            "2048",
        ]
    )
    cert = x509.load_pem_x509_certificate((tmp_path / "sp-cert.pem").read_bytes())
    _check_spid_profile(cert, "c_h501", "https://sportello.example/saml")
    assert (tmp_path / "sp-key.pem").stat().st_mode & 0o077 == 0


def test_shipped_test_certificates(sp_settings: SPSettings) -> None:
    cert = x509.load_pem_x509_certificate(sp_cert_pem().encode())
    _check_spid_profile(cert, "c_x000", "http://localhost:5000/saml/metadata")
    assert is_test_certificate(sp_cert_pem()) and is_test_certificate(idp_cert_pem())
    assert not is_test_certificate(make_test_idp_certificate()[1].decode())
    assert not is_test_certificate("not a certificate")


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"acs_url": "/saml/acs"}, "acs_url"),
        ({"clock_skew_seconds": 3600}, "clock_skew"),
        ({"authn_comparison": "roughly"}, "authn_comparison"),
        ({"private_key_pem": "nope"}, "key"),
        ({"certificate_pem": idp_cert_pem()}, "does not match"),
    ],
)
def test_settings_refuse_wrong_values(overrides: dict[str, object], problem: str) -> None:
    with pytest.raises(ConfigurationError, match=problem):
        create_sp_settings(**overrides)


def test_settings_refuse_phone_with_spaces(sp_settings: SPSettings) -> None:
    with pytest.raises(ConfigurationError, match="phone"):
        replace(sp_settings, contact=replace(sp_settings.contact, phone="+39 06 1234"))


def test_user_messages_never_leak_the_detail() -> None:
    error = AuthenticationError("SIGNATURE_INVALID", "digest mismatch in <saml:Assertion>")
    for gettext in (ITALIAN, None, load_language("de").gettext):
        assert "digest" not in error.user_message(gettext)
    assert error.user_message(ITALIAN) != error.user_message()
    assert error.user_message(load_language("de").gettext) == error.user_message()
    assert not error.user_cancelled


def test_identity_package_imports_no_web_framework() -> None:
    root = Path(identity.__file__).parent
    forbidden = {"flask", "gateway"}  # werkzeug (Flask's own HTTP toolkit) is allowed
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{path}: imports {name}"
