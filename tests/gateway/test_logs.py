"""Logs: a request id on every line, JSON lines when configured, no secrets in them."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from gateway import create_app
from gateway.db import db
from gateway.logs import JsonFormatter, RequestIdFilter

from ..conftest import make_config


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []
        self.addFilter(RequestIdFilter())

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def collected() -> Iterator[Collect]:
    handler = Collect()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


def test_every_line_of_a_request_carries_its_id(app: Flask, collected: Collect) -> None:
    response = app.test_client().get("/non-esiste", headers={"X-Request-ID": "req-12345678"})
    assert response.headers["X-Request-ID"] == "req-12345678"
    lines = [r for r in collected.records if r.name.startswith(("sportello", "gateway"))]
    assert lines, "the request logged nothing"
    assert {getattr(r, "request_id", None) for r in lines} == {"req-12345678"}


def test_json_lines_format() -> None:
    record = logging.LogRecord(
        "sportello.access", logging.INFO, __file__, 1, "GET %s", ("/",), None
    )
    record.request_id = "abc12345"
    record.ms = 1.5
    line = JsonFormatter().format(record)
    data = json.loads(line)
    assert data["msg"] == "GET /" and data["request_id"] == "abc12345" and data["ms"] == 1.5
    assert data["level"] == "INFO" and data["ts"].endswith("Z")


def test_production_logs_are_json(database_url: str, simulators: Any, tmp_path: Any) -> None:
    app = create_app(make_config(database_url, simulators_url=simulators.base_url, log_json=True))
    try:
        root = logging.getLogger()
        handler = next(h for h in root.handlers if getattr(h, "_sportello", False))
        assert isinstance(handler.formatter, JsonFormatter)
    finally:
        db.dispose(app)
        create_app(make_config(database_url, simulators_url=simulators.base_url))
