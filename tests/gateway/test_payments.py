"""The shared payments API: notice codes, issuing, the online checkout, receipts and hooks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.features import Feature, installed
from gateway.models import Document, Notice, Payment, Transaction
from gateway.payments.errors import PaymentInProgress
from gateway.payments.operations import (
    activate_payment,
    allocate_notice_code,
    issue_notice,
    notices_of,
    receipt_for,
    render_notice_pdf,
    stored_receipt_data,
)
from gateway.transactions.states import State
from printing import check_notice_code, parse_notice_code, parse_payment_payload, receipt_claims
from printing.verify import read_codes

from ..factories import CHIARA, create_transaction, login
from .pages import token_in
from .payments_factories import MARIO_ACTOR

CALLS: list[tuple[str, int]] = []


def _remember(session: Session, tx: Transaction, payment: Payment, actor: Any) -> None:
    CALLS.append((tx.reference, payment.amount_cents))


@pytest.fixture(autouse=True)
def stamp_duty_service() -> Iterator[None]:
    """A probe service whose paid hook remembers each payment."""
    probe = Feature(name="test_stamp_duty", paid_handlers={"test_stamp_duty": (_remember,)})
    with installed(probe):
        yield


def issue_stamp_duty(app: Flask, session: Session, **overrides: Any) -> Notice:
    tx = create_transaction(session, service="test_stamp_duty", state=State.SUBMITTED)
    values: dict[str, Any] = {
        "transaction": tx,
        "amount_cents": 1600,
        "description": "Imposta di bollo — certificato di frequenza",
        "payer_cf": tx.subject_cf,
        "payer_name": "Mario Rossi",
        "due_date": date.today() + timedelta(days=30),
        "details": {"lines": [["Studente", "Sofia Rossi"]], "certificate_request": 7},
        "actor": MARIO_ACTOR,
    }
    values.update(overrides)
    with app.test_request_context():
        notice = issue_notice(session, **values)
    session.commit()
    return notice


def test_allocated_codes_are_valid_and_distinct(app: Flask, session: Session) -> None:
    codes = [allocate_notice_code(session, "01", 2026) for _ in range(5)]
    session.commit()
    assert len(set(codes)) == 5 and all(check_notice_code(c) for c in codes)
    assert {parse_notice_code(c).segregation for c in codes} == {"01"}
    assert [int(parse_notice_code(c).base[4:]) for c in codes] == [1, 2, 3, 4, 5]


def test_codes_allocated_concurrently_never_collide(app: Flask) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from gateway.db import db

    def allocate() -> str:
        with db.fresh_session(app) as s:
            code = allocate_notice_code(s, "01", 2026)
            s.commit()
            return code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(lambda _: allocate(), range(16)))
    assert len(set(codes)) == 16


def test_issue_notice_for_another_service(app: Flask, session: Session) -> None:
    notice = issue_stamp_duty(app, session)
    tx = notice.transaction
    assert tx.state == "awaiting_payment" and tx.amount_cents == 1600
    assert [e.kind for e in tx.events] == ["created", "notice_issued"]
    stored = session.scalars(select(Document).where(Document.kind == "payment_notice")).one()
    payload = parse_payment_payload(read_codes(stored.content)[0])
    assert (payload.notice_code, payload.amount_cents) == (notice.code, 1600)
    with app.test_request_context():
        english = render_notice_pdf(notice, "en")
    assert read_codes(english) == read_codes(stored.content)

    again = issue_stamp_duty(app, session, transaction=tx, amount_cents=1700)
    session.refresh(notice)
    assert notice.status == "revoked" and again.status == "issued"
    assert [n.code for n in notices_of(session, tx)] == [again.code, notice.code]


def test_a_notice_being_paid_is_not_replaced(app: Flask, session: Session) -> None:
    notice = issue_stamp_duty(app, session)
    with app.test_request_context():
        activate_payment(session, notice_code=notice.code, amount_cents=1600, terminal=None)
    session.commit()
    try:
        issue_stamp_duty(app, session, transaction=notice.transaction)
    except PaymentInProgress:
        session.rollback()
    else:
        raise AssertionError("a notice held by a counter must not be replaced")


def test_online_checkout_pays_seals_and_runs_the_service_hook(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    CALLS.clear()
    notice = issue_stamp_duty(app, session)
    login(client, app)
    page = client.get(f"/area-personale/pagamenti/avvisi/{notice.code}/paga-online")
    text = page.get_data(as_text=True)
    assert 'data-testid="simulated"' in text and "non viene addebitato nulla" in text
    done = client.post(
        f"/area-personale/pagamenti/avvisi/{notice.code}/paga-online",
        data={"csrf_token": token_in(text), "action": "pay", "amount_cents": "1600x"},
    )
    assert done.status_code == 422  # only the amount the page showed, in cents
    done = client.post(
        f"/area-personale/pagamenti/avvisi/{notice.code}/paga-online",
        data={"csrf_token": token_in(text), "action": "pay", "amount_cents": "1600"},
    )
    # Post, redirect, get: the payment lands on its receipt, and so do Back and reload.
    receipt_page = f"/area-personale/pagamenti/avvisi/{notice.code}/ricevuta"
    assert done.status_code == 303 and done.headers["Location"] == receipt_page
    back = client.get(f"/area-personale/pagamenti/avvisi/{notice.code}/paga-online")
    assert back.status_code == 303 and back.headers["Location"] == receipt_page
    again = client.post(
        f"/area-personale/pagamenti/avvisi/{notice.code}/paga-online",
        data={"csrf_token": token_in(text), "action": "pay", "amount_cents": "1600"},
    )
    assert again.status_code == 303 and again.headers["Location"] == receipt_page
    shown = client.get(receipt_page).get_data(as_text=True)
    assert 'data-testid="paid-receipt"' in shown and "16,00" in shown
    notice_page = client.get(f"/area-personale/pagamenti/avvisi/{notice.code}")
    assert f'href="{receipt_page}"' in notice_page.get_data(as_text=True)

    session.expire_all()
    payment = session.scalars(select(Payment).where(Payment.status == "paid")).one()
    assert payment.channel == "web" and payment.terminal_id is None
    assert [(notice.transaction.reference, 1600)] == CALLS
    document = receipt_for(session, payment)
    assert document is not None and document.seal
    seal = next(c for c in read_codes(document.content) if c.startswith("SP1:"))
    assert seal == document.seal
    claims = app.extensions["sportello.seals"].verifier.verify(seal).claims
    data = stored_receipt_data(payment)
    assert data is not None and claims == receipt_claims(data)
    tx = session.get(Transaction, notice.transaction_id)
    assert tx is not None and tx.state == "paid"
    assert [e.kind for e in tx.events][-2:] == ["paid_online", "receipt_issued"]

    timeline = client.get(f"/area-personale/pratiche/{tx.reference}").get_data(as_text=True)
    assert f"/area-personale/pagamenti/documenti/{document.id}" in timeline
    assert f'href="/area-personale/pagamenti/documenti/{document.id}"' in shown
    download = client.get(f"/area-personale/pagamenti/documenti/{document.id}")
    assert download.data == document.content
    login(client, app, CHIARA)  # someone else's document reads as missing
    assert client.get(f"/area-personale/pagamenti/documenti/{document.id}").status_code == 404
