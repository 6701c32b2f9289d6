"""Fault knobs and call counters of one simulated service, changed at run time over HTTP."""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import asdict, dataclass, fields
from typing import Any

DEFAULT_FAULT = "Server.Unavailable"


@dataclass
class Knobs:
    """How a simulated service misbehaves.

    latency_ms: added before answering each SOAP call.
    failure_rate: share of SOAP calls (0..1) answered with `fault` instead of being served.
    fail_next: the next N SOAP calls fail with `fault` (then the rate applies again).
    fault: the fault code injected, e.g. "Server.Unavailable" or "Client.Invalid".
    down: the service drops every connection (SOAP calls and ?wsdl) right after reading the
        request line, with no HTTP answer at all: clients see "connection reset / remote end
        closed", like a crashed or unreachable service. (Mounted under a WSGI server other than
        ours, the app can only answer HTTP 503 with an empty body.)
    seed: seeds the draws of `failure_rate`, so a run is reproducible.
    """

    latency_ms: int = 0
    failure_rate: float = 0.0
    fail_next: int = 0
    fault: str = DEFAULT_FAULT
    down: bool = False
    seed: int | None = None


class KnobError(ValueError):
    """A control request named an unknown knob or gave it a bad value."""


class ServiceControl:
    """Knobs, random draws and counters of one service; thread-safe."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._lock = threading.Lock()
        self.knobs = Knobs()
        self._random = random.Random()
        self.calls: Counter[str] = Counter()
        self.injected: Counter[str] = Counter()
        self.dropped = 0

    def update(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Apply knob changes (unknown names or bad values raise KnobError); return the snapshot."""
        known = {f.name: f for f in fields(Knobs)}
        with self._lock:
            knobs = Knobs(**asdict(self.knobs))
            for name, value in changes.items():
                if name not in known:
                    raise KnobError(f"unknown knob {name!r}")
                setattr(knobs, name, _coerce(name, value))
            self.knobs = knobs
            if "seed" in changes:
                self._random = random.Random(knobs.seed)
        return self.snapshot()

    def reset(self) -> None:
        with self._lock:
            self.knobs = Knobs()
            self._random = random.Random()
            self.calls.clear()
            self.injected.clear()
            self.dropped = 0

    def count_call(self, operation: str) -> None:
        with self._lock:
            self.calls[operation] += 1

    def count_drop(self) -> None:
        with self._lock:
            self.dropped += 1

    def draw_failure(self, operation: str) -> str | None:
        """The fault code to inject for this call, or None to serve it normally."""
        with self._lock:
            knobs = self.knobs
            if knobs.fail_next > 0:
                knobs.fail_next -= 1
            elif knobs.failure_rate <= 0 or self._random.random() >= knobs.failure_rate:
                return None
            self.injected[operation] += 1
            return knobs.fault

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "knobs": asdict(self.knobs),
                "calls": dict(self.calls),
                "injected_faults": dict(self.injected),
                "dropped_connections": self.dropped,
            }


def _coerce(name: str, value: Any) -> Any:
    try:
        if name in ("latency_ms", "fail_next"):
            number = int(value)
            if number < 0:
                raise ValueError
            return number
        if name == "failure_rate":
            rate = float(value)
            if not 0.0 <= rate <= 1.0:
                raise ValueError
            return rate
        if name == "down":
            if not isinstance(value, bool):
                raise ValueError
            return value
        if name == "seed":
            return None if value is None else int(value)
        if name == "fault":
            if not isinstance(value, str) or not value.replace(".", "").isalnum():
                raise ValueError
            return value
    except (TypeError, ValueError) as e:
        raise KnobError(f"bad value for {name}: {value!r}") from e
    raise KnobError(f"unknown knob {name!r}")
