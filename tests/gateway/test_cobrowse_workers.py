"""A live update crossing gunicorn workers through Redis: the citizen's stream is held by one
worker process, the clerk's proposal is handled by another, on PostgreSQL."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine

from gateway import create_app
from gateway.db import db
from gateway.sessions import COOKIE_NAME

from ..conftest import make_config
from ..db_fixtures import IN_CI, truncate_postgres
from ..factories import create_login_session
from .forms_support import ANNA, MARIO, SOFIA_CF, make_clerk
from .pages import token_in

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/13"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if requests.get(url, timeout=1).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


@pytest.fixture
def two_workers(postgres_url: str, simulators: Any) -> Iterator[tuple[str, str, Any]]:
    """Two gunicorn worker processes (each its own master, so each request goes where we send
    it) sharing PostgreSQL and Redis; yields both base URLs and an app on the same database."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except redis.RedisError as e:
        if IN_CI:
            pytest.fail(f"CI=true but Redis is not reachable: {e}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {e}")
    app = create_app(make_config(postgres_url, simulators_url=simulators.base_url))
    ports = [_free_port(), _free_port()]
    processes = []
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    try:
        for port in ports:
            env = {
                **os.environ,
                "SPORTELLO_PROFILE": "test",
                "SPORTELLO_DATABASE_URL": postgres_url,
                "SPORTELLO_REDIS_URL": REDIS_URL,
                "SPORTELLO_SIMULATORS_URL": simulators.base_url,
                "SPORTELLO_BASE_URL": f"http://127.0.0.1:{port}",
                "SPORTELLO_LOG_LEVEL": "WARNING",
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "GUNICORN_WORKERS": "1",
                "GUNICORN_THREADS": "4",
            }
            command = [gunicorn, "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                       "--access-logfile", "/dev/null", "gateway.wsgi:app"]  # fmt: skip
            processes.append(
                subprocess.Popen(
                    command,
                    env=env,
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url in urls:
            _wait(f"{url}/healthz")
        yield urls[0], urls[1], app
    finally:
        # A graceful stop waits for open streams to notice (up to a keep-alive, 15 s): the
        # test does not need one, so the whole process group goes.
        for proc in processes:
            proc.send_signal(signal.SIGINT)
        for proc in processes:
            try:
                proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        db.dispose(app)
        engine = create_engine(postgres_url)
        truncate_postgres(engine)
        engine.dispose()


def _client(app: Any, person: dict[str, str]) -> requests.Session:
    client = requests.Session()
    client.cookies.set(COOKIE_NAME, create_login_session(app, person))
    return client


def _token(client: requests.Session, base: str) -> str:
    page = client.get(f"{base}/", timeout=10).text
    return token_in(page)


def test_a_proposal_on_one_worker_reaches_the_citizens_stream_on_another(
    two_workers: tuple[str, str, Any],
) -> None:
    citizen_base, clerk_base, app = two_workers
    make_clerk(app)
    citizen, clerk = _client(app, MARIO), _client(app, ANNA)

    saved = citizen.post(
        f"{citizen_base}/servizi/certificato_scolastico/nuova",
        data={"csrf_token": _token(citizen, citizen_base), "action": "save",
              "tipo_certificato": "frequenza"},
        timeout=10,
    )  # fmt: skip
    reference = re.search(r'data-testid="reference">([^<]+)<', saved.text)
    assert saved.status_code == 200 and reference, saved.text[:500]
    started = citizen.post(
        f"{citizen_base}/area-personale/assistenza-live/avvia",
        data={"csrf_token": _token(citizen, citizen_base), "reference": reference.group(1)},
        timeout=10,
    )
    code = re.search(r'data-testid="session-code">([^<]+)<', started.text)
    assert code, started.text[:500]
    session_id = int(started.url.rstrip("/").split("/")[-1])

    joined = clerk.post(
        f"{clerk_base}/sportello/live/unisciti",
        data={"csrf_token": _token(clerk, clerk_base), "code": code.group(1)},
        allow_redirects=False,
        timeout=10,
    )
    assert joined.status_code == 303

    received: list[tuple[float, str]] = []
    stream = citizen.get(
        f"{citizen_base}/area-personale/assistenza-live/{session_id}/eventi",
        stream=True,
        timeout=20,
    )
    assert stream.status_code == 200

    def read() -> None:
        for line in stream.iter_lines(decode_unicode=True):
            received.append((time.monotonic(), str(line)))
            if line == "event: proposed":
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + 10
    while not any(line == "event: joined" for _, line in received):
        assert time.monotonic() < deadline, received
        time.sleep(0.02)

    sent = time.monotonic()
    proposed = clerk.post(
        f"{clerk_base}/sportello/live/{session_id}/proponi",
        data={"csrf_token": _token(clerk, clerk_base), "action": "propose", "alunno": SOFIA_CF},
        allow_redirects=False,
        timeout=10,
    )
    assert proposed.status_code == 303
    reader.join(timeout=10)
    stream.close()
    arrivals = [at for at, line in received if line == "event: proposed"]
    assert arrivals, received
    # Through Redis pub/sub, not the stream's periodic database check (every 15 s).
    assert arrivals[0] - sent < 3.0
