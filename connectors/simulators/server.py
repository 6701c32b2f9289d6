"""One WSGI app serving the three simulated services and their control endpoints."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol
from wsgiref.types import StartResponse, WSGIEnvironment

from lxml import etree
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from connectors.simulators.clock import SimulatedClock, today_in_rome
from connectors.simulators.control import KnobError, ServiceControl
from connectors.simulators.fines_service import FinesService
from connectors.simulators.health_service import HealthService
from connectors.simulators.school_service import SchoolService
from connectors.simulators.signature import X509SignatureChecker
from connectors.simulators.soap import (
    WSSE,
    Contract,
    SoapFault,
    UsernameTokenChecker,
    check_header_entries,
    check_soap_action,
    envelope,
    load_contract,
    parse_envelope,
    parse_exact,
)
from connectors.simulators.transport import (
    MAX_CONTROL_BYTES,
    MAX_SOAP_BYTES,
    discard_body,
    fault_response,
    json_response,
    read_request,
    soap_body,
    xml_response,
)

if TYPE_CHECKING:
    from lxml.etree import _Element

logger = logging.getLogger("connectors.simulators")

SERVICES = ("fines", "school", "health")
LEGACY_PREFIX = {"fines": "PL", "school": "SC", "health": "FSE"}
# The only header entry the services process: a mustUnderstand="1" on any other is a fault.
UNDERSTOOD_HEADERS = {f"{{{WSSE}}}Security"}


class SimulatedService(Protocol):
    namespace: str
    operations: dict[str, Callable[[_Element], _Element]]

    def reset(self) -> None: ...

    def counters(self) -> dict[str, Any]: ...


class SimulatorApp:
    """WSGI app: `/<service>` (POST SOAP, GET ?wsdl) and `/_control/...` (JSON).

    Callers prove who they are with a WS-Security UsernameToken (`username`, `password`),
    except for the services named in `signers`: those want a WS-Security X.509 signature by
    one of the PEM certificates listed for them (`signature.X509SignatureChecker`).
    """

    def __init__(
        self,
        username: str,
        password: str,
        today: Callable[[], date] = today_in_rome,
        *,
        signers: Mapping[str, Iterable[bytes | str]] | None = None,
    ):
        self.clock = SimulatedClock(today)
        self.services: dict[str, SimulatedService] = {
            "fines": FinesService(self.clock.today),
            "school": SchoolService(self.clock.today),
            "health": HealthService(self.clock.today),
        }
        self.contracts: dict[str, Contract] = {name: load_contract(name) for name in SERVICES}
        self.controls = {name: ServiceControl(name) for name in SERVICES}
        self._auth = UsernameTokenChecker(username, password)
        unknown = set(signers or {}) - set(SERVICES)
        if unknown:
            raise ValueError(f"unknown services in signers: {', '.join(sorted(unknown))}")
        self._signatures = {
            name: X509SignatureChecker(certificates)
            for name, certificates in (signers or {}).items()
        }
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
        request = read_request(environ, MAX_SOAP_BYTES)
        try:
            response = self._answer(request)
        except Exception:
            # Never a traceback or an HTML page: a SOAP client gets a SOAP fault.
            logger.exception("simulator failed on %s %s", request.method, request.path)
            fault = SoapFault("Server.Internal", "Internal error", None)
            response = fault_response(fault, None)
        return response(environ, start_response)

    def _answer(self, request: Request) -> Response:
        if request.path.startswith("/_control"):
            request.max_content_length = MAX_CONTROL_BYTES
            status, body = self._control(request)
            return json_response(status, body)
        name = request.path.strip("/")
        if name not in self.services:
            return fault_response(SoapFault("Client", "No such service", None, status=404), None)
        namespace = self.contracts[name].namespace
        if self.controls[name].knobs.down:
            # Only reached under another WSGI server: ours drops the connection before this.
            fault = SoapFault("Server.Unavailable", "Service down", None, status=503)
            return fault_response(fault, namespace)
        if request.method in ("GET", "HEAD") and _asks_for_wsdl(request):
            if not request.host:
                fault = SoapFault("Client", "Missing or invalid Host header", None, status=400)
                return fault_response(fault, namespace)
            return xml_response(self.contracts[name].wsdl_at(request.base_url))
        if request.method != "POST":
            fault = SoapFault("Client", "SOAP requests are POSTed", None, status=405)
            return fault_response(fault, namespace)
        try:
            payload, charset = soap_body(request)
            response = self._soap(name, payload, charset, request.headers.get("SOAPAction"))
        except SoapFault as fault:
            return fault_response(fault, namespace)
        return xml_response(response)

    def _soap(
        self, name: str, payload: bytes, charset: str | None, soap_action: str | None
    ) -> bytes:
        """The response envelope to one SOAP request, or the SoapFault that answers it."""
        contract, control = self.contracts[name], self.controls[name]
        header, request = parse_envelope(payload, charset)
        check_header_entries(header, UNDERSTOOD_HEADERS)
        operation = _operation(contract, request)
        if operation is None:
            control.count_call("unknown")
            raise SoapFault("Client.Invalid", "Unknown operation", "SOAP-404")
        check_soap_action(soap_action, operation, contract.actions[operation])
        control.count_call(operation)
        # A call's fate is drawn when it arrives: a slow call that its client gave up on
        # must not, when it wakes, take a fault meant for a later call.
        injected = control.draw_failure(operation)
        latency = control.knobs.latency_ms
        if latency:
            time.sleep(latency / 1000)
        if injected:
            status = "503" if injected.startswith("Server") else "400"
            raise SoapFault(injected, "Simulated fault", f"{LEGACY_PREFIX[name]}-{status}")
        signatures = self._signatures.get(name)
        if signatures is None:
            self._auth.check(header)
        else:
            signatures.check(parse_exact(payload, charset))
        self._validate(name, request, "Client.Invalid")
        response = self.services[name].operations[operation](request)
        self._validate(name, response, "Server.Internal")
        return envelope(response)

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

    def _control(self, request: Request) -> tuple[int, Any]:
        target = request.path.removeprefix("/_control").strip("/")
        if request.method == "GET" and target == "state":
            return 200, self.state()
        if request.method != "POST":
            return 405, {"error": "use POST"}
        if target == "reset":
            self.reset()
            return 200, self.state()
        if target == "clock":
            return self._move_clock(request)
        if target not in self.controls:
            return 404, {"error": f"unknown service {target!r}"}
        try:
            changes = json.loads(request.get_data() or b"{}")
            if not isinstance(changes, dict):
                raise KnobError("expected a JSON object")
            self.controls[target].update(changes)
        except RequestEntityTooLarge:
            discard_body(request)
            return 413, {"error": f"larger than {MAX_CONTROL_BYTES} bytes"}
        except (ValueError, KnobError) as e:
            return 400, {"error": str(e)}
        return 200, self.state()["services"][target]

    def _move_clock(self, request: Request) -> tuple[int, Any]:
        """``POST /_control/clock {"days_ahead": N}``: every office's today is N days later."""
        try:
            changes = json.loads(request.get_data() or b"{}")
            if not isinstance(changes, dict) or set(changes) != {"days_ahead"}:
                raise KnobError('expected {"days_ahead": N}')
            self.clock.move(changes["days_ahead"])
        except RequestEntityTooLarge:
            discard_body(request)
            return 413, {"error": f"larger than {MAX_CONTROL_BYTES} bytes"}
        except (ValueError, KnobError) as e:
            return 400, {"error": str(e)}
        return 200, self.clock.snapshot()

    def state(self) -> dict[str, Any]:
        return {
            "clock": self.clock.snapshot(),
            "services": {
                name: {**self.controls[name].snapshot(), **self.services[name].counters()}
                for name in SERVICES
            },
        }

    def reset(self) -> None:
        """Knobs to defaults, counters to zero, the clock back to today, data reloaded from
        the seed files."""
        self.clock.move(0)
        for name in SERVICES:
            self.controls[name].reset()
            self.services[name].reset()


def _operation(contract: Contract, request: _Element) -> str | None:
    qname = etree.QName(request)
    if qname.namespace != contract.namespace:
        return None
    return contract.operations.get(qname.localname)


def _asks_for_wsdl(request: Request) -> bool:
    """`?wsdl` (any case, with or without a value), as SOAP stacks publish their contract."""
    keys = {part.split(b"=", 1)[0].lower() for part in request.query_string.split(b"&")}
    return b"wsdl" in keys
