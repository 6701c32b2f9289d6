"""SOAP simulators of the fines, school and health legacy services (contracts in `wsdl/`).

`start_simulators()` serves all three from a background thread; `python -m
connectors.simulators` serves them in the foreground.
"""

from connectors.simulators.running import (
    DEMO_PASSWORD,
    DEMO_USER,
    RunningSimulators,
    credentials_from_env,
    start_simulators,
)
from connectors.simulators.server import SERVICES, SimulatorApp

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USER",
    "SERVICES",
    "RunningSimulators",
    "SimulatorApp",
    "credentials_from_env",
    "start_simulators",
]
