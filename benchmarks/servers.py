"""The production shape for benchmarks: gunicorn workers on PostgreSQL and Redis, simulators.

Everything binds to 127.0.0.1 and is stopped when the context ends. The database is a fresh
one per run (dropped at the end), so numbers never depend on an earlier run's data.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
VENV = Path(sys.executable).parent
PG_ADMIN = os.environ.get("SPORTELLO_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("SPORTELLO_BENCH_REDIS", "redis://127.0.0.1:6379/14")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up in {timeout} s")


@dataclass
class Stack:
    base_url: str
    simulators_url: str
    database_url: str
    env: dict[str, str]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    # The stream server (gateway.streams under uvicorn), when started.
    streams_url: str = ""
    # Every gateway instance (a gunicorn master each); base_url is the first.
    base_urls: list[str] = field(default_factory=list)

    def worker_pids(self) -> list[int]:
        """The gunicorn worker processes (children of every master)."""
        pids = []
        for name, proc in self.processes.items():
            if name.startswith("gunicorn"):
                out = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True)
                pids += [int(p) for p in out.stdout.split()]
        return pids

    def server_pids(self) -> list[int]:
        """The gateway's processes: every gunicorn master and its workers."""
        masters = [p.pid for n, p in self.processes.items() if n.startswith("gunicorn")]
        return masters + self.worker_pids()

    def control(self, service: str, **knobs: Any) -> None:
        requests.post(f"{self.simulators_url}/_control/{service}", json=knobs, timeout=5)

    def reset(self) -> None:
        requests.post(f"{self.simulators_url}/_control/reset", timeout=5)


@contextmanager
def production_stack(
    *,
    workers: int = 2,
    threads: int = 4,
    extra_env: dict[str, str] | None = None,
    pg_admin: str | None = None,
    simulators: list[str] | None = None,
    streams: bool = False,
    instances: int = 1,
    gunicorn_config: Path | None = None,
    outbox_first_retry: float | None = None,
) -> Iterator[Stack]:
    """gunicorn (gthread) + PostgreSQL + Redis + simulators (+ outbox worker), fresh database.

    With ``streams`` the stream server runs too (uvicorn, one process), at ``streams_url``:
    the live-help streams go there, as the production shape's proxy sends them.

    ``pg_admin`` names another PostgreSQL server (a throwaway one, in the fault tests);
    ``simulators`` replaces ``-m connectors.simulators`` in the simulators' command line (it
    gets ``--port`` appended). ``instances`` gateway instances (gunicorn masters with
    ``workers`` workers each, as ``SPORTELLO_INSTANCES`` in tools/run-production.sh) listen
    on ports of their own (``base_urls``) and share the database and Redis;
    ``gunicorn_config`` replaces deploy/gunicorn.conf.py. ``outbox_first_retry`` shortens the
    outbox worker's first backoff (the fault tests, which take a system down for seconds,
    not minutes).
    """
    pg_admin = pg_admin or PG_ADMIN
    name = f"sportello_bench_{secrets.token_hex(3)}"
    # pre-ping: the fault tests restart the server under this engine
    admin = create_engine(pg_admin, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    database_url = pg_admin.rsplit("/", 1)[0] + "/" + name
    ports = [free_port() for _ in range(instances)]
    port, sim_port = ports[0], free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SPORTELLO_PROFILE": "demo",
        "SPORTELLO_AUTO_MIGRATE": "false",
        "SPORTELLO_DATABASE_URL": database_url,
        "SPORTELLO_REDIS_URL": REDIS,
        "SPORTELLO_BASE_URL": base,
        "SPORTELLO_SIMULATORS_URL": f"http://127.0.0.1:{sim_port}",
        "SPORTELLO_LOG_LEVEL": "WARNING",
        "SPORTELLO_INSTANCE_DIR": str(ROOT / "instance" / "bench"),
        "SPORTELLO_RATE_LIMITS": (
            "login=1000000/60,acs=1000000/60,counter=1000000/60,counter_address=1000000/60"
        ),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": str(threads),
        **(extra_env or {}),
    }
    flask = [str(VENV / "flask"), "--app", "gateway"]
    subprocess.run([*flask, "db", "upgrade"], env=env, check=True, cwd=ROOT, capture_output=True)
    subprocess.run([*flask, "seed"], env=env, check=True, cwd=ROOT, capture_output=True)
    stack = Stack(base, f"http://127.0.0.1:{sim_port}", database_url, env)
    stack.base_urls = [f"http://127.0.0.1:{p}" for p in ports]
    quiet: dict[str, Any] = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    try:
        stack.processes["simulators"] = subprocess.Popen(
            [
                str(VENV / "python"),
                *(simulators or ["-m", "connectors.simulators"]),
                "--port",
                str(sim_port),
            ],
            env=env,
            cwd=ROOT,
            **quiet,
        )
        for n, instance_port in enumerate(ports):
            stack.processes["gunicorn" if n == 0 else f"gunicorn-{n + 1}"] = subprocess.Popen(
                [
                    str(VENV / "gunicorn"),
                    "-c",
                    str(gunicorn_config or ROOT / "deploy" / "gunicorn.conf.py"),
                    "--access-logfile",
                    "/dev/null",
                    "gateway.wsgi:app",
                ],
                env={**env, "GUNICORN_BIND": f"127.0.0.1:{instance_port}"},
                cwd=ROOT,
                **quiet,
            )
        backoff = [] if outbox_first_retry is None else ["--first-retry", str(outbox_first_retry)]
        stack.processes["outbox"] = subprocess.Popen(
            [*flask, "outbox", "work", "--interval", "0.2", *backoff], env=env, cwd=ROOT, **quiet
        )
        if streams:
            stream_port = free_port()
            stack.streams_url = f"http://127.0.0.1:{stream_port}"
            stack.processes["streams"] = subprocess.Popen(
                [
                    str(VENV / "uvicorn"),
                    "--factory",
                    "gateway.streams:create_stream_server",
                    "--port",
                    str(stream_port),
                    "--http",
                    "httptools",
                    "--no-proxy-headers",
                    "--no-access-log",
                    "--timeout-graceful-shutdown",
                    "2",
                    "--backlog",
                    "4096",
                ],
                env=env,
                cwd=ROOT,
                **quiet,
            )
        wait_http(f"{stack.simulators_url}/fines?wsdl")
        for url in stack.base_urls:
            wait_http(f"{url}/healthz")
        if streams:
            wait_http(f"{stack.streams_url}/eventi")  # a 404 from the server: it is up
        yield stack
    finally:
        for proc in stack.processes.values():
            proc.send_signal(signal.SIGTERM)
        for proc in stack.processes.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        with admin.connect() as conn:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
