"""Legacy slowness: one legacy system slow (2 s) or down, and the pages that do not need it.

Two groups of logged-in citizens use the production shape at once: one keeps opening pages
that need no legacy system (the personal area, the home page), the other keeps opening the
fines page. Baseline: the fines system answers normally. Then it answers after 2 s, then it
is down. Figures: the p99 of the pages that do not need it in each phase, against the
baseline (the floor); and the time a call to the fines system takes while its circuit
breaker is open (in-process, the gateway's own connector settings), which must be under 5 ms.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from .acs import prepare
from .common import Row, Table, percentile
from .servers import Stack, production_stack

WORKERS = 2
THREADS = int(os.environ.get("GUNICORN_THREADS", "4"))
OTHER_PAGES = ("/area-personale/", "/")
FINES_PAGE = "/area-personale/multe/"
CITIZENS = 4  # per group


def logged_in(stack: Stack, count: int) -> list[requests.Session]:
    sessions = []
    for session, form in prepare(stack.base_url, count)[0]:
        answer = session.post(
            f"{stack.base_url}/saml/acs", data=form, allow_redirects=False, timeout=30
        )
        if answer.status_code != 302:
            raise RuntimeError(f"ACS answered {answer.status_code}")
        sessions.append(session)
    return sessions


def phase(
    stack: Stack, others: list[requests.Session], fines: list[requests.Session], seconds: float
) -> tuple[list[float], list[float], int]:
    """Both groups for ``seconds``: (ms of other pages, ms of the fines page, 5xx answers)."""
    stop = time.monotonic() + seconds
    other_ms: list[float] = []
    fines_ms: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def loop(session: requests.Session, paths: tuple[str, ...], out: list[float]) -> None:
        n = 0
        while time.monotonic() < stop:
            path = paths[n % len(paths)]
            n += 1
            t0 = time.perf_counter()
            answer = session.get(f"{stack.base_url}{path}", timeout=30)
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                out.append(ms)
                if answer.status_code >= 500 and path != FINES_PAGE:
                    errors[0] += 1

    with ThreadPoolExecutor(len(others) + len(fines)) as pool:
        jobs = [pool.submit(loop, s, OTHER_PAGES, other_ms) for s in others]
        jobs += [pool.submit(loop, s, (FINES_PAGE,), fines_ms) for s in fines]
        for job in jobs:
            job.result()
    return other_ms, fines_ms, errors[0]


def open_circuit_call_ms(stack: Stack, calls: int = 200) -> tuple[float, float]:
    """p50 and max ms of a fines call while the gateway's breaker for it is open."""
    from connectors import FinesConnector, Unavailable
    from gateway.config import Config
    from gateway.legacy import connector_settings

    config = Config.from_env(dict(stack.env))
    fines = FinesConnector(connector_settings(config, "fines"))
    stack.control("fines", down=False)
    try:
        fines.list_by_fiscal_code("RSSMRA80A01H501U")  # loads the WSDL while it is up
    finally:
        stack.control("fines", down=True)
    for _ in range(10):  # trip the breaker
        with contextlib.suppress(Unavailable):
            fines.list_by_fiscal_code("RSSMRA80A01H501U")
    timings = []
    for _ in range(calls):
        t0 = time.perf_counter()
        with contextlib.suppress(Unavailable):
            fines.list_by_fiscal_code("RSSMRA80A01H501U")
        timings.append((time.perf_counter() - t0) * 1000)
    return percentile(timings, 50), max(timings)


def run(table: Table, *, rounds: int = 5) -> None:
    seconds = 2.0 * rounds
    with production_stack(workers=WORKERS, threads=THREADS) as stack:
        sessions = logged_in(stack, 2 * CITIZENS)
        others, fines = sessions[:CITIZENS], sessions[CITIZENS:]
        phase(stack, others, fines, 1.0)  # warm-up
        base, base_fines, _ = phase(stack, others, fines, seconds)
        results: dict[str, Any] = {}
        for name, knobs in (("2 s latency", {"latency_ms": 2000}), ("down", {"down": True})):
            stack.control("fines", **knobs)
            try:
                results[name] = phase(stack, others, fines, seconds)
            finally:
                stack.reset()
        p50_open, max_open = open_circuit_call_ms(stack)
        stack.reset()

    base_p99 = percentile(base, 99)
    for name, (other_ms, fines_ms, errors) in results.items():
        p99 = percentile(other_ms, 99)
        ratio = p99 / base_p99
        table.add(
            Row(
                f"Legacy: fines system {name}",
                f"other pages p99 {p99:.0f} ms (p50 {percentile(other_ms, 50):.0f} ms, "
                f"{len(other_ms)} pages, {errors} 5xx); fines page p50 "
                f"{percentile(fines_ms, 50):.0f} ms",
                f"other pages p99 {base_p99:.0f} ms with the fines system normal "
                f"(fines page p50 {percentile(base_fines, 50):.0f} ms)",
                ratio,
                "p99 as it was",
                "ok" if ratio <= 1.5 and errors == 0 else "worse than baseline",
            )
        )
    table.add(
        Row(
            "Legacy: call while the circuit is open",
            f"p50 {p50_open:.2f} ms, max {max_open:.2f} ms",
            "-",
            None,
            "< 5 ms",
            "ok" if max_open < 5 else "over target",
        )
    )
