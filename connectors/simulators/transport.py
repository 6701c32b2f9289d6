"""SOAP 1.1 over HTTP for the simulators: werkzeug reads the request, answers are envelopes.

werkzeug parses headers, media types and the query string and bounds the body
(`max_content_length`); this module adds the SOAP 1.1 HTTP binding's rules and turns every
refusal into a `SoapFault` carrying its HTTP status.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.wrappers import Request, Response
from werkzeug.wsgi import LimitedStream

from connectors.simulators.soap import SoapFault, fault_envelope

XML = "text/xml; charset=utf-8"
MAX_SOAP_BYTES = 1_000_000
MAX_CONTROL_BYTES = 64 * 1024
# A refused body up to this many times the bound is read and dropped: a client still sending
# then reads the answer instead of a reset connection.
_DRAIN_FACTOR = 8


def read_request(environ: dict[str, Any], max_bytes: int) -> Request:
    """A werkzeug request whose body may not exceed `max_bytes` (413 past it)."""
    request = Request(environ, populate_request=False)
    request.max_content_length = max_bytes
    return request


def soap_body(request: Request) -> tuple[bytes, str | None]:
    """The body of a SOAP 1.1 request and the charset its Content-Type declares (None: none).

    SOAP 1.1 travels as `text/xml` (section 6): another media type is a 415 Client fault, SOAP
    1.2's `application/soap+xml` a VersionMismatch. A body past the bound is a 413 Client fault;
    a body of unknown length that this server cannot read (chunked, under wsgiref) a 411.
    """
    unknown_length = request.content_length is None and request.headers.get("Transfer-Encoding")
    if unknown_length and not request.environ.get("wsgi.input_terminated"):
        raise SoapFault("Client.Invalid", "Send a Content-Length", "HTTP-411", status=411)
    try:
        payload = request.get_data()
    except RequestEntityTooLarge as e:
        discard_body(request)
        limit = request.max_content_length
        raise SoapFault(
            "Client.Invalid", f"Request larger than {limit} bytes", "HTTP-413", status=413
        ) from e
    if request.mimetype == "application/soap+xml":
        raise SoapFault("VersionMismatch", "Only SOAP 1.1 (text/xml) is supported", "SOAP-002")
    if request.mimetype != "text/xml":
        raise SoapFault(
            "Client.Invalid", "A SOAP 1.1 message is sent as text/xml", "HTTP-415", status=415
        )
    return payload, request.mimetype_params.get("charset")


def discard_body(request: Request) -> None:
    """Read and drop the body of a refused request, when its size is within reason."""
    length = request.content_length
    limit = (request.max_content_length or 0) * _DRAIN_FACTOR
    if not length or length > limit or request.environ.get("wsgi.input_terminated"):
        return
    with contextlib.suppress(OSError, HTTPException):  # a client gone away, or a timeout
        LimitedStream(request.environ["wsgi.input"], length).exhaust()


def fault_response(fault: SoapFault, namespace: str | None) -> Response:
    """A SOAP 1.1 Fault envelope with the fault's HTTP status."""
    response = Response(fault_envelope(fault, namespace), status=fault.status, content_type=XML)
    if fault.status == 405:
        response.headers["Allow"] = "POST"
    return response


def xml_response(body: bytes) -> Response:
    return Response(body, status=200, content_type=XML)


def json_response(status: int, body: Any) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")
