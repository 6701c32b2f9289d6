"""The legacy systems behind the gateway, reached only through ``connectors``.

Each feature declares the legacy services it reads (``LegacyService`` in its manifest); one
connector per service per app is built here from configuration, its WSDL loaded on first use
and cached, its circuit breaker shared by every request of the process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app

from connectors import ConnectorSettings, Invalid, SoapConnector, Unavailable

from .config import Config

log = logging.getLogger(__name__)
T = TypeVar("T")
C = TypeVar("C", bound=SoapConnector)


def connector_settings(config: Config, service: str) -> ConnectorSettings:
    base = config.simulators_url.rstrip("/")
    return ConnectorSettings(
        wsdl_url=f"{base}/{service}?wsdl",
        username=config.connector_user,
        password=config.connector_password,
        # A page waits at most a few seconds for a legacy system; reads are retried once.
        connect_timeout=1.0,
        read_timeout=3.0,
        retries=1,
        backoff=0.1,
        breaker_threshold=3,
        breaker_reset=15.0,
    )


def init_legacy(app: Flask) -> None:
    """One connector for each legacy service a feature declares, with its readiness check."""
    from .features import registry

    config: Config = app.config["SPORTELLO"]
    systems = {
        name: service.connector(connector_settings(config, name))
        for name, service in registry().legacy_services.items()
    }
    app.extensions["sportello.legacy"] = systems
    readiness = app.extensions.setdefault("sportello.readiness", {})
    for name, system in systems.items():
        readiness[f"legacy.{name}"] = system.state


def connector(name: str, kind: type[C], app: Flask | None = None) -> C:
    """This app's connector of the legacy service ``name`` (the current app's by default)."""
    system = (app or current_app).extensions["sportello.legacy"][name]
    if not isinstance(system, kind):
        raise TypeError(f"legacy service {name!r} is a {type(system).__name__}, not {kind}")
    return system


def try_legacy(service: str, call: Callable[[], T]) -> tuple[T | None, str | None]:
    """Run a read for one section of a page: (result, None), or (None, plain-words message).

    Use it where the rest of the page must render even if this legacy system is down; a
    missing record is not an outage and still raises.
    """
    from .errors import legacy_unavailable_message

    try:
        return call(), None
    except (Unavailable, Invalid) as e:
        log.warning("legacy %s unavailable for a page section: %s", service, type(e).__name__)
        return None, legacy_unavailable_message(service)
