"""A fine's notice names the debt, not one amount: printed on day 1, paid on day 8 in full.

pagoPA keeps the notice code and brings the amount up to what is due at verification; the
fines system (a real SOAP server whose clock the test moves) says what is due that day.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.db import db
from gateway.fines.operations import fines_system
from gateway.models import Notice, Payment
from gateway.outbox import deliver_due
from gateway.wiring import outbox_handlers
from printing.verify import read_codes

from .payments_factories import create_fine_notice, terminal_client


def test_a_fine_printed_on_day_1_is_paid_on_day_8_in_full_with_the_same_code(
    app: Flask, session: Session, simulators: Any
) -> None:
    notice = create_fine_notice(app)  # notified 2 days ago: 121,10 € for 3 more days
    assert notice.amount_cents == 12110
    printed = notice.code
    tc = terminal_client(app, session, terminal_id="TAB-0008")
    assert tc.verify(printed).get_json()["amount_window"] == "reduced"

    simulators.move_clock(7)  # a week later: the reduction is over, the full amount is due
    found = tc.verify(printed)
    assert found.status_code == 200, found.get_json()
    body = found.get_json()
    assert body["notice_code"] == printed
    assert (body["amount_cents"], body["amount_window"]) == (17300, "base")
    assert body["valid_until"] is None

    stale = tc.activate(notice, amount=12110)  # the amount printed in the QR code
    assert stale.status_code == 422 and stale.get_json()["code"] == "AMOUNT_MISMATCH"
    activated = tc.activate(notice, amount=17300)
    assert activated.status_code == 201, activated.get_json()
    assert activated.get_json()["amount_cents"] == 17300
    closed = tc.close(activated.get_json()["payment_token"], ref="DAY-8")
    assert closed.status_code == 200 and closed.get_json()["status"] == "paid"

    session.expire_all()
    stored = session.get(Notice, notice.id)
    assert stored.code == printed and stored.status == "paid" and stored.amount_cents == 17300
    assert stored.transaction.amount_cents == 17300
    payment = session.scalar(select(Payment).where(Payment.paid_notice_id == notice.id))
    assert payment is not None and payment.amount_cents == 17300
    receipt = tc.call("GET", f"/payments/{payment.token}/receipt")
    seal = next(code for code in read_codes(receipt.data) if code.startswith("SP1:"))
    claims = app.extensions["sportello.seals"].verifier.verify(seal).claims
    assert claims["amt"] == 17300 and claims["nc"] == printed

    with app.app_context():
        assert deliver_due(db.session_factory(app), outbox_handlers(app)).delivered == 1
    fine = fines_system(app).get_fine(notice.details["report_number"])
    assert fine.status == "paid" and fine.payment is not None
    assert (fine.payment.notice_code, fine.payment.amount) == (printed, 17300)


def test_without_the_fines_system_the_notice_answers_from_its_own_windows(
    app: Flask, session: Session, simulators: Any
) -> None:
    notice = create_fine_notice(app)
    tc = terminal_client(app, session)
    simulators.control("fines", down=True)
    try:
        found = tc.verify(notice.code)
        assert found.status_code == 200, found.get_json()
        assert (found.get_json()["amount_cents"], found.get_json()["amount_window"]) == (
            12110,
            "reduced",
        )
        assert tc.activate(notice, amount=12110).status_code == 201
    finally:
        simulators.control("fines", down=False)
        fines_system(app).breaker.record_success()


def test_a_fine_paid_elsewhere_is_refused_at_verification(app: Flask, session: Session) -> None:
    from connectors import PaymentRecord
    from connectors.simulators.clock import today_in_rome
    from printing import make_notice_code

    notice = create_fine_notice(app)
    fines_system(app).register_payment(
        PaymentRecord(
            report_number=notice.details["report_number"],
            amount=notice.amount_cents,
            payment_date=today_in_rome(),
            notice_code=make_notice_code("01", "2026777777777"),
            payer_fiscal_code="RSSMRA80A01H501U",
        )
    )
    refused = terminal_client(app, session).verify(notice.code)
    assert refused.status_code == 409 and refused.get_json()["code"] == "NOTICE_ALREADY_PAID"
