"""The counter benchmark's floor: the same domain operations in-process, no web layer.

verify (the notice and the amount due today, from the fines system), activate, close (the
receipt rendered and stored with the payment) and the receipt read back, each step in its
own session as each request has its own, in ``processes`` x ``threads`` like the server's
workers. Each process counts its SQL statements and its own CPU time, so the floor's cost
per completion is measured in the same run as the HTTP figure.
"""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from . import counting

_APP: Any = None


@dataclass(frozen=True)
class FloorResult:
    rate: float
    latencies: list[float]
    cpu_seconds: float
    statements: int


def _init(env: dict[str, str]) -> None:
    global _APP
    from .counter import app_for

    counting.install()
    _APP = app_for(env)


def _warm(report_number: str) -> None:
    from gateway.fines.operations import fines_system

    with _APP.app_context():
        fines_system().get_fine(report_number)


def _batch(args: tuple[str, list[Any], int]) -> tuple[list[float], float, int]:
    """One process: ``threads`` threads paying the notices; (ms each, CPU s, statements)."""
    terminal_id, notices, threads = args
    from gateway.db import db
    from gateway.models import Terminal
    from gateway.payments.notices import verified_notice
    from gateway.payments.receipts import payment_and_receipt
    from gateway.payments.settle import activate_payment, close_payment, terminal_actor
    from gateway.seals import seal_keys

    app = _APP

    def one(notice: Any) -> float:
        # One session per call, as each HTTP request has its own, the terminal read in each.
        t0 = time.perf_counter()
        with app.app_context():
            with db.fresh_session(app) as s:
                assert s.get(Terminal, terminal_id) is not None
                verified_notice(s, notice.code)
            with db.fresh_session(app) as s:
                terminal = s.get(Terminal, terminal_id)
                assert terminal is not None
                token = activate_payment(
                    s, notice_code=notice.code, amount_cents=notice.amount_cents, terminal=terminal
                ).token
                s.commit()
            with db.fresh_session(app) as s:
                terminal = s.get(Terminal, terminal_id)
                assert terminal is not None
                close_payment(
                    s,
                    token=token,
                    terminal=terminal,
                    outcome="OK",
                    actor=terminal_actor(terminal),
                    signer=seal_keys().signer,
                    payment_method="cash",
                    external_ref=f"TX-{token[:8]}",
                )
                s.commit()
            with db.fresh_session(app) as s:
                terminal = s.get(Terminal, terminal_id)
                _, document = payment_and_receipt(s, token, terminal)
                assert document is not None and document.content.startswith(b"%PDF")
        return (time.perf_counter() - t0) * 1000

    before, cpu0 = counting.snapshot(), time.process_time()
    if threads == 1:
        latencies = [one(n) for n in notices]
    else:
        with ThreadPoolExecutor(threads) as pool:
            latencies = list(pool.map(one, notices))
    counts = counting.snapshot() - before
    return latencies, time.process_time() - cpu0, counts.statements


def floor(
    env: dict[str, str], terminal_id: str, notices: list[Any], processes: int, threads: int
) -> FloorResult:
    """Completions/s, ms each, CPU and statements of the bare operations."""
    batches = [(terminal_id, notices[i::processes], threads) for i in range(processes)]
    with ProcessPoolExecutor(processes, initializer=_init, initargs=(env,)) as pool:
        list(pool.map(_warm, [notices[0].report_number] * processes))
        started = time.perf_counter()
        results = list(pool.map(_batch, batches))
        elapsed = time.perf_counter() - started
    return FloorResult(
        rate=len(notices) / elapsed,
        latencies=[ms for batch, _, _ in results for ms in batch],
        cpu_seconds=sum(cpu for _, cpu, _ in results),
        statements=sum(n for _, _, n in results),
    )
