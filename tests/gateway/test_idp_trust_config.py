"""Which IdP metadata the gateway trusts: the federation's signed copy, never a test key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gateway import create_app
from gateway.config import Config, ConfigurationError
from identity.errors import ConfigurationError as IdentityConfigurationError
from identity.saml.metadata_trust import sign_metadata
from identity.testidp import TestIdP, TestIdPSettings

from ..conftest import make_config
from .test_config import GOOD_PRODUCTION, production_sp_certificate  # noqa: F401 - fixture

ROOT = Path(__file__).resolve().parents[2]


def make_signer(folder: Path, stem: str) -> tuple[str, str]:
    """A federation-like RSA key pair made with the project's own command: (key, cert) PEM."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "identity.keys",
            "--out",
            str(folder),
            "--stem",
            stem,
            "--ipa-code",
            "c_x000",
            "--entity-id",
            f"https://{stem}.example/metadata",
            "--organization",
            "Federazione di prova",
            "--locality",
            "Roma",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return (folder / f"{stem}-key.pem").read_text(), (folder / f"{stem}-cert.pem").read_text()


def test_idp_metadata(base: str = "https://idp.example") -> bytes:
    return TestIdP(TestIdPSettings(entity_id=base, base_url=base)).metadata()


test_idp_metadata.__test__ = False  # type: ignore[attr-defined]


@pytest.fixture
def federation(tmp_path: Path) -> dict[str, Any]:
    key, cert = make_signer(tmp_path, "federation")
    other_key, other_cert = make_signer(tmp_path, "other")
    (tmp_path / "signer.pem").write_text(cert)
    return {"key": key, "cert": cert, "other": (other_key, other_cert), "dir": tmp_path}


def write(folder: Path, name: str, data: bytes) -> str:
    path = folder / name
    path.write_bytes(data)
    return str(path)


def test_signed_metadata_is_trusted(
    federation: dict[str, Any], database_url: str, simulators: Any
) -> None:
    folder = federation["dir"]
    signed = sign_metadata(test_idp_metadata(), federation["key"], federation["cert"])
    app = create_app(
        make_config(
            database_url,
            simulators_url=simulators.base_url,
            idp_metadata=write(folder, "idp.xml", signed),
            idp_metadata_signer=str(folder / "signer.pem"),
        )
    )
    choices = app.extensions["sportello.identity_providers"]
    assert "https://idp.example" in [c.entity_id for c in choices]


@pytest.mark.parametrize("defect", ["unsigned", "other signer", "altered after signing"])
def test_metadata_not_signed_by_the_federation_refuses_to_start(
    federation: dict[str, Any], database_url: str, defect: str
) -> None:
    folder = federation["dir"]
    data = test_idp_metadata()
    if defect == "other signer":
        data = sign_metadata(data, *federation["other"])
    elif defect == "altered after signing":
        signed = sign_metadata(data, federation["key"], federation["cert"])
        data = signed.replace(b"https://idp.example/sso", b"https://evil.example/sso")
    location = write(folder, "idp.xml", data)
    with pytest.raises((ConfigurationError, IdentityConfigurationError)):
        create_app(
            make_config(
                database_url,
                idp_metadata=location,
                idp_metadata_signer=str(folder / "signer.pem"),
            )
        )


def test_a_listed_file_without_any_signer_is_named(database_url: str, tmp_path: Path) -> None:
    location = write(tmp_path, "idp.xml", test_idp_metadata())
    with pytest.raises(ConfigurationError, match="SPORTELLO_IDP_METADATA_SIGNER"):
        create_app(make_config(database_url, idp_metadata=location))


