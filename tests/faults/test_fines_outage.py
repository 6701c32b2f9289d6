"""The fines system goes down under counter load, then comes back."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from benchmarks.counter import TerminalKey, drive, seed_notices
from benchmarks.servers import Stack

from .support import assert_settled_exactly_once, simulator_payments, wait_outbox_drained

pytestmark = pytest.mark.slow
OUTAGE = 3.0


def test_the_outbox_drains_after_a_fines_outage(
    stack: Stack, stack_app: Any, terminals: list[TerminalKey], notice_numbers: Any
) -> None:
    notices = seed_notices(stack_app, next(notice_numbers), 60)
    failures: list[BaseException] = []

    def outage() -> None:
        time.sleep(0.5)
        stack.control("fines", down=True)
        time.sleep(OUTAGE)
        stack.control("fines", down=False)

    switch = threading.Thread(target=outage)
    switch.start()
    try:
        _, _, completions = drive(
            stack.base_url, terminals, notices, on_error=lambda c, e: failures.append(e)
        )
    finally:
        switch.join()
        stack.control("fines", down=False)

    # Counters go on paying while the fines system is down: the notice is its own record.
    assert failures == []
    assert all(c.done for c in completions)
    dropped = simulator_payments(stack)
    assert all(
        dropped.get(c.notice.report_number, {}).get("distinct_payments", 0) <= 1
        for c in completions
    )
    waited = wait_outbox_drained(stack_app, timeout=75)
    assert_settled_exactly_once(stack_app, stack, completions)
    print(f"outbox drained {waited} s after the load")
