"""The legacy systems behind the gateway, reached only through ``connectors``.

One connector per service per app, built from configuration; its WSDL is loaded on first use
and cached, its circuit breaker shared by every request of the process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, current_app

from connectors import (
    ConnectorSettings,
    FinesConnector,
    HealthConnector,
    Invalid,
    SchoolConnector,
    Unavailable,
)

from .config import Config

log = logging.getLogger(__name__)
T = TypeVar("T")
SERVICE_NAMES = ("fines", "school", "health")


@dataclass(frozen=True)
class Legacy:
    fines: FinesConnector
    school: SchoolConnector
    health: HealthConnector


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
    config: Config = app.config["SPORTELLO"]
    systems = Legacy(
        fines=FinesConnector(connector_settings(config, "fines")),
        school=SchoolConnector(connector_settings(config, "school")),
        health=HealthConnector(connector_settings(config, "health")),
    )
    app.extensions["sportello.legacy"] = systems
    readiness = app.extensions.setdefault("sportello.readiness", {})
    for name in SERVICE_NAMES:
        readiness[f"legacy.{name}"] = getattr(systems, name).state


def legacy(app: Flask | None = None) -> Legacy:
    """The app's connectors (the current app's by default)."""
    target = app or current_app
    return target.extensions["sportello.legacy"]  # type: ignore[no-any-return]


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
