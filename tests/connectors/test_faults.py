"""Timeouts, outages, the circuit breaker and retries, against the simulators' fault knobs."""

from __future__ import annotations

import logging
import random
import time

import pytest
import requests

from connectors import (
    CircuitOpen,
    FinesConnector,
    HealthConnector,
    Invalid,
    PaymentRecord,
    SchoolConnector,
    Unavailable,
)
from connectors.simulators import RunningSimulators
from connectors.simulators.clock import today_in_rome

from .cast import GIULIA, MARIO, SOFIA
from .conftest import settings_for


def test_slow_service_hits_the_read_timeout(sims: RunningSimulators) -> None:
    fines = FinesConnector(settings_for(sims, "fines", read_timeout=0.3, retries=0))
    fines.list_by_plate("EK903ZP")  # WSDL loaded before the service slows down
    sims.control("fines", latency_ms=5000)
    started = time.perf_counter()
    with pytest.raises(Unavailable) as caught:
        fines.list_by_plate("EK903ZP")
    elapsed = time.perf_counter() - started
    # Far below the service's 5 s: the client gave up at its bound (slack for a busy machine).
    assert 0.3 <= elapsed < 3.0
    assert "timeout" in caught.value.message


def test_down_service_drops_the_connection(sims: RunningSimulators) -> None:
    sims.control("fines", down=True)
    with pytest.raises(requests.ConnectionError):
        requests.get(sims.wsdl_url("fines"), timeout=2)
    with pytest.raises(requests.ConnectionError):
        requests.post(sims.url("fines"), data=b"<x/>", timeout=2)
    assert sims.state()["services"]["fines"]["dropped_connections"] == 2


