"""Errors of the legacy-service connectors: the subclass tells the caller what to do."""

from __future__ import annotations


class ConnectorError(Exception):
    """A legacy service call did not succeed.

    `service` names the service ("fines", "school", "health"); `legacy_code` is the error code the
    legacy system put in the SOAP fault detail, if any; `fault_code` the SOAP faultcode without
    prefix. `retryable` (the class's value unless given) says whether sending the request again
    may succeed. Messages are for logs, never for users.
    """

    retryable = False

    def __init__(
        self,
        service: str,
        message: str,
        legacy_code: str | None = None,
        *,
        fault_code: str | None = None,
        retryable: bool | None = None,
    ) -> None:
        super().__init__(f"{service}: {message}")
        self.service = service
        self.message = message
        self.legacy_code = legacy_code
        self.fault_code = fault_code
        if retryable is not None:
            self.retryable = retryable


class NotFound(ConnectorError):
    """The legacy system has no such record. Do not retry."""


class InvalidIdentifier(NotFound):
    """An identifier is not well formed (shape, charset, length, check character), so no record
    can have it. A NotFound on purpose: callers answer 404, as for a record that does not exist,
    never "the service is unreachable". Raised by a facade before any network call, or when the
    service's schema refused an identifier. `identifier` names the parameter ("document_id") when
    the facade refused it, and then the untrusted value stays out of the message. Do not
    retry."""

    def __init__(
        self,
        service: str,
        message: str,
        legacy_code: str | None = None,
        *,
        fault_code: str | None = None,
        identifier: str | None = None,
    ) -> None:
        super().__init__(service, message, legacy_code, fault_code=fault_code)
        self.identifier = identifier


class Invalid(ConnectorError):
    """The request was refused as malformed or not allowed: the caller's data is wrong. Do not
    retry."""


class AuthenticationFailed(Invalid):
    """The service refused our WS-Security credentials: a configuration error. Do not retry."""


class Rejected(ConnectorError):
    """A business rule refused the request (e.g. the fine is already paid). Do not retry."""


class Unavailable(ConnectorError):
    """The service could not answer (timeout, connection refused or dropped, HTTP 5xx, Server
    fault, TLS refused). Try again later; for writes, only through a mechanism that tolerates a
    duplicate.

    `retryable` True: the request cannot have reached the service (connection refused or reset
    before a byte was sent, DNS failure, connect timeout, HTTP 503 without a SOAP answer, the
    service's own Server.Unavailable fault), so a read may be sent again at once. False: it may
    have reached it and still be at work (read timeout, connection dropped after sending, any
    other Server fault or HTTP status), or it cannot succeed as configured (the TLS handshake
    failed: an untrusted certificate, or ours refused); sending it again now only doubles the
    wait, or the load on a struggling service.
    """

    retryable = True


class CircuitOpen(Unavailable):
    """Too many consecutive failures: calls fail fast, without touching the network, until the
    breaker lets a probe through."""
