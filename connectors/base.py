"""What every legacy-service connector shares: settings, zeep clients, retries, breaker, errors."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import requests
import zeep
import zeep.exceptions
from lxml import etree
from zeep.helpers import serialize_object
from zeep.transports import Transport
from zeep.wsse.username import UsernameToken

from connectors.breaker import CircuitBreaker
from connectors.errors import (
    AuthenticationFailed,
    CircuitOpen,
    ConnectorError,
    Invalid,
    NotFound,
    Rejected,
    Unavailable,
)

logger = logging.getLogger("connectors")

ReadyState = Literal["up", "degraded", "open"]

_REJECTIONS = {"Client.AlreadyPaid", "Client.NotPayable", "Client.Underpaid"}


@dataclass(frozen=True)
class ConnectorSettings:
    """How to reach one legacy SOAP service.

    wsdl_url: where the WSDL is read (once per settings value, on the first call).
    endpoint: SOAP address to use instead of the WSDL's soap:address.
    use_digest: WS-Security PasswordDigest (True) or PasswordText.
    retries: extra attempts for idempotent reads only; writes are sent once.
    backoff: first pause between read attempts in seconds, doubled each time up to backoff_max.
    breaker_threshold / breaker_reset: consecutive failures that open the circuit, and seconds
    before a probe call is let through.
    """

    wsdl_url: str
    username: str
    password: str = field(repr=False)
    endpoint: str | None = None
    use_digest: bool = True
    connect_timeout: float = 2.0
    read_timeout: float = 5.0
    retries: int = 2
    backoff: float = 0.2
    backoff_max: float = 2.0
    breaker_threshold: int = 5
    breaker_reset: float = 30.0


class _ClientCache:
    """zeep clients by settings: building one parses the WSDL (~30 ms), so it is done once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: dict[ConnectorSettings, tuple[zeep.Client, Any]] = {}

    def get(self, settings: ConnectorSettings) -> tuple[zeep.Client, Any]:
        """(client, service proxy) for `settings`; a failed load is not cached."""
        with self._lock:
            cached = self._clients.get(settings)
        if cached is not None:
            return cached
        built = _build_client(settings)
        with self._lock:
            # Two threads may both have built one; keep the first so everybody shares it.
            return self._clients.setdefault(settings, built)

    def clear(self) -> None:
        with self._lock:
            self._clients.clear()


clients = _ClientCache()


def _build_client(settings: ConnectorSettings) -> tuple[zeep.Client, Any]:
    session = requests.Session()
    session.headers["User-Agent"] = "sportello-connectors/1"
    timeouts = (settings.connect_timeout, settings.read_timeout)
    transport = Transport(session=session, timeout=timeouts, operation_timeout=timeouts)
    token = UsernameToken(settings.username, settings.password, use_digest=settings.use_digest)
    client = zeep.Client(
        settings.wsdl_url,
        transport=transport,
        wsse=token,
        settings=zeep.Settings(strict=True, forbid_entities=True, forbid_external=True),
    )
    if settings.endpoint:
        binding = next(iter(client.wsdl.bindings))
        return client, client.create_service(binding, settings.endpoint)
    return client, client.service


def map_error(service: str, error: Exception) -> ConnectorError:
    """The typed ConnectorError for an exception raised by zeep or requests."""
    if isinstance(error, ConnectorError):
        return error
    if isinstance(error, zeep.exceptions.Fault):
        return _map_fault(service, error)
    if isinstance(error, zeep.exceptions.TransportError):
        status = error.status_code
        if status in (401, 403):
            return AuthenticationFailed(service, f"HTTP {status}")
        if 400 <= status < 500 and status not in (404, 408, 429):
            return Invalid(service, f"HTTP {status}")
        return Unavailable(service, f"HTTP {status}")
    if isinstance(error, requests.Timeout):
        return Unavailable(service, f"timeout: {type(error).__name__}")
    if isinstance(error, requests.RequestException):
        return Unavailable(service, f"connection failed: {type(error).__name__}")
    if isinstance(error, zeep.exceptions.ValidationError):
        return Invalid(service, f"request does not fit the contract: {error}")
    if isinstance(error, zeep.exceptions.Error | etree.LxmlError):
        return Unavailable(service, f"unusable answer: {type(error).__name__}: {error}")
    return Unavailable(service, f"unexpected {type(error).__name__}: {error}")