def test_circuit_opens_fails_fast_and_recovers_through_a_probe(
    sims: RunningSimulators, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(sims, "health", retries=0, breaker_threshold=3, breaker_reset=0.4)
    health = HealthConnector(settings)
    health.list_documents(GIULIA)
    assert health.state() == "up"

    sims.control("health", down=True)
    for expected_state in ("degraded", "degraded", "open"):
        with pytest.raises(Unavailable) as caught:
            health.list_documents(GIULIA)
        assert not isinstance(caught.value, CircuitOpen)
        assert health.state() == expected_state

    # While open, calls fail without touching the network (how fast is measured in
    # benchmarks/legacy.py, not asserted here: a timing assertion flakes on a loaded machine).
    drops_before = sims.state()["services"]["health"]["dropped_connections"]
    for _ in range(50):
        with pytest.raises(CircuitOpen):
            health.list_documents(GIULIA)
    assert sims.state()["services"]["health"]["dropped_connections"] == drops_before

    sims.control("health", down=False)
    time.sleep(0.45)
    assert health.state() == "degraded"  # half-open: the next call is the probe
    assert len(health.list_documents(GIULIA)) >= 8
    assert health.state() == "up"


def test_failed_probe_keeps_the_circuit_open(sims: RunningSimulators) -> None:
    settings = settings_for(sims, "school", retries=0, breaker_threshold=1, breaker_reset=0.2)
    school = SchoolConnector(settings)
    sims.control("school", down=True)
    with pytest.raises(Unavailable):
        school.list_students(MARIO)
    time.sleep(0.25)
    with pytest.raises(Unavailable) as probe:
        school.list_students(MARIO)
    assert not isinstance(probe.value, CircuitOpen)
    with pytest.raises(CircuitOpen):
        school.list_students(MARIO)
    assert school.state() == "open"


def test_wsdl_unreachable_at_start_is_loaded_on_a_later_call(sims: RunningSimulators) -> None:
    sims.control("school", down=True)
    # Settings never used before, so the WSDL is not in the client cache yet.
    school = SchoolConnector(settings_for(sims, "school", retries=0, read_timeout=2.5))
    with pytest.raises(Unavailable):
        school.get_record(SOFIA)
    assert not school.ping()
    sims.control("school", down=False)
    assert school.ping()
    assert school.get_record(SOFIA).student.fiscal_code == SOFIA


def test_server_fault_is_unavailable_with_the_legacy_code(sims: RunningSimulators) -> None:
    fines = FinesConnector(settings_for(sims, "fines", retries=0))
    sims.control("fines", fail_next=1, fault="Server.Unavailable")
    with pytest.raises(Unavailable) as caught:
        fines.list_by_fiscal_code(MARIO)
    assert caught.value.fault_code == "Server.Unavailable"
    assert caught.value.legacy_code == "PL-503"
    assert fines.list_by_fiscal_code(MARIO)


def test_injected_client_fault_is_invalid_and_not_retried(sims: RunningSimulators) -> None:
    health = HealthConnector(settings_for(sims, "health", retries=3))
    sims.control("health", fail_next=1, fault="Client.Invalid")
    with pytest.raises(Invalid) as caught:
        health.get_patient_summary(GIULIA)
    assert caught.value.legacy_code == "FSE-400"
    assert sims.state()["services"]["health"]["calls"]["GetPatientSummary"] == 1
    assert health.state() == "up"  # the service answered: no strike against it


def test_reads_are_retried_until_the_limit(sims: RunningSimulators) -> None:
    fines = FinesConnector(settings_for(sims, "fines", retries=2, breaker_threshold=10))
    sims.control("fines", failure_rate=1.0)
    with pytest.raises(Unavailable):
        fines.get_fine("VL-1999-000001")
    state = sims.state()["services"]["fines"]
    assert state["calls"]["GetFine"] == 3
    assert state["injected_faults"]["GetFine"] == 3


def test_a_transient_failure_is_hidden_by_a_retry(sims: RunningSimulators) -> None:
    fines = FinesConnector(settings_for(sims, "fines", retries=2))
    sims.control("fines", fail_next=2)
    assert len(fines.list_by_fiscal_code(MARIO)) >= 6
    assert sims.state()["services"]["fines"]["calls"]["ListFines"] == 3
    assert fines.state() == "up"


def test_seeded_failure_rate_gives_a_reproducible_number_of_retries(
    sims: RunningSimulators,
) -> None:
    retries, reads, rate, seed = 2, 20, 0.5, 20261123
    health = HealthConnector(settings_for(sims, "health", retries=retries, breaker_threshold=99))
    sims.control("health", failure_rate=rate, seed=seed)

    draws = random.Random(seed)
    expected_calls = expected_failures = 0
    for _ in range(reads):
        for attempt in range(retries + 1):
            expected_calls += 1
            if draws.random() >= rate:
                break
            if attempt == retries:
                expected_failures += 1

    failures = 0
    for _ in range(reads):
        try:
            health.get_patient_summary(GIULIA)
        except Unavailable:
            failures += 1
    state = sims.state()["services"]["health"]
    assert state["calls"]["GetPatientSummary"] == expected_calls
    assert failures == expected_failures
    assert expected_calls > reads  # the seed does exercise retries


def test_a_write_is_never_retried(sims: RunningSimulators) -> None:
    fines = FinesConnector(settings_for(sims, "fines", retries=5))
    fine = next(f for f in fines.list_by_fiscal_code(MARIO) if f.amount_rule == "reduced")
    payment = PaymentRecord(
        report_number=fine.report_number,
        amount=fine.amount_due,
        payment_date=today_in_rome(),
        notice_code="301000000000004117",
        payer_fiscal_code=MARIO,
    )
    sims.control("fines", failure_rate=1.0)
    with pytest.raises(Unavailable):
        fines.register_payment(payment)
    state = sims.state()["services"]["fines"]
    assert state["calls"]["RegisterPayment"] == 1
    assert state["payments"] == {}  # refused before it reached the register

    # The caller (the outbox) tries again later with the same notice code: exactly one payment.
    sims.control("fines", failure_rate=0.0)
    first = fines.register_payment(payment)
    assert fines.register_payment(payment) == first
    counters = sims.state()["services"]["fines"]["payments"][fine.report_number]
    assert counters == {
        "register_calls": 2,
        "distinct_payments": 1,
        "notice_codes": ["301000000000004117"],
    }


def test_every_call_is_timed_in_a_structured_log(
    sims: RunningSimulators, caplog: pytest.LogCaptureFixture
) -> None:
    fines = FinesConnector(settings_for(sims, "fines", retries=1))
    sims.control("fines", fail_next=1)
    with caplog.at_level(logging.INFO, logger="connectors"):
        fines.list_by_plate("EK903ZP")
    records = [r for r in caplog.records if r.name == "connectors"]
    assert [(r.service, r.operation, r.outcome, r.attempt) for r in records] == [  # type: ignore[attr-defined]
        ("fines", "ListFines", "unavailable", 1),
        ("fines", "ListFines", "ok", 2),
    ]
    assert all(r.duration_ms >= 0 for r in records)  # type: ignore[attr-defined]
    assert records[0].levelno == logging.WARNING


def test_control_rejects_unknown_knobs(sims: RunningSimulators) -> None:
    answer = requests.post(f"{sims.base_url}/_control/fines", json={"latency": 5}, timeout=2)
    assert answer.status_code == 400
    answer = requests.post(f"{sims.base_url}/_control/fines", json={"failure_rate": 2}, timeout=2)
    assert answer.status_code == 400
    assert sims.state()["services"]["fines"]["knobs"]["failure_rate"] == 0.0


def test_endpoint_setting_overrides_the_wsdl_address(sims: RunningSimulators) -> None:
    closed = settings_for(sims, "fines", retries=0, endpoint="http://127.0.0.1:9/fines")
    with pytest.raises(Unavailable):
        FinesConnector(closed).list_by_plate("EK903ZP")
    same = settings_for(sims, "fines", endpoint=sims.url("fines"))
    assert FinesConnector(same).list_by_plate("EK903ZP")
