"""The production shape under faults: gunicorn workers, PostgreSQL, Redis, simulators, outbox.

The stack runs on its own throwaway PostgreSQL server (initdb in a temporary folder, a free
port), so that stopping and restarting the database in a test touches nothing else on the
machine. Without PostgreSQL's binaries or Redis the tests are skipped with the reason —
except under CI=true, where they must run.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from benchmarks.counter import TerminalKey, app_for, counter_stack, seed_terminals
from benchmarks.servers import Stack, free_port

from ..db_fixtures import IN_CI

REDIS_URL = os.environ.get("SPORTELLO_FAULTS_REDIS", "redis://127.0.0.1:6379/13")
BULK_FINES = 2_000


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


@dataclass
class Cluster:
    """A PostgreSQL server of our own: ``stop()`` and ``start()`` affect only it."""

    bindir: Path
    data: Path
    port: int
    user: str | None  # run the server as this user (PostgreSQL refuses to run as root)

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data} "
            "-c fsync=off -c max_connections=200"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.data / "log"),
            "-o",
            options,
            "-w",
            "start",
        )
        self.wait_ready()

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def wait_ready(self, timeout: float = 30) -> None:
        engine = create_engine(self.admin_url, connect_args={"connect_timeout": 2})
        deadline = time.time() + timeout
        try:
            while True:
                try:
                    with engine.connect() as conn:
                        conn.execute(text("SELECT 1"))
                    return
                except Exception:
                    if time.time() > deadline:
                        raise
                    time.sleep(0.2)
        finally:
            engine.dispose()


def _postgres_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@pytest.fixture(scope="session")
def throwaway_postgres() -> Iterator[Cluster]:
    bindir = _postgres_bindir()
    if bindir is None:
        _unavailable("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
    assert bindir is not None
    user = None
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres").pw_name
        except KeyError:
            _unavailable("running as root and there is no 'postgres' user to run a server")
    folder = Path(tempfile.mkdtemp(prefix="sportello-faults-pg-"))
    data = folder / "data"
    data.mkdir()
    if user:
        entry = pwd.getpwnam(user)
        for path in (folder, data):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    cluster = Cluster(bindir, data, free_port(), user)
    try:
        cluster._run(
            "initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"
        )
        cluster.start()
        yield cluster
    finally:
        if cluster.running():
            with contextlib.suppress(subprocess.SubprocessError):
                cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as e:
        _unavailable(f"Redis not reachable at {REDIS_URL}: {e}")
    return REDIS_URL


@pytest.fixture(scope="session")
def stack(throwaway_postgres: Cluster, redis_url: str) -> Iterator[Stack]:
    """The production shape, once per test session (each test pays its own notices)."""
    with counter_stack(
        bulk_fines=BULK_FINES,
        workers=2,
        threads=4,
        pg_admin=throwaway_postgres.admin_url,
        # Outages here last seconds, not minutes: the circuit opens for 2 s (not 15) and the
        # outbox's first retry comes after 0.25 s (not 2); both still grow and reopen as in
        # production, and the tests wait for the outbox to drain, not for a fixed time.
        extra_env={
            "SPORTELLO_REDIS_URL": redis_url,
            "SPORTELLO_LEGACY_FINES_BREAKER_RESET": "2",
        },
        outbox_first_retry=0.25,
    ) as running:
        yield running


@pytest.fixture(scope="session")
def stack_app(stack: Stack) -> Iterator[Any]:
    """A gateway app on the stack's database, to seed it and to look at it."""
    from gateway.db import db

    app = app_for(stack.env)
    yield app
    db.dispose(app)


@pytest.fixture(scope="session")
def notice_numbers() -> Iterator[int]:
    """Hands out ranges of the simulator's bulk fines: no two tests pay the same fine."""

    def ranges() -> Iterator[int]:
        start = 1
        while True:
            yield start
            start += 200

    return ranges()


@pytest.fixture
def terminals(stack_app: Any) -> list[TerminalKey]:
    return seed_terminals(stack_app, 4, prefix="FLT")
