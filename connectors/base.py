"""What every legacy-service connector shares: settings, zeep clients, retries, breaker, errors."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import requests
import urllib3
import zeep
import zeep.exceptions
from lxml import etree
from zeep.helpers import serialize_object
from zeep.transports import Transport

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
from connectors.transport import new_session, request_sent, time_left
from connectors.wsse import WSSE_MODES, WsseMode, security_for

logger = logging.getLogger("connectors")

ReadyState = Literal["up", "degraded", "open"]

_REJECTIONS = {"Client.AlreadyPaid", "Client.NotPayable", "Client.Underpaid"}


@dataclass(frozen=True)
class ConnectorSettings:
    """How to reach one legacy SOAP service.

    wsdl_url: where the WSDL is read (once per settings value, on the first call).
    endpoint: SOAP address to use instead of the WSDL's soap:address.
    username / password: the WS-Security UsernameToken, in the two "username-*" modes.
    wsse: how requests prove who sends them. "username-digest" (the default): a UsernameToken
        with PasswordDigest, nonce and creation time; "username-text": the password itself (only
        over TLS); "x509": a WS-Security X.509 signature, with `wsse_key`, of the soap:Body and a
        wsu:Timestamp, the certificate `wsse_cert` carried as a BinarySecurityToken; "none": no
        WS-Security header (the service authenticates the TLS client certificate, or nobody).
    use_digest: the older spelling of the two username modes: False with `wsse` left at its
        default means "username-text".
    wsse_cert / wsse_key: PEM certificate and private key that sign in "x509" mode.
    ca_bundle: PEM file of the certificates that https server certificates must chain to;
        None trusts the system's store. Host names are always checked.
    client_cert / client_key: PEM certificate (and its key, unless in the same file) presented
        to services that require mutual TLS.
    connect_timeout / read_timeout: seconds to open a connection, and to wait for each read of
        the answer. A read timeout is never retried: the service may be working on the request.
    retries: extra attempts for idempotent reads, only when the request cannot have reached the
        service (see `Unavailable.retryable`); writes are sent once.
    backoff: first pause between read attempts in seconds, doubled each time up to backoff_max.
    deadline: seconds a whole call may take, retries and pauses included (None: bounded only
        by the timeouts and retries). No retry starts that its pause would take past it, and
        each wait of an attempt is cut to what is left.
    breaker_threshold / breaker_reset: consecutive failures that open the circuit, and seconds
    before a probe call is let through.
    """

    wsdl_url: str
    username: str = ""
    password: str = field(default="", repr=False)
    endpoint: str | None = None
    use_digest: bool = True
    wsse: WsseMode = "username-digest"
    wsse_cert: str | None = None
    wsse_key: str | None = None
    ca_bundle: str | None = None
    client_cert: str | None = None
    client_key: str | None = None
    connect_timeout: float = 2.0
    read_timeout: float = 5.0
    retries: int = 2
    backoff: float = 0.2
    backoff_max: float = 2.0
    deadline: float | None = None
    breaker_threshold: int = 5
    breaker_reset: float = 30.0

    def __post_init__(self) -> None:
        if self.wsse not in WSSE_MODES:
            raise ValueError(f"wsse must be one of {', '.join(WSSE_MODES)}, not {self.wsse!r}")
        if self.wsse == "username-digest" and not self.use_digest:
            object.__setattr__(self, "wsse", "username-text")
        if self.wsse == "x509" and not (self.wsse_cert and self.wsse_key):
            raise ValueError('wsse "x509" needs wsse_cert and wsse_key')
        if self.client_key and not self.client_cert:
            raise ValueError("client_key without client_cert")
        if self.deadline is not None and not self.deadline > 0:
            raise ValueError("deadline must be a positive number of seconds")


class _ClientCache:
    """zeep clients and HTTP sessions by settings: building a client parses the WSDL (~30 ms),
    a session loads the trust store, so each is done once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: dict[ConnectorSettings, tuple[zeep.Client, Any]] = {}
        self._sessions: dict[ConnectorSettings, requests.Session] = {}

    def get(self, settings: ConnectorSettings) -> tuple[zeep.Client, Any]:
        """(client, service proxy) for `settings`; a failed load is not cached."""
        with self._lock:
            cached = self._clients.get(settings)
        if cached is not None:
            return cached
        built = _build_client(settings, self.session(settings))
        with self._lock:
            # Two threads may both have built one; keep the first so everybody shares it.
            return self._clients.setdefault(settings, built)

    def session(self, settings: ConnectorSettings) -> requests.Session:
        """The HTTP session of `settings` (its TLS context; certificate files read once)."""
        with self._lock:
            cached = self._sessions.get(settings)
        if cached is not None:
            return cached
        built = new_session(settings.ca_bundle, settings.client_cert, settings.client_key)
        with self._lock:
            return self._sessions.setdefault(settings, built)

    def clear(self) -> None:
        with self._lock:
            self._clients.clear()
            self._sessions.clear()


clients = _ClientCache()