def test_an_unsigned_test_file_is_accepted_only_when_listed_as_such(
    database_url: str, simulators: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    location = write(tmp_path, "idp.xml", test_idp_metadata())
    app = create_app(
        make_config(
            database_url,
            simulators_url=simulators.base_url,
            idp_metadata=location,
            idp_metadata_unsigned=location,
        )
    )
    assert "https://idp.example" in [
        c.entity_id for c in app.extensions["sportello.identity_providers"]
    ]
    assert any("WITHOUT a signature" in r.getMessage() for r in caplog.records)


def test_http_metadata_is_refused_in_every_profile(database_url: str) -> None:
    with pytest.raises((ConfigurationError, IdentityConfigurationError), match="http"):
        create_app(
            make_config(
                database_url,
                idp_metadata="http://registry.spid.example/metadata.xml",
                idp_metadata_unsigned="http://registry.spid.example/metadata.xml",
            )
        )


@pytest.mark.parametrize(
    ("change", "variable"),
    [
        (
            {"SPORTELLO_IDP_METADATA": "http://registry.spid.example/md.xml"},
            "SPORTELLO_IDP_METADATA",
        ),
        ({"SPORTELLO_IDP_METADATA": "https://registry.spid.example/md.xml"}, "_SIGNER"),
        ({"SPORTELLO_CIE_IDP_METADATA": "http://idserver.example/md.xml"}, "SPORTELLO_CIE_IDP"),
        (
            {
                "SPORTELLO_CIE_IDP_METADATA": "https://idserver.example/md.xml",
            },
            "_SIGNER",
        ),
        (
            {
                "SPORTELLO_CIE_IDP_METADATA": "https://idserver.example/md.xml",
                "SPORTELLO_IDP_METADATA_SIGNER": "/etc/sportello/federation.pem",
                "SPORTELLO_ENTE_ADDRESS_MUNICIPALITY_CODE": "X000",  # the demo's
            },
            "SPORTELLO_ENTE_ADDRESS_MUNICIPALITY_CODE",
        ),
        (
            {
                "SPORTELLO_IDP_METADATA": "/etc/sportello/idp.xml",
                "SPORTELLO_IDP_METADATA_UNSIGNED": "/etc/sportello/idp.xml",
            },
            "SPORTELLO_IDP_METADATA_UNSIGNED",
        ),
    ],
)
def test_production_refuses_untrusted_metadata_settings(
    change: dict[str, str], variable: str
) -> None:
    with pytest.raises(ConfigurationError) as info:
        Config.from_env({**GOOD_PRODUCTION, **change})
    assert variable in str(info.value) and "\n" not in str(info.value)


def production_start(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import gateway.wsgi"],
        env={**env, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_production_refuses_the_test_idp_even_when_signed_by_the_federation(
    federation: dict[str, Any], tmp_path: Path
) -> None:
    """An operator lists the test IdP's metadata: the gateway stops with one line."""
    folder = federation["dir"]
    signed = sign_metadata(test_idp_metadata(), federation["key"], federation["cert"])
    env = {
        **GOOD_PRODUCTION,
        "SPORTELLO_IDP_METADATA": write(folder, "idp.xml", signed),
        "SPORTELLO_IDP_METADATA_SIGNER": str(folder / "signer.pem"),
    }
    result = production_start(env, tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "SPORTELLO_IDP_METADATA" in lines[0] and "TEST certificate" in lines[0]
    assert "Traceback" not in result.stderr


def test_production_refuses_the_test_federation_certificate(tmp_path: Path) -> None:
    from identity import testdata

    signer = write(tmp_path, "signer.pem", testdata.federation_cert_pem().encode())
    env = {
        **GOOD_PRODUCTION,
        "SPORTELLO_IDP_METADATA": "https://registry.spid.example/md.xml",
        "SPORTELLO_IDP_METADATA_SIGNER": signer,
    }
    result = production_start(env, tmp_path)
    lines = result.stderr.strip().splitlines()
    assert result.returncode != 0 and len(lines) == 1, result.stderr
    assert "SPORTELLO_IDP_METADATA_SIGNER" in lines[0]


@pytest.mark.parametrize(
    ("setting", "variable"),
    [
        ({"SPORTELLO_ENTE_ADDRESS_PROVINCE": "Roma"}, "SPORTELLO_ENTE_ADDRESS_PROVINCE"),
        ({"SPORTELLO_ENTE_VAT_NUMBER": "IT123"}, "SPORTELLO_ENTE_VAT_NUMBER"),
        (
            {"SPORTELLO_ENTE_ORGANIZATION_CONTACT_PHONE": "06 1234"},
            "SPORTELLO_ENTE_ORGANIZATION_CONTACT_PHONE",
        ),
    ],
)
def test_a_refused_contact_value_names_its_variable(
    database_url: str, setting: dict[str, str], variable: str
) -> None:
    with pytest.raises(ConfigurationError, match=variable):
        Config.from_env(setting, profile="test", database_url=database_url)


def test_readiness_tells_each_metadata_source_and_its_signature(client: Any) -> None:
    checks = client.get("/readyz").json["checks"]
    sources = checks["identity.metadata"]
    assert len(sources) == 1  # the built-in test IdP, loaded as a signed federation entry
    (state,) = sources.values()
    assert state["signature_checked"] is True and state["error"] is None
    assert state["loaded_at"]