def _map_fault(service: str, fault: zeep.exceptions.Fault) -> ConnectorError:
    code = (fault.code or "").rsplit(":", 1)[-1]
    legacy = None
    if fault.detail is not None:
        found = fault.detail.find(".//{*}code")
        legacy = found.text if found is not None else None
    message = fault.message or code or "SOAP fault"
    kind: type[ConnectorError]
    if code == "Client.NotFound":
        kind = NotFound
    elif code == "Client.Authentication":
        kind = AuthenticationFailed
    elif code in _REJECTIONS:
        kind = Rejected
    elif code.startswith("Client") or code in ("VersionMismatch", "MustUnderstand"):
        kind = Invalid
    else:
        kind = Unavailable
    return kind(service, message, legacy, fault_code=code)


_OUTCOMES: list[tuple[type[ConnectorError], str]] = [
    (CircuitOpen, "circuit_open"),
    (Unavailable, "unavailable"),
    (NotFound, "not_found"),
    (Rejected, "rejected"),
    (Invalid, "invalid"),
]


def _outcome(error: ConnectorError | None) -> str:
    if error is None:
        return "ok"
    return next((name for kind, name in _OUTCOMES if isinstance(error, kind)), "error")


class SoapConnector:
    """Base of the service facades: one call path with breaker, retries, mapping and timing.

    Construction never touches the network: the WSDL is loaded on the first call, and loaded
    again on a later call if that failed (the service may be down when the gateway starts).
    """

    service = "soap"

    def __init__(
        self,
        settings: ConnectorSettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.breaker = CircuitBreaker(settings.breaker_threshold, settings.breaker_reset, clock)
        self._sleep = sleep

    def state(self) -> ReadyState:
        """ "open" while the breaker fails calls fast, "degraded" after a recent failure or while
        probing, "up" otherwise. Cheap: no network."""
        breaker_state = self.breaker.state
        if breaker_state == "open":
            return "open"
        if breaker_state == "half_open" or self.breaker.consecutive_failures:
            return "degraded"
        return "up"

    def ping(self) -> bool:
        """True if the service answers its WSDL within the timeouts (the breaker is untouched)."""
        try:
            answer = requests.get(
                self.settings.wsdl_url,
                timeout=(self.settings.connect_timeout, self.settings.read_timeout),
            )
        except requests.RequestException:
            return False
        return answer.status_code == 200

    def _call(self, operation: str, *, idempotent: bool, **params: Any) -> Any:
        """Call `operation`; returns the answer as plain dicts/lists (never zeep objects).

        Idempotent calls are retried on Unavailable up to `settings.retries` times with
        exponential backoff; others are sent at most once.
        """
        attempts = 1 + (max(self.settings.retries, 0) if idempotent else 0)
        for attempt in range(1, attempts + 1):
            try:
                return self._attempt(operation, attempt, params)
            except CircuitOpen:
                raise
            except Unavailable:
                if attempt == attempts:
                    raise
                pause = min(self.settings.backoff * 2 ** (attempt - 1), self.settings.backoff_max)
                self._sleep(pause)
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(self, operation: str, attempt: int, params: dict[str, Any]) -> Any:
        started = time.perf_counter()
        error: ConnectorError | None = None
        if not self.breaker.allow():
            error = CircuitOpen(self.service, "circuit open: failing fast")
            self._log(operation, attempt, started, error)
            raise error
        try:
            _client, proxy = clients.get(self.settings)
            answer = getattr(proxy, operation)(**params)
            return serialize_object(answer, dict)
        except Exception as e:  # every failure must reach the breaker and become typed
            error = map_error(self.service, e)
            raise error from e
        finally:
            if isinstance(error, Unavailable):
                self.breaker.record_failure()
            else:
                self.breaker.record_success()
            self._log(operation, attempt, started, error)

    def _log(
        self, operation: str, attempt: int, started: float, error: ConnectorError | None
    ) -> None:
        elapsed_ms = round((time.perf_counter() - started) * 1000, 2)
        outcome = _outcome(error)
        level = logging.WARNING if isinstance(error, Unavailable) else logging.INFO
        logger.log(
            level,
            "%s.%s %s in %.1f ms (attempt %d)",
            self.service,
            operation,
            outcome,
            elapsed_ms,
            attempt,
            extra={
                "service": self.service,
                "operation": operation,
                "duration_ms": elapsed_ms,
                "outcome": outcome,
                "attempt": attempt,
                "legacy_code": error.legacy_code if error else None,
            },
        )
