"""TLS to a legacy service: its certificate checked against our CA bundle, and mutual TLS.

The CA and the certificates are made for each run; the simulators serve over https.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors import FinesConnector, SchoolConnector, Unavailable
from connectors.simulators import RunningSimulators, start_simulators
from connectors.simulators.running import server_tls

from .cast import MARIO
from .conftest import TEST_PASSWORD, TEST_USER
from .pki import Pair, TestCA


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> TestCA:
    return TestCA(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def client_pair(ca: TestCA) -> Pair:
    return ca.issue("sportello-client", server=False)


@pytest.fixture(scope="module")
def https_sims(ca: TestCA) -> Iterator[RunningSimulators]:
    server = ca.issue("simulators", server=True)
    running = start_simulators(
        username=TEST_USER,
        password=TEST_PASSWORD,
        ssl_context=server_tls(str(server.cert), str(server.key)),
        control_context=ssl.create_default_context(cafile=str(ca.bundle)),
    )
    yield running
    running.stop()


@pytest.fixture(scope="module")
def mutual_sims(ca: TestCA, client_pair: Pair) -> Iterator[RunningSimulators]:
    server = ca.issue("simulators-mtls", server=True)
    control = ssl.create_default_context(cafile=str(ca.bundle))
    control.load_cert_chain(str(client_pair.cert), str(client_pair.key))
    running = start_simulators(
        username=TEST_USER,
        password=TEST_PASSWORD,
        ssl_context=server_tls(str(server.cert), str(server.key), str(ca.bundle)),
        control_context=control,
    )
    yield running
    running.stop()


def attempts(caplog: pytest.LogCaptureFixture) -> int:
    return sum(1 for r in caplog.records if getattr(r, "operation", None) == "ListFines")


def test_the_simulators_speak_https(https_sims: RunningSimulators) -> None:
    assert https_sims.base_url.startswith("https://")
    assert https_sims.wsdl_url("fines").startswith("https://")
    assert https_sims.reset()["services"]["fines"]["calls"] == {}


def test_without_our_ca_the_certificate_is_not_trusted_and_the_call_fails_at_once(
    https_sims: RunningSimulators, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="connectors")
    fines = FinesConnector(https_sims.settings("fines", retries=2, backoff=0.005))
    with pytest.raises(Unavailable) as caught:
        fines.list_by_fiscal_code(MARIO)
    assert "TLS failed" in caught.value.message and "CERTIFICATE_VERIFY_FAILED" in str(
        caught.value.message
    )
    assert not caught.value.retryable  # a configuration error: no second attempt
    assert attempts(caplog) == 1
    assert not fines.ping()


def test_with_our_ca_bundle_the_call_works(https_sims: RunningSimulators, ca: TestCA) -> None:
    fines = FinesConnector(https_sims.settings("fines", ca_bundle=str(ca.bundle)))
    assert len(fines.list_by_fiscal_code(MARIO)) >= 6
    assert fines.ping()
    assert https_sims.state()["services"]["fines"]["calls"]["ListFines"] >= 1


def test_another_ca_is_not_enough(https_sims: RunningSimulators, tmp_path: Path) -> None:
    other = TestCA(tmp_path, "Some other CA")
    school = SchoolConnector(https_sims.settings("school", ca_bundle=str(other.bundle)))
    with pytest.raises(Unavailable) as caught:
        school.list_students(MARIO)
    assert "TLS failed" in caught.value.message


def test_mutual_tls_refuses_a_connector_without_a_client_certificate(
    mutual_sims: RunningSimulators, ca: TestCA
) -> None:
    mutual_sims.reset()
    fines = FinesConnector(mutual_sims.settings("fines", ca_bundle=str(ca.bundle), retries=2))
    with pytest.raises(Unavailable) as caught:
        fines.list_by_fiscal_code(MARIO)
    assert not caught.value.retryable
    assert mutual_sims.state()["services"]["fines"]["calls"] == {}


def test_mutual_tls_refuses_a_client_certificate_of_another_ca(
    mutual_sims: RunningSimulators, ca: TestCA, tmp_path: Path
) -> None:
    stranger = TestCA(tmp_path, "Stranger CA").issue("stranger", server=False)
    settings = mutual_sims.settings(
        "fines",
        ca_bundle=str(ca.bundle),
        client_cert=str(stranger.cert),
        client_key=str(stranger.key),
    )
    with pytest.raises(Unavailable):
        FinesConnector(settings).list_by_fiscal_code(MARIO)


def test_mutual_tls_accepts_the_connector_with_its_certificate(
    mutual_sims: RunningSimulators, ca: TestCA, client_pair: Pair
) -> None:
    mutual_sims.reset()
    settings = mutual_sims.settings(
        "fines",
        ca_bundle=str(ca.bundle),
        client_cert=str(client_pair.cert),
        client_key=str(client_pair.key),
    )
    assert len(FinesConnector(settings).list_by_fiscal_code(MARIO)) >= 6
    assert mutual_sims.state()["services"]["fines"]["calls"] == {"ListFines": 1}
