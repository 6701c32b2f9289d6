"""The legacy systems behind the gateway, reached only through ``connectors``.

Each feature declares the legacy services it reads (``LegacyService`` in its manifest); one
connector per service per app is built here from configuration, its WSDL loaded on first use
and cached, its circuit breaker shared by every request of the process.

Each service is configured on its own (``SPORTELLO_LEGACY_<SERVICE>_<SETTING>``, the table
``LEGACY_OPTIONS``): its WSDL and endpoint, WS-Security credentials or X.509 signature, TLS
trust and client certificate, timeouts, retries and the deadline of a call. What a service
does not set comes from the shared ``SPORTELLO_SIMULATORS_URL`` (``<url>/<service>?wsdl``)
and ``SPORTELLO_CONNECTOR_USER``/``_PASSWORD``, then from ``DEFAULTS``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, current_app

from connectors import ConnectorSettings, Invalid, SoapConnector, Unavailable
from connectors.wsse import WSSE_MODES

from .config import LEGACY_PREFIX, Config, ConfigurationError

log = logging.getLogger(__name__)
T = TypeVar("T")
C = TypeVar("C", bound=SoapConnector)


@dataclass(frozen=True)
class LegacyOption:
    """One per-service setting: ``SPORTELLO_LEGACY_<SERVICE>_<name>`` sets ``field``."""

    name: str
    field: str
    parse: Callable[[str], Any]
    help: str


def _seconds(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 300:
        raise ValueError("a number of seconds between 0 and 300")
    return value


def _count(raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or int(raw) > 5:
        raise ValueError("a whole number from 0 to 5")
    return int(raw)


def _failures(raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= 100:
        raise ValueError("a whole number from 1 to 100")
    return int(raw)


def _url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("an http:// or https:// URL")
    return raw


def _wsse(raw: str) -> str:
    if raw not in WSSE_MODES:
        raise ValueError(f"one of {', '.join(WSSE_MODES)}")
    return raw


def _file(raw: str) -> str:
    if not Path(raw).is_file():
        raise ValueError("a file that exists (PEM)")
    return raw


def _text(raw: str) -> str:
    return raw


LEGACY_OPTIONS: tuple[LegacyOption, ...] = (
    LegacyOption("WSDL_URL", "wsdl_url", _url, "where the service's WSDL is read"),
    LegacyOption(
        "ENDPOINT", "endpoint", _url, "SOAP address to call instead of the WSDL's soap:address"
    ),
    LegacyOption(
        "WSSE", "wsse", _wsse, "`username-digest`, `username-text` (https only), `x509` or `none`"
    ),
    LegacyOption("USERNAME", "username", _text, "WS-Security user name"),
    LegacyOption("PASSWORD", "password", _text, "its password"),
    LegacyOption("WSSE_CERT", "wsse_cert", _file, "certificate (PEM) of the X.509 signature"),
    LegacyOption("WSSE_KEY", "wsse_key", _file, "its private key (PEM)"),
    LegacyOption("CA_BUNDLE", "ca_bundle", _file, "CA certificates (PEM) the server must chain to"),
    LegacyOption("CLIENT_CERT", "client_cert", _file, "client certificate (PEM) for mutual TLS"),
    LegacyOption("CLIENT_KEY", "client_key", _file, "its private key, if not in the same file"),
    LegacyOption("CONNECT_TIMEOUT", "connect_timeout", _seconds, "seconds to connect"),
    LegacyOption("READ_TIMEOUT", "read_timeout", _seconds, "seconds to wait for each read"),
    LegacyOption("RETRIES", "retries", _count, "extra attempts of a read that never left"),
    LegacyOption("DEADLINE", "deadline", _seconds, "seconds a whole call may take"),
    LegacyOption(
        "BREAKER_THRESHOLD",
        "breaker_threshold",
        _failures,
        "failures in a row that open the circuit",
    ),
    LegacyOption("BREAKER_RESET", "breaker_reset", _seconds, "seconds the circuit stays open"),
)
# Longest names first, so that ..._WSSE_CERT is not read as ..._WSSE.
_BY_SUFFIX = sorted(LEGACY_OPTIONS, key=lambda option: -len(option.name))

# What a page waits for a legacy system unless configured otherwise: a few seconds, reads
# retried once when the request never left, the whole call bounded by the deadline.
DEFAULTS: dict[str, Any] = {
    "connect_timeout": 1.0,
    "read_timeout": 3.0,
    "retries": 1,
    "deadline": 5.0,
    "backoff": 0.1,
    "breaker_threshold": 3,
    "breaker_reset": 15.0,
}


def legacy_variable(service: str, option: str) -> str:
    return f"{LEGACY_PREFIX}{service.upper()}_{option}"


def parse_legacy(config: Config, services: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The per-service values of ``config.legacy`` for ``services``, checked.

    Raises ConfigurationError naming the variable: an unknown service or setting (a typo
    would otherwise be ignored), a value of the wrong kind, a missing file.
    """
    known = {service.upper(): service for service in services}
    values: dict[str, dict[str, Any]] = {service: {} for service in known.values()}
    for variable, raw in sorted(config.legacy.items()):
        rest = variable.removeprefix(LEGACY_PREFIX)
        option = next((o for o in _BY_SUFFIX if rest.endswith(f"_{o.name}")), None)
        if option is None:
            names = ", ".join(o.name for o in LEGACY_OPTIONS)
            raise ConfigurationError(f"{variable}: unknown setting (one of {names})")
        service = known.get(rest[: -len(option.name) - 1])
        if service is None:
            raise ConfigurationError(
                f"{variable}: unknown legacy service (one of {', '.join(sorted(known.values()))})"
            )
        try:
            values[service][option.field] = option.parse(raw.strip())
        except ValueError as e:
            raise ConfigurationError(f"{variable}={raw!r} is not valid: {e}") from None
    return values


