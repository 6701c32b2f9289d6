"""Waiting on a condition with a deadline, for what the browser cannot wait on itself."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(condition: Callable[[], T | None], timeout: float, what: str) -> T:
    """Call ``condition`` until it returns something true, then return it.

    Polls often at first and less often later (5 ms doubling up to 250 ms), so a fast answer is
    seen at once and a slow one does not spin; ``AssertionError`` naming ``what`` at the
    deadline.
    """
    deadline = time.monotonic() + timeout
    interval = 0.005
    while True:
        result = condition()
        if result:
            return result
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"waited {timeout:g} s for {what}")
        time.sleep(min(interval, remaining))
        interval = min(interval * 2, 0.25)
