"""One WSGI app serving the three simulated services and their control endpoints."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol
from wsgiref.types import StartResponse, WSGIEnvironment

from lxml import etree

from connectors.simulators.clock import today_in_rome
from connectors.simulators.control import KnobError, ServiceControl
from connectors.simulators.fines_service import FinesService
from connectors.simulators.health_service import HealthService
from connectors.simulators.school_service import SchoolService
from connectors.simulators.soap import (
    Contract,
    SoapFault,
    UsernameTokenChecker,
    envelope,
    fault_envelope,
    load_contract,
    parse_envelope,
)

if TYPE_CHECKING:
    from lxml.etree import _Element

logger = logging.getLogger("connectors.simulators")

SERVICES = ("fines", "school", "health")
LEGACY_PREFIX = {"fines": "PL", "school": "SC", "health": "FSE"}
MAX_BODY = 1_000_000


class SimulatedService(Protocol):
    namespace: str
    operations: dict[str, Callable[[_Element], _Element]]

    def reset(self) -> None: ...

    def counters(self) -> dict[str, Any]: ...


class SimulatorApp:
    """WSGI app: `/<service>` (POST SOAP, GET ?wsdl) and `/_control/...` (JSON)."""

    def __init__(self, username: str, password: str, today: Callable[[], date] = today_in_rome):
        self.services: dict[str, SimulatedService] = {
            "fines": FinesService(today),
            "school": SchoolService(today),
            "health": HealthService(today),
        }
        self.contracts: dict[str, Contract] = {name: load_contract(name) for name in SERVICES}
        self.controls = {name: ServiceControl(name) for name in SERVICES}
        self._auth = UsernameTokenChecker(username, password)
        # lxml schema objects keep their error log on the instance: one validation at a time.
        self._schema_locks = {name: threading.Lock() for name in SERVICES}

    def refuses(self, path: str) -> bool:
        """True when the service addressed by `path` is down: its connection must be dropped."""
        control = self.controls.get(path.split("?", 1)[0].strip("/"))
        if control is None or not control.knobs.down:
            return False
        control.count_drop()
        return True

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        if path.startswith("/_control"):
            status, body = self._control(method, path, environ)
            return _send(start_response, status, "application/json", json.dumps(body).encode())
        name = path.strip("/")
        if name not in self.services:
            return _send(start_response, "404 Not Found", "text/plain", b"no such service\n")
        if self.controls[name].knobs.down:
            # Only reached under another WSGI server: ours drops the connection before this.
            return _send(start_response, "503 Service Unavailable", "text/plain", b"")
        if method == "GET" and environ.get("QUERY_STRING", "").lower().startswith("wsdl"):
            wsdl = self.contracts[name].wsdl_at(_own_url(environ))
            return _send(start_response, "200 OK", "text/xml; charset=utf-8", wsdl)
        if method != "POST":
            return _send(start_response, "405 Method Not Allowed", "text/plain", b"POST SOAP\n")
        status, body = self._soap(name, _read_body(environ))
        return _send(start_response, status, "text/xml; charset=utf-8", body)

    def _soap(self, name: str, payload: bytes) -> tuple[str, bytes]:
        contract, control = self.contracts[name], self.controls[name]
        try:
            header, request = parse_envelope(payload)
            operation = _operation(contract, request)
            control.count_call(operation or "unknown")
            if operation is None:
                raise SoapFault("Client.Invalid", "Unknown operation", "SOAP-404")
            # A call's fate is drawn when it arrives: a slow call that its client gave up on
            # must not, when it wakes, take a fault meant for a later call.
            injected = control.draw_failure(operation)
            latency = control.knobs.latency_ms
            if latency:
                time.sleep(latency / 1000)
            if injected:
                status = "503" if injected.startswith("Server") else "400"
                raise SoapFault(injected, "Simulated fault", f"{LEGACY_PREFIX[name]}-{status}")
            self._auth.check(header)
            self._validate(name, request, "Client.Invalid")
            response = self.services[name].operations[operation](request)
            self._validate(name, response, "Server.Internal")
        except SoapFault as fault:
            return "500 Internal Server Error", fault_envelope(fault, contract.namespace)
        return "200 OK", envelope(response)

    def _validate(self, name: str, element: _Element, code: str) -> None:
        schema = self.contracts[name].schema
        with self._schema_locks[name]:
            if schema.validate(element):
                return
            error = schema.error_log.last_error
        message = error.message if error is not None else "invalid message"
        if code.startswith("Server"):
            logger.error("simulator %s built an invalid response: %s", name, message)
        raise SoapFault(code, f"Schema validation failed: {message}", "XSD-001")

    def _control(self, method: str, path: str, environ: WSGIEnvironment) -> tuple[str, Any]:
        target = path.removeprefix("/_control").strip("/")
        if method == "GET" and target == "state":
            return "200 OK", self.state()
        if method != "POST":
            return "405 Method Not Allowed", {"error": "use POST"}
        if target == "reset":
            self.reset()
            return "200 OK", self.state()
        if target not in self.controls:
            return "404 Not Found", {"error": f"unknown service {target!r}"}
        try:
            changes = json.loads(_read_body(environ) or b"{}")
            if not isinstance(changes, dict):
                raise KnobError("expected a JSON object")
            self.controls[target].update(changes)
        except (ValueError, KnobError) as e:
            return "400 Bad Request", {"error": str(e)}
        return "200 OK", self.state()["services"][target]

    def state(self) -> dict[str, Any]:
        return {
            "services": {
                name: {**self.controls[name].snapshot(), **self.services[name].counters()}
                for name in SERVICES
            }
        }

    def reset(self) -> None:
        """Knobs to defaults, counters to zero, data reloaded from the seed files."""
        for name in SERVICES:
            self.controls[name].reset()
            self.services[name].reset()


def _operation(contract: Contract, request: _Element) -> str | None:
    qname = etree.QName(request)
    if qname.namespace != contract.namespace:
        return None
    return contract.operations.get(qname.localname)


def _read_body(environ: WSGIEnvironment) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(min(length, MAX_BODY)) if length > 0 else b""


def _own_url(environ: WSGIEnvironment) -> str:
    host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
    scheme = environ.get("wsgi.url_scheme", "http")
    return f"{scheme}://{host}{environ.get('SCRIPT_NAME', '')}{environ.get('PATH_INFO', '')}"


def _send(
    start_response: StartResponse, status: str, content_type: str, body: bytes
) -> list[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]
