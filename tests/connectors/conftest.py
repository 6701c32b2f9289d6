"""Simulators served over HTTP on a free port for the whole session, reset before each test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from connectors import ConnectorSettings, FinesConnector, HealthConnector, SchoolConnector
from connectors.simulators import RunningSimulators, start_simulators

# Test credentials of the local simulators only.
TEST_USER = "test-user"
TEST_PASSWORD = "test-password-not-a-secret"


@pytest.fixture(scope="session")
def sims() -> Iterator[RunningSimulators]:
    running = start_simulators("127.0.0.1", 0, username=TEST_USER, password=TEST_PASSWORD)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(autouse=True)
def _fresh_simulators(sims: RunningSimulators) -> None:
    sims.reset()


def settings_for(sims: RunningSimulators, service: str, **overrides: Any) -> ConnectorSettings:
    """Fast test settings: short timeouts and backoff, unless overridden."""
    values: dict[str, Any] = {"read_timeout": 3.0, "connect_timeout": 1.0, "backoff": 0.005}
    values.update(overrides)
    return sims.settings(service, **values)


@pytest.fixture
def fines(sims: RunningSimulators) -> FinesConnector:
    return FinesConnector(settings_for(sims, "fines"))


@pytest.fixture
def school(sims: RunningSimulators) -> SchoolConnector:
    return SchoolConnector(settings_for(sims, "school"))


@pytest.fixture
def health(sims: RunningSimulators) -> HealthConnector:
    return HealthConnector(settings_for(sims, "health"))
