"""Exceptions of zeep and requests become the typed connector errors."""

from __future__ import annotations

import pytest
import requests
from lxml import etree
from zeep.exceptions import Fault, TransportError, ValidationError

from connectors import (
    AuthenticationFailed,
    ConnectorError,
    Invalid,
    NotFound,
    Rejected,
    Unavailable,
)
from connectors.base import map_error


def fault(code: str, legacy: str | None = "X-1") -> Fault:
    detail = etree.fromstring(
        f"<detail><t:ServiceFault xmlns:t='urn:t'><t:code>{legacy}</t:code></t:ServiceFault>"
        "</detail>"
    )
    return Fault("message", code=code, detail=detail if legacy else None)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("soap:Client.NotFound", NotFound),
        ("soap11env:Client.Authentication", AuthenticationFailed),
        ("soap:Client.AlreadyPaid", Rejected),
        ("soap:Client.NotPayable", Rejected),
        ("soap:Client.Underpaid", Rejected),
        ("soap:Client.Invalid", Invalid),
        ("soap:Client", Invalid),
        ("soap:VersionMismatch", Invalid),
        ("soap:Server.Unavailable", Unavailable),
        ("soap:Server", Unavailable),
    ],
)
def test_fault_codes(code: str, kind: type[ConnectorError]) -> None:
    error = map_error("fines", fault(code))
    assert type(error) is kind
    assert error.legacy_code == "X-1"
    assert error.fault_code == code.split(":")[1]
    assert error.service == "fines"


def test_fault_without_detail_has_no_legacy_code() -> None:
    assert map_error("fines", fault("soap:Client.NotFound", legacy=None)).legacy_code is None


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (TransportError(status_code=503), Unavailable),
        (TransportError(status_code=502), Unavailable),
        (TransportError(status_code=404), Unavailable),
        (TransportError(status_code=401), AuthenticationFailed),
        (TransportError(status_code=400), Invalid),
        (requests.ReadTimeout(), Unavailable),
        (requests.ConnectionError(), Unavailable),
        (ValidationError("Missing element"), Invalid),
    ],
)
def test_transport_errors(error: Exception, kind: type[ConnectorError]) -> None:
    assert type(map_error("health", error)) is kind


def test_retryable_flag_tells_the_caller_what_to_do() -> None:
    assert Unavailable("s", "m").retryable
    assert not any(k("s", "m").retryable for k in (NotFound, Invalid, Rejected))
