"""A read is sent again only when it cannot have reached the service, and within its deadline.

Each test counts what reached a real server (or, for a port where nothing listens, the
attempts the connector logged), never the wall clock.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from connectors import ConnectorSettings, FinesConnector, PaymentRecord, Unavailable
from connectors.base import clients
from connectors.simulators import RunningSimulators
from connectors.simulators.clock import today_in_rome

from .cast import MARIO
from .conftest import settings_for
from .servers import ClosedPort, HangingServer, StatusServer


def attempts_logged(caplog: pytest.LogCaptureFixture, operation: str) -> list[int]:
    return [
        record.attempt  # type: ignore[attr-defined]
        for record in caplog.records
        if record.name == "connectors" and getattr(record, "operation", None) == operation
    ]


def fines_at(sims: RunningSimulators, endpoint: str, **overrides: Any) -> FinesConnector:
    """A fines connector reading the real WSDL but sending its calls to `endpoint`."""
    return FinesConnector(settings_for(sims, "fines", endpoint=endpoint, **overrides))


def test_a_read_timeout_is_waited_once(sims: RunningSimulators) -> None:
    with HangingServer() as hanging:
        fines = fines_at(sims, f"{hanging.url}/fines", retries=3, read_timeout=0.3)
        with pytest.raises(Unavailable) as caught:
            fines.list_by_plate("EK903ZP")
        assert hanging.settled_requests() == 1
    assert not caught.value.retryable
    assert "timeout" in caught.value.message


def test_a_refused_connection_is_retried(
    sims: RunningSimulators, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="connectors")
    with ClosedPort() as closed:
        fines = fines_at(sims, f"{closed.url}/fines", retries=2, breaker_threshold=10)
        with pytest.raises(Unavailable) as caught:
            fines.list_by_plate("EK903ZP")
    assert caught.value.retryable
    assert attempts_logged(caplog, "ListFines") == [1, 2, 3]


def test_a_write_is_sent_once_even_when_the_connection_is_refused(
    sims: RunningSimulators, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="connectors")
    payment = PaymentRecord(
        report_number="VL-2026-000123",
        amount=12110,
        payment_date=today_in_rome(),
        notice_code="301000000000004117",
        payer_fiscal_code=MARIO,
    )
    with ClosedPort() as closed:
        fines = fines_at(sims, f"{closed.url}/fines", retries=3)
        with pytest.raises(Unavailable):
            fines.register_payment(payment)
    assert attempts_logged(caplog, "RegisterPayment") == [1]


def test_an_http_503_without_a_soap_answer_is_retried() -> None:
    with StatusServer(503) as refusing:
        fines = FinesConnector(
            settings_for_wsdl(f"{refusing.url}/fines?wsdl", retries=2, breaker_threshold=10)
        )
        with pytest.raises(Unavailable) as caught:
            fines.list_by_plate("EK903ZP")
        assert refusing.requests == 3
    assert caught.value.retryable


def test_an_http_502_is_not_retried(sims: RunningSimulators) -> None:
    with StatusServer(502) as gateway:
        fines = fines_at(sims, f"{gateway.url}/fines", retries=2)
        with pytest.raises(Unavailable) as caught:
            fines.list_by_plate("EK903ZP")
        assert gateway.requests == 1
    assert not caught.value.retryable


def test_a_server_fault_other_than_unavailable_is_not_retried(sims: RunningSimulators) -> None:
    fines = FinesConnector(settings_for(sims, "fines", retries=2))
    sims.control("fines", failure_rate=1.0, fault="Server.Internal")
    with pytest.raises(Unavailable) as caught:
        fines.list_by_plate("EK903ZP")
    assert sims.state()["services"]["fines"]["calls"]["ListFines"] == 1
    assert not caught.value.retryable and caught.value.fault_code == "Server.Internal"


def test_the_deadline_stops_retries_early(sims: RunningSimulators) -> None:
    with StatusServer(503) as refusing:
        # The first pause (10 s) would end past the deadline (3 s): no second attempt. The
        # deadline leaves the first attempt ample time on a busy machine, and the WSDL is
        # loaded beforehand so that the deadline bounds only the call itself.
        fines = fines_at(
            sims,
            f"{refusing.url}/fines",
            retries=3,
            backoff=10.0,
            backoff_max=10.0,
            deadline=3.0,
            breaker_threshold=10,
        )
        clients.get(fines.settings)
        with pytest.raises(Unavailable) as caught:
            fines.list_by_plate("EK903ZP")
        assert refusing.requests == 1
    assert caught.value.retryable  # it could have been retried, but not in time


def test_the_deadline_cuts_the_wait_of_an_attempt(sims: RunningSimulators) -> None:
    with HangingServer() as hanging:
        fines = fines_at(sims, f"{hanging.url}/fines", read_timeout=30.0, deadline=0.4)
        clients.get(fines.settings)  # the WSDL beforehand: the deadline bounds the call alone
        with pytest.raises(Unavailable) as caught:
            fines.list_by_plate("EK903ZP")
        assert hanging.settled_requests() == 1
    # requests reports the read timeout it was given: what was left of the deadline.
    given = re.search(r"read timeout=([0-9.]+)", str(caught.value.__cause__))
    assert given is not None and 0 < float(given.group(1)) <= 0.4


def test_a_read_timeout_counts_against_the_breaker(sims: RunningSimulators) -> None:
    with HangingServer() as hanging:
        fines = fines_at(sims, f"{hanging.url}/fines", read_timeout=0.2, breaker_threshold=1)
        with pytest.raises(Unavailable):
            fines.list_by_plate("EK903ZP")
        assert fines.state() == "open"
        assert hanging.settled_requests() == 1


def settings_for_wsdl(wsdl_url: str, **overrides: Any) -> ConnectorSettings:
    """Settings whose WSDL itself lives at `wsdl_url` (the first request of every call)."""
    values: dict[str, Any] = {
        "wsdl_url": wsdl_url,
        "username": "nobody",
        "password": "unused",
        "connect_timeout": 1.0,
        "read_timeout": 3.0,
        "backoff": 0.005,
    }
    values.update(overrides)
    return ConnectorSettings(**values)
