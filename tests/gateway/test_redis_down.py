"""Redis stopped in the middle of the day: logins and counter calls go on, counted in the
database, and /readyz says Redis is down. A throwaway Redis server is started by the test."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from gateway import create_app
from gateway.db import db

from ..conftest import make_config
from .auth_support import log_in
from .payments_factories import TerminalClient, create_fine_notice, create_terminal

REDIS = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    if REDIS is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0", process
    process.kill()
    process.wait()


@pytest.fixture
def app_with_redis(
    database_url: str, simulators: Any, redis_server: tuple[str, subprocess.Popen[bytes]]
) -> Iterator[tuple[Flask, subprocess.Popen[bytes]]]:
    url, process = redis_server
    app = create_app(
        make_config(
            database_url,
            simulators_url=simulators.base_url,
            redis_url=url,
            rate_limits="login=4/3600",
        )
    )
    yield app, process
    db.dispose(app)


def test_logins_and_counter_calls_survive_redis_going_away(
    app_with_redis: tuple[Flask, subprocess.Popen[bytes]], session: Session
) -> None:
    app, redis = app_with_redis
    terminal, secret = create_terminal(session, app)
    session.commit()
    counter = TerminalClient(app.test_client(), terminal.id, secret)
    notice = create_fine_notice(app)
    assert app.test_client().get("/readyz").json["checks"]["redis"] == "up"
    log_in(app.test_client(), app)
    assert counter.verify(notice.code).status_code == 200

    redis.kill()
    redis.wait()

    client = app.test_client()
    log_in(client, app)  # the replay cache and the login limit fall back to the database
    assert client.get("/area-personale/").status_code == 200
    assert counter.verify(notice.code).status_code == 200  # nonces in the database
    assert app.test_client().get("/readyz").json["checks"]["redis"] == "down"
    # The limits still hold, counted in the database: 4 logins started per hour.
    idp = app.extensions["sportello.test_idp"].settings.entity_id
    statuses = [client.get(f"/accedi/spid?idp={idp}").status_code for _ in range(5)]
    assert 429 in statuses and 500 not in statuses