def _build_client(
    settings: ConnectorSettings, session: requests.Session
) -> tuple[zeep.Client, Any]:
    timeouts = (settings.connect_timeout, settings.read_timeout)
    transport = Transport(session=session, timeout=timeouts, operation_timeout=timeouts)
    wsse = security_for(
        settings.wsse,
        username=settings.username,
        password=settings.password,
        cert_file=settings.wsse_cert,
        key_file=settings.wsse_key,
    )
    client = zeep.Client(
        settings.wsdl_url,
        transport=transport,
        wsse=wsse,
        settings=zeep.Settings(strict=True, forbid_entities=True, forbid_external=True),
    )
    if settings.endpoint:
        binding = next(iter(client.wsdl.bindings))
        return client, client.create_service(binding, settings.endpoint)
    return client, client.service


def map_error(service: str, error: Exception, *, sent: bool | None = None) -> ConnectorError:
    """The typed ConnectorError for an exception raised by zeep or requests.

    `sent` says whether the failed request had started to go out (`request_sent()`); None:
    unknown, judged from the exception alone. Only an Unavailable whose request cannot have
    reached the service is `retryable`.
    """
    if isinstance(error, ConnectorError):
        return error
    if isinstance(error, zeep.exceptions.Fault):
        return _map_fault(service, error)
    if isinstance(error, zeep.exceptions.TransportError):
        return _map_status(service, error.status_code)
    if isinstance(error, requests.HTTPError) and error.response is not None:
        # raise_for_status() of a WSDL or schema download.
        status = error.response.status_code
        return Unavailable(service, f"HTTP {status} loading the contract", retryable=status == 503)
    if isinstance(error, requests.exceptions.SSLError):
        # An untrusted or mismatched certificate, or ours refused: configuration, not chance.
        return Unavailable(service, f"TLS failed: {_reason(error)}", retryable=False)
    if isinstance(error, requests.Timeout):
        kind = type(error).__name__
        return Unavailable(service, f"timeout: {kind}", retryable=_not_sent(error, sent))
    if isinstance(error, requests.RequestException):
        kind = type(error).__name__
        return Unavailable(service, f"connection failed: {kind}", retryable=_not_sent(error, sent))
    if isinstance(error, zeep.exceptions.ValidationError):
        return Invalid(service, f"request does not fit the contract: {error}")
    if isinstance(error, zeep.exceptions.Error | etree.LxmlError):
        return Unavailable(
            service, f"unusable answer: {type(error).__name__}: {error}", retryable=False
        )
    return Unavailable(service, f"unexpected {type(error).__name__}: {error}", retryable=False)


def _map_status(service: str, status: int) -> ConnectorError:
    """An HTTP status that came without a SOAP envelope."""
    if status in (401, 403):
        return AuthenticationFailed(service, f"HTTP {status}")
    if 400 <= status < 500 and status not in (404, 408, 429):
        return Invalid(service, f"HTTP {status}")
    # A 503 without a SOAP answer is a server or proxy refusing before any processing.
    return Unavailable(service, f"HTTP {status}", retryable=status == 503)


def _not_sent(error: requests.RequestException, sent: bool | None) -> bool:
    """True when the failed request cannot have reached the service."""
    if sent is not None:
        return not sent
    if isinstance(error, requests.ConnectTimeout):
        return True
    reason = getattr(error.args[0], "reason", None) if error.args else None
    # Connection refused, or the name did not resolve: the socket never opened.
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def _reason(error: requests.RequestException) -> str:
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return str(reason or error)[:200]


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
        # The service itself says it did not serve the request: that one may be sent again.
        retryable = code == "Server.Unavailable"
        return Unavailable(service, message, legacy, fault_code=code, retryable=retryable)
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
        self._clock = clock

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
            session = clients.session(self.settings)
            answer = session.get(
                self.settings.wsdl_url,
                timeout=(self.settings.connect_timeout, self.settings.read_timeout),
            )
        except (requests.RequestException, OSError):
            return False
        return answer.status_code == 200

    def _call(self, operation: str, *, idempotent: bool, **params: Any) -> Any:
        """Call `operation`; returns the answer as plain dicts/lists (never zeep objects).

        Idempotent calls are retried up to `settings.retries` times, with exponential backoff,
        when the failure is a `retryable` Unavailable (the request cannot have reached the
        service) and the pause still ends within the deadline; others are sent at most once.
        """
        settings = self.settings
        attempts = 1 + (max(settings.retries, 0) if idempotent else 0)
        ends = None if settings.deadline is None else self._clock() + settings.deadline
        for attempt in range(1, attempts + 1):
            left = None if ends is None else ends - self._clock()
            try:
                return self._attempt(operation, attempt, params, left)
            except CircuitOpen:
                raise
            except Unavailable as e:
                pause = min(settings.backoff * 2 ** (attempt - 1), settings.backoff_max)
                if attempt == attempts or not e.retryable:
                    raise
                if ends is not None and self._clock() + pause >= ends:
                    raise
                self._sleep(pause)
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(
        self, operation: str, attempt: int, params: dict[str, Any], left: float | None
    ) -> Any:
        started = time.perf_counter()
        error: ConnectorError | None = None
        if not self.breaker.allow():
            error = CircuitOpen(self.service, "circuit open: failing fast")
            self._log(operation, attempt, started, error)
            raise error
        try:
            with time_left(left):
                _client, proxy = clients.get(self.settings)
                answer = getattr(proxy, operation)(**params)
            return serialize_object(answer, dict)
        except Exception as e:  # every failure must reach the breaker and become typed
            error = map_error(self.service, e, sent=request_sent())
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
