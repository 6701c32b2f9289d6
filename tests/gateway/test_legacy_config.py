"""Each legacy service configured on its own (SPORTELLO_LEGACY_<SERVICE>_<SETTING>).

The services run as they would at a real body: fines on one plain-http server with its own
credentials, school and health on an https server with its own CA that wants a client
certificate and other credentials. The shared SPORTELLO_SIMULATORS_URL points nowhere, so a
service that fell back to it would fail.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors import (
    AuthenticationFailed,
    FinesConnector,
    HealthConnector,
    SchoolConnector,
    Unavailable,
)
from connectors.simulators import RunningSimulators, start_simulators
from connectors.simulators.running import server_tls
from gateway import create_app
from gateway.config import Config, ConfigurationError
from gateway.legacy import LEGACY_OPTIONS, connector, connector_settings, parse_legacy
from tests.connectors.cast import GIULIA, MARIO
from tests.connectors.pki import Pair, TestCA
from tests.gateway.test_config import (
    GOOD_PRODUCTION,
    production_sp_certificate,  # noqa: F401 - fixture
)

# Nothing listens on the discard port: a service using the shared default fails.
NOWHERE = "http://127.0.0.1:9"
SERVICES = ("fines", "school", "health")


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> TestCA:
    return TestCA(tmp_path_factory.mktemp("legacy-pki"))


@pytest.fixture(scope="module")
def client_pair(ca: TestCA) -> Pair:
    return ca.issue("sportello-gateway", server=False)


@pytest.fixture(scope="module")
def fines_server() -> Iterator[RunningSimulators]:
    running = start_simulators("127.0.0.1", 0, username="polizia-locale", password="pl-secret")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def regional_server(ca: TestCA, client_pair: Pair) -> Iterator[RunningSimulators]:
    server = ca.issue("servizi-regionali", server=True)
    control = ssl.create_default_context(cafile=str(ca.bundle))
    control.load_cert_chain(str(client_pair.cert), str(client_pair.key))
    running = start_simulators(
        "127.0.0.1",
        0,
        username="regione",
        password="regione-secret",
        ssl_context=server_tls(str(server.cert), str(server.key), str(ca.bundle)),
        control_context=control,
    )
    yield running
    running.stop()


def legacy_environment(
    fines: RunningSimulators, regional: RunningSimulators, ca: TestCA, client: Pair
) -> dict[str, str]:
    env = {
        "SPORTELLO_SIMULATORS_URL": NOWHERE,
        "SPORTELLO_LEGACY_FINES_WSDL_URL": fines.wsdl_url("fines"),
        "SPORTELLO_LEGACY_FINES_USERNAME": "polizia-locale",
        "SPORTELLO_LEGACY_FINES_PASSWORD": "pl-secret",
        "SPORTELLO_LEGACY_FINES_READ_TIMEOUT": "4",
    }
    for service in ("school", "health"):
        prefix = f"SPORTELLO_LEGACY_{service.upper()}_"
        env |= {
            f"{prefix}WSDL_URL": regional.wsdl_url(service),
            f"{prefix}WSSE": "username-text",
            f"{prefix}USERNAME": "regione",
            f"{prefix}PASSWORD": "regione-secret",
            f"{prefix}CA_BUNDLE": str(ca.bundle),
            f"{prefix}CLIENT_CERT": str(client.cert),
            f"{prefix}CLIENT_KEY": str(client.key),
            f"{prefix}DEADLINE": "6",
        }
    return env


def test_each_service_is_reached_with_its_own_address_credentials_and_tls(
    database_url: str,
    fines_server: RunningSimulators,
    regional_server: RunningSimulators,
    ca: TestCA,
    client_pair: Pair,
) -> None:
    env = legacy_environment(fines_server, regional_server, ca, client_pair)
    app = create_app(Config.from_env(env, profile="test", database_url=database_url))
    fines = connector("fines", FinesConnector, app)
    school = connector("school", SchoolConnector, app)
    health = connector("health", HealthConnector, app)
    assert fines.settings.read_timeout == 4.0 and fines.settings.ca_bundle is None
    assert school.settings.wsse == "username-text" and school.settings.deadline == 6.0

    assert fines.list_by_fiscal_code(MARIO)
    assert school.list_students(MARIO)
    assert health.list_documents(GIULIA)
    # Each call reached its own server, nothing else.
    assert fines_server.state()["services"]["fines"]["calls"]
    assert not fines_server.state()["services"]["school"]["calls"]
    regional = regional_server.state()["services"]
    assert regional["school"]["calls"] and regional["health"]["calls"]
    assert not regional["fines"]["calls"]


def test_credentials_and_certificates_are_not_shared_between_services(
    database_url: str,
    fines_server: RunningSimulators,
    regional_server: RunningSimulators,
    ca: TestCA,
    client_pair: Pair,
) -> None:
    env = legacy_environment(fines_server, regional_server, ca, client_pair)
    # The fines' credentials against the regional server: refused there.
    env["SPORTELLO_LEGACY_SCHOOL_USERNAME"] = "polizia-locale"
    env["SPORTELLO_LEGACY_SCHOOL_PASSWORD"] = "pl-secret"
    # No client certificate for health: the regional server ends the handshake.
    del env["SPORTELLO_LEGACY_HEALTH_CLIENT_CERT"], env["SPORTELLO_LEGACY_HEALTH_CLIENT_KEY"]
    app = create_app(Config.from_env(env, profile="test", database_url=database_url))
    with pytest.raises(AuthenticationFailed):
        connector("school", SchoolConnector, app).list_students(MARIO)
    with pytest.raises(Unavailable):
        connector("health", HealthConnector, app).list_documents(GIULIA)
    assert connector("fines", FinesConnector, app).list_by_fiscal_code(MARIO)


def test_what_a_service_does_not_set_comes_from_the_shared_settings() -> None:
    config = Config.from_env(
        {
            "SPORTELLO_SIMULATORS_URL": "http://legacy.internal:8088/",
            "SPORTELLO_CONNECTOR_USER": "gw",
            "SPORTELLO_LEGACY_SCHOOL_USERNAME": "gw-school",
            "SPORTELLO_LEGACY_SCHOOL_BREAKER_RESET": "2.5",
        }
    )
    fines = connector_settings(config, "fines")
    school = connector_settings(config, "school")
    assert fines.wsdl_url == "http://legacy.internal:8088/fines?wsdl"
    assert (fines.username, school.username) == ("gw", "gw-school")
    assert school.password == fines.password == Config.connector_password
    assert (fines.breaker_threshold, fines.breaker_reset) == (3, 15.0)
    assert (school.breaker_threshold, school.breaker_reset) == (3, 2.5)
    # A page never waits on a legacy system without a bound.
    assert fines.deadline is not None and fines.deadline <= 10


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SPORTELLO_LEGACY_FINES_WSDL", "http://x/fines?wsdl", "unknown setting"),
        ("SPORTELLO_LEGACY_FINE_WSDL_URL", "http://x/fines?wsdl", "unknown legacy service"),
        ("SPORTELLO_LEGACY_FINES_WSDL_URL", "ftp://x/fines", "http:// or https://"),
        ("SPORTELLO_LEGACY_FINES_WSDL_URL", "fines.wsdl", "http:// or https://"),
        ("SPORTELLO_LEGACY_FINES_READ_TIMEOUT", "soon", "seconds"),
        ("SPORTELLO_LEGACY_FINES_READ_TIMEOUT", "0", "seconds"),
        ("SPORTELLO_LEGACY_FINES_DEADLINE", "nan", "seconds"),
        ("SPORTELLO_LEGACY_FINES_DEADLINE", "inf", "seconds"),
        ("SPORTELLO_LEGACY_FINES_RETRIES", "²", "whole number"),
        ("SPORTELLO_LEGACY_FINES_RETRIES", "100", "whole number"),
        ("SPORTELLO_LEGACY_FINES_BREAKER_THRESHOLD", "0", "from 1 to 100"),
        ("SPORTELLO_LEGACY_FINES_BREAKER_THRESHOLD", "-3", "from 1 to 100"),
        ("SPORTELLO_LEGACY_SCHOOL_BREAKER_RESET", "forever", "seconds"),
        ("SPORTELLO_LEGACY_FINES_WSSE", "kerberos", "username-digest"),
        ("SPORTELLO_LEGACY_HEALTH_CA_BUNDLE", "/nonexistent/ca.pem", "file that exists"),
        ("SPORTELLO_LEGACY_HEALTH_WSSE", "username-text", "only over https"),
        ("SPORTELLO_LEGACY_HEALTH_WSSE", "x509", "wsse_cert and wsse_key"),
    ],
)
def test_a_bad_legacy_setting_is_refused_naming_its_variable(
    variable: str, value: str, message: str
) -> None:
    config = Config.from_env({variable: value})
    with pytest.raises(ConfigurationError) as refused:
        for service in SERVICES:
            connector_settings(config, service, parse_legacy(config, SERVICES)[service])
    text = str(refused.value)
    assert "\n" not in text and message in text and variable in text


def test_a_refused_legacy_setting_stops_the_gateway_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("SPORTELLO_PROFILE", "test")
    monkeypatch.setenv("SPORTELLO_DATABASE_URL", f"sqlite:///{tmp_path / 'refused.sqlite'}")
    monkeypatch.setenv("SPORTELLO_LEGACY_SCOOL_DEADLINE", "3")
    with pytest.raises(SystemExit) as stopped:
        create_app()
    assert stopped.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "SPORTELLO_LEGACY_SCOOL_DEADLINE" in err


@pytest.mark.usefixtures("production_sp_certificate")
def test_production_refuses_the_demo_password_for_any_service(tmp_path: Path) -> None:
    env: dict[str, Any] = {**GOOD_PRODUCTION, "SPORTELLO_LEGACY_HEALTH_PASSWORD": "sportello-demo"}
    config = Config.from_env(env)
    with pytest.raises(ConfigurationError, match="SPORTELLO_LEGACY_HEALTH_PASSWORD"):
        connector_settings(config, "health")
    # A service that signs with X.509 needs no password.
    pair = TestCA(tmp_path).issue("gateway-signer", server=False)
    signed = Config.from_env(
        {
            **env,
            "SPORTELLO_LEGACY_HEALTH_WSSE": "x509",
            "SPORTELLO_LEGACY_HEALTH_WSSE_CERT": str(pair.cert),
            "SPORTELLO_LEGACY_HEALTH_WSSE_KEY": str(pair.key),
        }
    )
    assert connector_settings(signed, "health").wsse == "x509"


def test_the_readme_lists_every_legacy_setting_and_only_those() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Legacy services, one by one", 1)[1].split("\n#", 1)[0]
    listed = re.findall(r"^\| `([A-Z_]+)` \|", section, flags=re.MULTILINE)
    assert sorted(listed) == sorted(option.name for option in LEGACY_OPTIONS)


@pytest.mark.usefixtures("production_sp_certificate")
def test_production_with_another_body_and_its_own_legacy_systems(
    tmp_path: Path,
    fines_server: RunningSimulators,
    regional_server: RunningSimulators,
    ca: TestCA,
    client_pair: Pair,
) -> None:
    """The production profile as a real body would start it: its record (the example file of
    another municipality), fines on one server with its own credentials, school and health
    over https with their own CA and a client certificate."""
    from gateway.audit.keys import default_origin
    from gateway.ente import current_ente
    from printing.keys import generate_key, private_key_to_pem
    from tlog.note import Signer

    seal = tmp_path / "seal-key.pem"
    seal.write_bytes(private_key_to_pem(generate_key()))
    log_key = tmp_path / "audit-log-key.txt"
    log_key.write_text(
        Signer.generate(default_origin(GOOD_PRODUCTION["SPORTELLO_BASE_URL"])).encoded()
    )
    env = {
        **GOOD_PRODUCTION,
        **legacy_environment(fines_server, regional_server, ca, client_pair),
        "SPORTELLO_SEAL_KEY_FILE": str(seal),
        "SPORTELLO_AUDIT_LOG_KEY_FILE": str(log_key),
        "SPORTELLO_AUDIT_CHECKPOINT_FILE": str(tmp_path / "checkpoints.jsonl"),
        "SPORTELLO_DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite'}",
    }
    config = Config.from_env(env)
    assert config.profile == "production"
    app = create_app(config)
    with app.app_context():
        assert current_ente().name == "Comune di Roccalta"
    assert connector("fines", FinesConnector, app).list_by_fiscal_code(MARIO)
    assert connector("school", SchoolConnector, app).list_students(MARIO)
    assert connector("health", HealthConnector, app).list_documents(GIULIA)
    # The shared default would have gone nowhere: each service used its own settings.
    assert fines_server.state()["services"]["fines"]["calls"]
    assert regional_server.state()["services"]["health"]["calls"]
