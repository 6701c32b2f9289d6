"""How the built-in test servers (test IdP, test OP) read HTTP requests: werkzeug, strictly.

werkzeug parses; this module adds the rules it leaves to the application. Every body has a
bound (`max_content_length`, 413 past it). A form is `application/x-www-form-urlencoded` in
UTF-8, raw or percent-encoded: werkzeug 3 reads every form as UTF-8 and makes one that is not
an empty form, silently, so another declared charset is a 415 and other bytes a 400. A query
string is ASCII whose percent-escapes decode as UTF-8 (werkzeug's `args` raises
UnicodeDecodeError on raw bytes that are not UTF-8). Refusals are werkzeug `HTTPException`s,
which each server answers in its own format.
"""

from __future__ import annotations

import contextlib
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote_to_bytes

from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    RequestEntityTooLarge,
    UnsupportedMediaType,
)
from werkzeug.wrappers import Request
from werkzeug.wsgi import LimitedStream

FORM = "application/x-www-form-urlencoded"
_UTF8_CHARSETS = {"utf-8", "utf8", "us-ascii", "ascii"}  # ASCII forms are UTF-8 forms
# A refused body up to this many times the bound is read and dropped: a client still sending
# then reads the answer instead of a reset connection.
_DRAIN_FACTOR = 8


def read_request(environ: dict[str, Any], max_body: int) -> Request:
    """A werkzeug request whose body may not exceed `max_body` bytes."""
    request = Request(environ, populate_request=False)
    request.max_content_length = max_body
    return request


def form(request: Request) -> MultiDict[str, str]:
    """The form fields of `request`; an empty body is an empty form.

    Raises RequestEntityTooLarge (413), UnsupportedMediaType (415) or BadRequest (400).
    """
    try:
        body = request.get_data(cache=True)
    except RequestEntityTooLarge:
        discard_body(request)
        limit = request.max_content_length
        raise RequestEntityTooLarge(f"A request body is at most {limit} bytes.") from None
    if not body:
        return ImmutableMultiDict()
    if request.mimetype != FORM:
        raise UnsupportedMediaType(f"A form is sent as {FORM}.")
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in _UTF8_CHARSETS:
        raise UnsupportedMediaType("A form is sent in UTF-8.")
    _check_utf8(body, "The form")
    return request.form


def query_string(request: Request) -> str:
    """The raw query string (for signatures computed over it, as SAML's Redirect binding's)."""
    try:
        text = request.query_string.decode("ascii")
    except UnicodeDecodeError:
        raise BadRequest("The query string is not ASCII.") from None
    _check_utf8(request.query_string, "The query string")
    return text


def args(request: Request) -> MultiDict[str, str]:
    """The query string's parameters."""
    query_string(request)
    return request.args


def discard_body(request: Request) -> None:
    """Read and drop the body of a refused request, when its size is within reason."""
    length = request.content_length
    limit = (request.max_content_length or 0) * _DRAIN_FACTOR
    if not length or length > limit or request.environ.get("wsgi.input_terminated"):
        return
    with contextlib.suppress(OSError, HTTPException):  # a client gone away, or a timeout
        LimitedStream(request.environ["wsgi.input"], length).exhaust()


def status_line(code: int) -> str:
    """`404 Not Found`, as HTTP spells it (werkzeug alone would send `404 NOT FOUND`)."""
    return f"{code} {HTTPStatus(code).phrase}"


def _check_utf8(data: bytes, what: str) -> None:
    # Separators are ASCII and UTF-8 is self-synchronising: the whole decodes if every field does.
    try:
        unquote_to_bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(f"{what} is not UTF-8.") from None
