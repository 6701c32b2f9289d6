"""A gunicorn worker killed (SIGKILL) in the middle of counter completions."""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import Any

import pytest

from benchmarks.counter import Completion, TerminalKey, drive, seed_notices
from benchmarks.servers import Stack

from .support import assert_settled_exactly_once, finish, wait_outbox_drained

pytestmark = pytest.mark.slow


def test_completions_survive_a_killed_worker(
    stack: Stack, stack_app: Any, terminals: list[TerminalKey], notice_numbers: Any
) -> None:
    notices = seed_notices(stack_app, next(notice_numbers), 80)
    interrupted: list[Completion] = []
    lock = threading.Lock()

    def remember(c: Completion, _e: BaseException) -> None:
        with lock:
            interrupted.append(c)

    before = set(stack.worker_pids())
    killer = threading.Timer(0.8, lambda: os.kill(sorted(before)[0], signal.SIGKILL))
    killer.start()
    _, _, completions = drive(stack.base_url, terminals, notices, on_error=remember)
    killer.join()

    # The master replaced the dead worker, and the kill cut some completions short.
    deadline = time.monotonic() + 30
    while len(set(stack.worker_pids()) - before) < 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(set(stack.worker_pids()) - before) == 1
    assert interrupted, "the kill should have cut at least one completion short"
    assert len(completions) == len(notices)

    # Each cut completion, retried with its own Idempotency-Keys, gets its receipt.
    finish(stack, terminals, interrupted, timeout=30)
    assert all(c.done for c in completions)
    wait_outbox_drained(stack_app, timeout=60)
    assert_settled_exactly_once(stack_app, stack, completions)
