"""Logging: a request id on every line, JSON lines in production, plain text for the demo."""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
from typing import Any

from flask import Flask, Response, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class RequestIdFilter(logging.Filter):
    """Put the current request id (or '-') on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = getattr(g, "request_id", "-") if has_request_context() else "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in out:
                out[key] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str, ensure_ascii=False)


def configure_logging(level: str, json_lines: bool) -> None:
    """Configure the root logger once per process (idempotent for tests creating many apps)."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "_sportello", False)), None)
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
        handler._sportello = True  # type: ignore[attr-defined]
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
    formatter: logging.Formatter
    if json_lines:
        formatter = JsonFormatter()
    else:
        formatter = logging.Formatter(
            "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
        )
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    root.setLevel(level)
    # Alembic narrates every plugin it loads at INFO; its warnings still show.
    logging.getLogger("alembic").setLevel(logging.WARNING)


def init_request_ids(app: Flask) -> None:
    """Take a well-formed X-Request-ID from the proxy or make one; echo it in the response."""

    @app.before_request
    def _assign() -> None:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _VALID_ID.fullmatch(incoming) else secrets.token_hex(8)
        g.request_started = time.perf_counter()

    @app.after_request
    def _echo(response: Response) -> Response:
        rid = getattr(g, "request_id", None)
        if rid:
            response.headers[REQUEST_ID_HEADER] = rid
        started = getattr(g, "request_started", None)
        if started is not None and not request.path.startswith("/static/"):
            logging.getLogger("sportello.access").info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                    "status": response.status_code,
                },
            )
        return response