def connector_settings(
    config: Config, service: str, given: dict[str, Any] | None = None
) -> ConnectorSettings:
    """The settings of ``service``: its own variables, else the shared ones, else defaults."""
    if given is None:
        from .features import registry

        given = parse_legacy(config, registry().legacy_services)[service]
    base = config.simulators_url.rstrip("/")
    values: dict[str, Any] = {
        **DEFAULTS,
        "wsdl_url": f"{base}/{service}?wsdl",
        "username": config.connector_user,
        "password": config.connector_password,
        **given,
    }
    _check_service(config, service, values, given)
    try:
        return ConnectorSettings(**values)
    except ValueError as e:
        option = "CLIENT_KEY" if "client_key" in str(e) else "WSSE"
        raise ConfigurationError(f"{legacy_variable(service, option)}: {e}") from None


def _check_service(
    config: Config, service: str, values: dict[str, Any], given: dict[str, Any]
) -> None:
    mode = values.get("wsse", "username-digest")
    addresses = [values["wsdl_url"], values.get("endpoint") or values["wsdl_url"]]
    if mode == "username-text" and any(not a.startswith("https://") for a in addresses):
        raise ConfigurationError(
            f"{legacy_variable(service, 'WSSE')}=username-text sends the password as it is: "
            "only over https:// (set the service's WSDL_URL and ENDPOINT to https)"
        )
    if config.profile != "production" or not mode.startswith("username"):
        return
    if values["password"] == Config.connector_password:
        raise ConfigurationError(
            f"{legacy_variable(service, 'PASSWORD')} (or SPORTELLO_CONNECTOR_PASSWORD) is the "
            "simulators' demo password: set the real one"
        )


def init_legacy(app: Flask) -> None:
    """One connector for each legacy service a feature declares, with its readiness check."""
    from .features import registry

    config: Config = app.config["SPORTELLO"]
    services = registry().legacy_services
    given = parse_legacy(config, services)
    systems = {
        name: service.connector(connector_settings(config, name, given[name]))
        for name, service in services.items()
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
