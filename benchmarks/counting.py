"""What a completion costs in counts, not seconds: SQL statements, Redis round trips, CPU.

Counts do not drift with the machine's load, so they are the figures to compare between
runs. In-process (the floor) a SQLAlchemy ``before_cursor_execute`` listener counts every
statement sent; in the gunicorn workers the same listener, and a wrapper around the Redis
connection's ``send_packed_command`` (one call per round trip: a pipeline sends all its
commands at once), are installed by ``benchmarks/gunicorn_counting.py`` after each fork,
and each worker writes its totals to a file of its own, which the benchmark adds up.
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

ENV_DIR = "SPORTELLO_BENCH_COUNTS"


@dataclass
class Counts:
    statements: int = 0
    redis_round_trips: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.statements + other.statements, self.redis_round_trips + other.redis_round_trips
        )

    def __sub__(self, other: Counts) -> Counts:
        return Counts(
            self.statements - other.statements, self.redis_round_trips - other.redis_round_trips
        )


_totals = Counts()
_lock = threading.Lock()
_installed = False


def _on_statement(*_args: Any) -> None:
    with _lock:
        _totals.statements += 1


def install() -> None:
    """Count this process's SQL statements (every engine) and Redis round trips."""
    global _installed
    if _installed:
        return
    _installed = True
    event.listen(Engine, "before_cursor_execute", _on_statement)
    from redis.connection import AbstractConnection

    original = AbstractConnection.send_packed_command

    def send_packed_command(self: Any, command: Any, check_health: bool = True) -> None:
        with _lock:
            _totals.redis_round_trips += 1
        original(self, command, check_health)

    AbstractConnection.send_packed_command = send_packed_command  # type: ignore[method-assign]


def snapshot() -> Counts:
    with _lock:
        return Counts(_totals.statements, _totals.redis_round_trips)


# --- in the gunicorn workers --------------------------------------------------------------


def start_reporting(directory: str, interval: float = 0.2) -> None:
    """In a worker: install the counters and keep ``<directory>/<pid>.json`` up to date."""
    install()
    path = Path(directory) / f"{os.getpid()}.json"

    def report() -> None:
        last = None
        while True:
            now = snapshot()
            if now != last:
                tmp = path.with_suffix(".tmp")
                tmp.write_text(json.dumps([now.statements, now.redis_round_trips]))
                tmp.replace(path)
                last = now
            time.sleep(interval)

    threading.Thread(target=report, name="bench-counts", daemon=True).start()


def read_reports(directory: str | Path) -> Counts:
    total = Counts()
    for path in Path(directory).glob("*.json"):
        try:
            statements, round_trips = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        total.statements += statements
        total.redis_round_trips += round_trips
    return total


def settled_reports(directory: str | Path, timeout: float = 5.0) -> Counts:
    """The workers' totals once they stop changing (their reporters write every 0.2 s)."""
    deadline = time.monotonic() + timeout
    last = read_reports(directory)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = read_reports(directory)
        if now == last:
            return now
        last = now
    return last
