"""Exactly once: racing terminals, retries and crashes, on SQLite and on PostgreSQL."""

from __future__ import annotations

import secrets
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.db import db
from gateway.features import Feature, installed
from gateway.models import Document, Event, Notice, Payment, Terminal, utcnow
from gateway.payments.errors import PaymentError
from gateway.payments.operations import (
    issue_notice,
    pay_now,
    terminal_actor,
)
from gateway.seals import seal_keys
from gateway.transactions.states import State

from ..factories import create_transaction
from .payments_factories import MARIO_ACTOR, TerminalClient, create_fine_notice, terminal_client

THREADS = 8


def run_together(jobs: list[Any]) -> list[Any]:
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(lambda job: job(), jobs))


def test_eight_terminals_activating_one_notice_one_wins(app: Flask, session: Session) -> None:
    notice = create_fine_notice(app)
    terminals = [
        terminal_client(app, session, terminal_id=f"TAB-{i:04d}") for i in range(1, THREADS + 1)
    ]
    clients = [TerminalClient(app.test_client(), t.terminal_id, t.secret) for t in terminals]
    answers = run_together([lambda c=c: c.activate(notice) for c in clients])
    statuses = Counter(a.status_code for a in answers)
    assert statuses == {201: 1, 409: THREADS - 1}
    codes = {a.get_json()["code"] for a in answers if a.status_code == 409}
    assert codes == {"PAYMENT_ALREADY_IN_PROGRESS"}
    assert session.scalar(select(func.count(Payment.id))) == 1


def test_eight_terminals_paying_one_notice_one_payment(app: Flask, session: Session) -> None:
    """Activate and close in one go from eight counters: one receipt, the rest refused."""
    notice = create_fine_notice(app)
    for i in range(1, THREADS + 1):
        terminal_client(app, session, terminal_id=f"TAB-{i:04d}")

    def pay(terminal_id: str) -> str:
        with app.test_request_context(), db.fresh_session(app) as s:
            terminal = s.get(Terminal, terminal_id)
            assert terminal is not None
            try:
                pay_now(
                    s,
                    notice_code=notice.code,
                    amount_cents=notice.amount_cents,
                    terminal=terminal,
                    actor=terminal_actor(terminal),
                    signer=seal_keys(app).signer,
                    payment_method="cash",
                    external_ref=f"R-{terminal_id}",
                )
                s.commit()
                return "paid"
            except PaymentError as e:
                s.rollback()
                return e.code

    results = Counter(run_together([lambda i=i: pay(f"TAB-{i:04d}") for i in range(1, 9)]))
    assert results["paid"] == 1
    assert set(results) <= {"paid", "PAYMENT_ALREADY_IN_PROGRESS", "NOTICE_ALREADY_PAID"}
    paid = session.scalars(select(Payment).where(Payment.status == "paid")).all()
    assert len(paid) == 1
    receipts = session.scalars(select(Document).where(Document.kind == "receipt")).all()
    assert len(receipts) == 1


def test_a_close_retried_with_the_same_key_gets_the_same_receipt(
    app: Flask, session: Session
) -> None:
    notice = create_fine_notice(app)
    tc = terminal_client(app, session)
    token = tc.activate(notice).get_json()["payment_token"]
    key = secrets.token_hex(8)
    clients = [TerminalClient(app.test_client(), tc.terminal_id, tc.secret) for _ in range(THREADS)]
    answers = run_together([lambda c=c: c.close(token, key=key) for c in clients])
    assert {a.status_code for a in answers} == {200}
    assert len({a.get_json()["receipt_id"] for a in answers}) == 1
    assert session.scalar(select(func.count(Document.id)).where(Document.kind == "receipt")) == 1
    events = session.scalars(select(Event.kind).where(Event.kind == "paid_at_counter")).all()
    assert len(events) == 1


def test_the_database_refuses_a_second_successful_payment(app: Flask, session: Session) -> None:
    notice = create_fine_notice(app)
    tc = terminal_client(app, session)
    assert tc.pay(notice).status_code == 200
    session.add(
        Payment(
            token="second-success",
            notice_id=notice.id,
            paid_notice_id=notice.id,
            channel="counter",
            amount_cents=notice.amount_cents,
            status="paid",
            expires_at=utcnow(),
        )
    )
    with pytest.raises(IntegrityError):
        session.commit()


def test_a_crash_before_commit_loses_nothing_and_the_retry_pays(
    app: Flask, session: Session
) -> None:
    """A failure after the payment is written but before commit leaves no half-payment."""
    crash = {"armed": True}

    def fragile(*_args: Any) -> None:
        if crash["armed"]:
            raise RuntimeError("power cut")

    with installed(Feature(name="probe", paid_handlers={"test_crash_service": (fragile,)})):
        crash_and_retry(app, session, crash)


def crash_and_retry(app: Flask, session: Session, crash: dict[str, bool]) -> None:
    tx = create_transaction(
        session, service="test_crash_service", title="Diritti di segreteria", state=State.SUBMITTED
    )
    with app.test_request_context():
        notice = issue_notice(
            session,
            transaction=tx,
            amount_cents=1600,
            description="Diritti di segreteria",
            payer_cf=tx.subject_cf,
            payer_name="Mario Rossi",
            due_date=date.today() + timedelta(days=30),
            details={"Pratica": tx.reference},
            actor=MARIO_ACTOR,
        )
    session.commit()
    tc = terminal_client(app, session)
    token = tc.activate(notice).get_json()["payment_token"]
    key = "close-after-crash"
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert tc.close(token, key=key).status_code == 500
    session.expire_all()
    assert session.scalar(select(Payment).where(Payment.token == token)).status == "activated"
    assert session.scalar(select(func.count(Document.id)).where(Document.kind == "receipt")) == 0
    assert session.get(Notice, notice.id).status == "issued"

    crash["armed"] = False
    retried = tc.close(token, key=key)
    assert retried.status_code == 200 and retried.get_json()["status"] == "paid"
    session.expire_all()
    assert session.get(Notice, notice.id).status == "paid"
    assert session.scalar(select(func.count(Document.id)).where(Document.kind == "receipt")) == 1


def test_128_concurrent_signed_calls_without_redis_neither_fail_nor_stall(
    app: Flask, session: Session
) -> None:
    """Each call holds a connection for its work and needs another for its nonce and rate
    limit: on one pool, 128 at once would each wait for a connection another holds."""
    notice = create_fine_notice(app)
    terminals = [terminal_client(app, session, terminal_id=f"TAB-{i:04d}") for i in range(1, 17)]
    clients = [TerminalClient(app.test_client(), t.terminal_id, t.secret) for t in terminals]
    callers = [clients[n % len(clients)] for n in range(128)]
    calls = [lambda c=c: c.verify(notice.code) for c in callers]
    answers = run_together(calls)
    assert Counter(a.status_code for a in answers) == {200: 128}
