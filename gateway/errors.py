"""Errors become HTTP here, and only here.

API and XHR requests get ``application/problem+json`` (RFC 9457) with a stable ``code``; browsers
get a page in the user's language. Users see an error id; the log has the details. Nothing a
user sees ever contains a stack trace, a SOAP fault or a SAML status message.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as DatabaseTimeout
from werkzeug.exceptions import HTTPException

from connectors import ConnectorError, Unavailable
from connectors import NotFound as LegacyNotFound

from .exceptions import SportelloError

log = logging.getLogger(__name__)

PROBLEM_BASE = "https://sportello.example/problems/"

# Stable codes for the HTTP errors raised by the framework itself.
HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "INVALID_INPUT",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_ERROR",
    502: "BAD_GATEWAY",
    503: "SERVICE_UNAVAILABLE",
    504: "GATEWAY_TIMEOUT",
}


def wants_problem_json() -> bool:
    """API paths, XHR/fetch calls and clients that prefer JSON get problem+json."""
    if request.path.startswith(("/api/", "/counter/api/", "/.well-known/sportello-audit/")):
        return True
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return True
    best = request.accept_mimetypes.best_match(
        ["text/html", "application/json", "application/problem+json"]
    )
    return best in ("application/json", "application/problem+json")


def _titles() -> dict[int, str]:
    return {
        400: _("The request is not valid."),
        401: _("You need to log in to see this page."),
        403: _("You are not allowed to see this page."),
        404: _("The page you are looking for does not exist."),
        405: _("This action is not allowed here."),
        409: _("The request conflicts with the current state."),
        413: _("The file or data sent is too large."),
        415: _("The format of the data sent is not supported."),
        422: _("Some of the data sent is not valid."),
        429: _("Too many requests: please wait a moment and try again."),
        500: _("Something went wrong on our side."),
        502: _("A connected service did not answer correctly."),
        503: _("The service is temporarily unavailable: please try again later."),
        504: _("A connected service did not answer in time."),
    }


def _problem_titles() -> dict[int, str]:
    """The titles of problem+json answers: a program, or a page's script, reads them, so
    they speak of the request, not of a page."""
    return {
        **_titles(),
        401: _("This request needs you to log in or to authenticate."),
        403: _("This request is not allowed."),
        404: _("What this request asks for does not exist."),
    }


def problem_body(status: int, code: str, detail: str | None = None) -> dict[str, Any]:
    """The one problem+json shape (RFC 9457): ``type``, ``code``, ``title``, ``status``,
    ``detail``, ``instance`` and ``request_id``; ``title`` is the status's words, ``detail``
    the error's own message (the title again when there is none), both in the reader's
    language. ``instance`` and ``request_id`` are those of the request being answered."""
    title = _problem_titles().get(status, _("The request could not be completed."))
    return {
        "type": PROBLEM_BASE + code.lower().replace("_", "-"),
        "code": code,
        "title": title,
        "status": status,
        "detail": detail or title,
        "instance": request.path,
        "request_id": getattr(g, "request_id", None),
    }


def problem(status: int, code: str, detail: str | None = None, **extra: Any) -> Response:
    body = problem_body(status, code, detail)
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def error_response(
    status: int,
    code: str,
    message: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    title = _titles().get(status, _("The request could not be completed."))
    if wants_problem_json():
        response = problem(status, code, message, **extra)
    else:
        html = render_template(
            "errors/error.html",
            status=status,
            title=title,
            message=message,
            code=code,
            request_id=getattr(g, "request_id", None),
        )
        response = Response(html, status=status, mimetype="text/html")
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(SportelloError)
    def _domain(e: SportelloError) -> Response:
        log.info("request refused: %s %s", e.code, e.detail or e.user_message)
        return error_response(e.status, e.code, e.user_message, **safe_extra(e.extra))

    @app.errorhandler(ConnectorError)
    def _legacy(e: ConnectorError) -> Response:
        """A legacy system failed a whole page: say which, in plain words; never its fault text."""
        log.warning("legacy %s failed: %s (%s)", e.service, type(e).__name__, e.legacy_code)
        if isinstance(e, LegacyNotFound):
            return error_response(404, "NOT_FOUND")
        if isinstance(e, Unavailable):
            return error_response(
                503,
                "LEGACY_UNAVAILABLE",
                legacy_unavailable_message(e.service),
                headers={"Retry-After": "30"},
                service=e.service,
            )
        return error_response(
            502, "LEGACY_ERROR", legacy_unavailable_message(e.service), service=e.service
        )

    @app.errorhandler(CSRFError)
    def _csrf(e: CSRFError) -> Response:
        log.info("CSRF check failed: %s", e.description)
        return error_response(
            400, "CSRF_FAILED", _("The form has expired: please reload the page and try again.")
        )

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException) -> Response:
        status = e.code or 500
        headers = {}
        valid_methods = getattr(e, "valid_methods", None)
        if status == 405 and valid_methods:
            headers["Allow"] = ", ".join(valid_methods)
        retry_after = getattr(e, "retry_after", None)
        if status == 429 and retry_after:
            headers["Retry-After"] = str(retry_after)
        return error_response(status, HTTP_CODES.get(status, "HTTP_ERROR"), headers=headers)

    @app.errorhandler(OperationalError)
    @app.errorhandler(DatabaseTimeout)
    def _database(e: Exception) -> Response:
        """The database is down or its pool is exhausted: a page that needs neither."""
        log.error("database unavailable: %s", type(e).__name__)
        database_unavailable()
        return error_response(503, "DATABASE_UNAVAILABLE", headers={"Retry-After": "5"})

    @app.errorhandler(Exception)
    def _unexpected(e: Exception) -> Response:
        log.exception("unhandled error")
        return error_response(500, "INTERNAL_ERROR")


def database_unavailable() -> None:
    """From here on this request renders without the database: nobody is logged in."""
    g.database_unavailable = True
    g.identity = None
    session = g.pop("db_session", None)
    if session is not None:
        try:
            session.close()
        except Exception:  # closing a broken connection may fail too; the pool discards it
            log.debug("closing the request's session failed", exc_info=True)


def safe_extra(extra: dict[str, Any]) -> dict[str, Any]:
    """Only plain scalar values an API client can use travel in the problem body."""
    return {k: v for k, v in extra.items() if isinstance(v, str | int | float | bool)}


def legacy_unavailable_message(service: str) -> str:
    """Plain words for "that office's system is not answering", per service."""
    from .features import registry

    declared = registry().legacy_services.get(service)
    return _(
        "We cannot reach %(system)s right now. The rest of the portal works: "
        "please try this page again in a few minutes.",
        system=str(declared.label) if declared else service,
    )
