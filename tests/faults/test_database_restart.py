"""PostgreSQL restarts under counter load: 503 while it is down, recovery without a restart."""

from __future__ import annotations

import http.client
import threading
import time
from collections import Counter
from typing import Any

import pytest

from benchmarks.counter import Completion, TerminalHTTP, TerminalKey, drive, seed_notices
from benchmarks.servers import Stack

from .conftest import Cluster
from .support import assert_settled_exactly_once, finish, wait_outbox_drained

pytestmark = pytest.mark.slow
OUTAGE = 3.0


def test_the_gateway_answers_503_while_the_database_is_down_and_recovers(
    stack: Stack,
    stack_app: Any,
    terminals: list[TerminalKey],
    notice_numbers: Any,
    throwaway_postgres: Cluster,
) -> None:
    notices = seed_notices(stack_app, next(notice_numbers), 80)
    probe_notice = notices.pop()
    statuses: Counter[int] = Counter()
    problems: set[str] = set()
    interrupted: list[Completion] = []
    lock = threading.Lock()
    down = threading.Event()

    def remember(c: Completion, e: BaseException) -> None:
        with lock:
            interrupted.append(c)

    def probe() -> None:
        """While the database is down, a terminal keeps asking; collect what it is told."""
        terminal = TerminalHTTP(stack.base_url, terminals[0])
        down.wait()
        while down.is_set():
            try:
                a = terminal.call("POST", "/notices/verify", {"notice_code": probe_notice.code})
            except (OSError, http.client.HTTPException):
                continue
            with lock:
                statuses[a.status] += 1
                if a.status >= 500:
                    problems.add(a.json()["code"])
            time.sleep(0.05)
        terminal.close()

    def outage() -> None:
        time.sleep(0.8)
        try:
            throwaway_postgres.stop()
            down.set()
            time.sleep(OUTAGE)
        finally:
            down.clear()
            throwaway_postgres.start()

    threads = [threading.Thread(target=outage), threading.Thread(target=probe)]
    for t in threads:
        t.start()
    try:
        _, _, completions = drive(stack.base_url, terminals, notices, on_error=remember)
    finally:
        for t in threads:
            t.join()
        if not throwaway_postgres.running():
            throwaway_postgres.start()

    assert statuses[503] >= 3, statuses
    assert set(statuses) <= {200, 503}, statuses
    assert problems == {"DATABASE_UNAVAILABLE"}

    # No restart of the gateway: new completions work again, cut ones finish with their keys.
    finish(stack, terminals, interrupted, timeout=30)
    assert all(c.done for c in completions)
    # The outbox worker lived through it too: everything not under a lease cut by the outage
    # is delivered (the leased rest follows when the lease expires, by design).
    wait_outbox_drained(stack_app, timeout=45, leased_ok=True)
    assert_settled_exactly_once(stack_app, stack, completions, leased_ok=True)
    assert stack.processes["outbox"].poll() is None
