"""Checks shared by the fault tests: every completion settled, exactly once, everywhere."""

from __future__ import annotations

import http.client
import time
from typing import Any

import requests
from sqlalchemy import func, or_, select

from benchmarks.counter import (
    CallFailed,
    Completion,
    TerminalHTTP,
    TerminalKey,
    complete,
)
from benchmarks.servers import Stack
from gateway.db import db
from gateway.models import Document, Notice, OutboxMessage, Payment, utcnow

RETRY_FAILURES = (CallFailed, OSError, http.client.HTTPException)


def simulator_payments(stack: Stack) -> dict[str, Any]:
    """The fines simulator's payment counters, by report number."""
    state = requests.get(f"{stack.simulators_url}/_control/state", timeout=5).json()
    return state["services"]["fines"]["payments"]


def finish(
    stack: Stack, keys: list[TerminalKey], unfinished: list[Completion], timeout: float
) -> None:
    """Retry each unfinished completion, from its terminal and with its own Idempotency-Keys
    (they are scoped to the terminal), until it has its receipt."""
    terminals = {k.terminal_id: TerminalHTTP(stack.base_url, k) for k in keys}
    deadline = time.monotonic() + timeout
    try:
        for c in unfinished:
            while True:
                try:
                    complete(terminals[c.terminal_id], c, verify=False)
                    break
                except RETRY_FAILURES as e:
                    if time.monotonic() > deadline:
                        raise AssertionError(f"{c.notice.code} still fails: {e}") from e
                    time.sleep(0.3)
    finally:
        for terminal in terminals.values():
            terminal.close()


def wait_outbox_drained(app: Any, timeout: float, *, leased_ok: bool = False) -> int:
    """Seconds waited until no outbox message is pending; fails on a failed message.

    ``leased_ok``: messages still under a worker's lease do not count (a worker that lost
    the database mid-delivery leaves them leased; they are retried when the lease expires).
    """
    started = time.monotonic()
    while True:
        query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        if leased_ok:
            query = query.where(
                or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until <= utcnow())
            )
        with db.fresh_session(app) as s:
            counts = dict(s.execute(query).all())
        assert counts.get("failed", 0) == 0, counts
        if counts.get("pending", 0) + counts.get("stalled", 0) == 0:
            return round(time.monotonic() - started)
        assert time.monotonic() - started < timeout, f"outbox not drained: {counts}"
        time.sleep(0.5)


def assert_settled_exactly_once(
    app: Any, stack: Stack, completions: list[Completion], *, leased_ok: bool = False
) -> None:
    """Each notice paid once, its receipt the one the terminal got, the fines system told once.

    ``leased_ok``: a message still leased may not be delivered yet (see wait_outbox_drained).
    """
    assert completions
    codes = [c.notice.code for c in completions]
    with db.fresh_session(app) as s:
        twice = s.execute(
            select(Payment.notice_id, func.count())
            .where(Payment.status == "paid")
            .group_by(Payment.notice_id)
            .having(func.count() > 1)
        ).all()
        assert twice == []
        paid = {
            notice.code: (payment, notice)
            for payment, notice in s.execute(
                select(Payment, Notice)
                .join(Notice, Payment.notice_id == Notice.id)
                .where(Notice.code.in_(codes), Payment.status == "paid")
            ).all()
        }
        for c in completions:
            payment, notice = paid[c.notice.code]
            assert notice.status == "paid"
            assert payment.receipt_id == c.receipt_id
            document = s.get(Document, payment.receipt_document_id)
            assert document is not None and document.sha256 == c.receipt_sha256
        messages = {
            key.rsplit(":", 1)[1]: status
            for key, status in s.execute(
                select(OutboxMessage.key, OutboxMessage.status).where(
                    OutboxMessage.key.in_([f"fines.register_payment:{code}" for code in codes])
                )
            ).all()
        }
    assert len(messages) == len(codes)
    undelivered = {code for code, status in messages.items() if status != "delivered"}
    assert not undelivered or leased_ok, undelivered
    assert len(undelivered) <= 20  # at most one claimed batch
    registered = simulator_payments(stack)
    for c in completions:
        if c.notice.code in undelivered:
            continue
        counter = registered[c.notice.report_number]
        assert counter["distinct_payments"] == 1, counter
        assert counter["notice_codes"] == [c.notice.code], counter
