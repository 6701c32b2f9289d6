"""The citizen's fines page: fines from the simulator, notices, outages, delivery of payments."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.db import db
from gateway.fines.operations import fines_system
from gateway.models import Event, Notice, OutboxMessage, Transaction, utcnow
from gateway.outbox import deliver_due
from gateway.wiring import outbox_handlers
from printing import parse_payment_payload
from printing.verify import read_codes

from ..factories import CHIARA, login
from .pages import token_in
from .payments_factories import (
    INCREASED_FINE,
    PAID_FINE,
    create_fine_notice,
    fine_number,
    terminal_client,
)

csrf = token_in


def test_mario_sees_his_seven_fines_with_status_and_amount_due(
    app: Flask, client: FlaskClient
) -> None:
    login(client, app)
    page = client.get("/area-personale/multe/").get_data(as_text=True)
    reports = re.findall(r'data-testid="fine" data-report="([^"]+)"', page)
    expected = {f.report_number for f in fines_system(app).list_by_fiscal_code("RSSMRA80A01H501U")}
    assert set(reports) == expected and len(reports) == 7
    assert "Pagata" in page and "Annullata" in page and "ricorso pendente" in page
    assert "Da pagare oggi: 121,10" in page  # 173.00 reduced by 30% within 5 days
    assert "Da pagare oggi: 334,00" in page  # increased after 60 days
    assert page.count('data-testid="pay-at-counter"') == 4  # the four open fines


def test_fines_outage_shows_a_message_and_the_portal_keeps_working(
    app: Flask, client: FlaskClient, simulators: Any
) -> None:
    login(client, app)
    simulators.control("fines", down=True)
    try:
        response = client.get("/area-personale/multe/")
        home = client.get("/area-personale/")
    finally:
        simulators.control("fines", down=False)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-testid="legacy-unavailable"' in page and 'data-service="fines"' in page
    assert "Polizia" in page or "multe" in page.lower()
    assert home.status_code == 200


def test_pay_at_a_counter_issues_a_notice_once_and_records_printing(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    login(client, app)
    page = client.get("/area-personale/multe/").get_data(as_text=True)
    number = fine_number(INCREASED_FINE, app)
    first = client.post(f"/area-personale/multe/{number}/avviso", data={"csrf_token": csrf(page)})
    again = client.post(f"/area-personale/multe/{number}/avviso", data={"csrf_token": csrf(page)})
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]  # the same notice, reused

    notice = session.scalars(select(Notice)).one()
    tx = session.get(Transaction, notice.transaction_id)
    assert tx is not None and tx.service == "pagamento_multa" and tx.state == "awaiting_payment"
    assert notice.amount_cents == 33400 and notice.valid_until is None  # increased: no limit

    pdf = client.get(first.headers["Location"] + "/avviso.pdf")
    client.get(first.headers["Location"] + "/avviso.pdf")
    payload = parse_payment_payload(read_codes(pdf.data)[0])
    assert (payload.notice_code, payload.amount_cents) == (notice.code, 33400)
    assert payload.creditor_fiscal_code == app.config["SPORTELLO"].ente.creditor_fiscal_code
    kinds = session.scalars(select(Event.kind).where(Event.transaction_id == tx.id)).all()
    assert kinds == ["created", "notice_issued", "notice_printed"]


def test_a_fine_notice_stays_valid_and_prints_every_amount_window(app: Flask) -> None:
    notice = create_fine_notice(app)
    fine = fines_system(app).get_fine(notice.details["report_number"])
    assert fine.amount_rule == "reduced"
    assert notice.amount_cents == fine.amount_due == 12110
    assert notice.valid_until is None and notice.amount_until == fine.amount_valid_until
    full_until = fine.notification_date + timedelta(days=60)
    assert notice.due_date == full_until
    with app.test_request_context():
        from gateway.payments.notices import notice_data

        windows = notice_data(notice, "it").windows
    assert [(w.rule, w.amount_cents, w.last_day) for w in windows] == [
        ("reduced", 12110, fine.windows[0].valid_until),
        ("base", 17300, full_until),
        ("increased", 34600, None),
    ]
    # Asked again, the same notice: it does not die when the amount changes.
    assert create_fine_notice(app).code == notice.code


def test_others_fines_and_unpayable_fines_are_refused(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    login(client, app, CHIARA)
    page = client.get("/area-personale/multe/").get_data(as_text=True)
    assert "non hai multe" in page.lower()
    mario_fine = fine_number(INCREASED_FINE, app)
    refused = client.post(
        f"/area-personale/multe/{mario_fine}/avviso", data={"csrf_token": csrf(page)}
    )
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/multe/")
    login(client, app)
    paid = fine_number(PAID_FINE, app)
    client.post(f"/area-personale/multe/{paid}/avviso", data={"csrf_token": csrf(page)})
    assert session.scalars(select(Notice)).all() == []

    notice = create_fine_notice(app)  # Mario's: Chiara cannot see it nor its PDF
    login(client, app, CHIARA)
    assert client.get(f"/area-personale/pagamenti/avvisi/{notice.code}").status_code == 404
    pdf = client.get(f"/area-personale/pagamenti/avvisi/{notice.code}/avviso.pdf")
    assert pdf.status_code == 404


def test_the_fines_system_learns_of_the_payment_even_after_an_outage(
    app: Flask, session: Session, simulators: Any
) -> None:
    notice = create_fine_notice(app)
    number = notice.details["report_number"]
    tc = terminal_client(app, session, terminal_id="TAB-0001")
    simulators.control("fines", down=True)
    try:
        paid = tc.pay(notice)  # the counter does not need the fines system to take payment
        assert paid.status_code == 200
        assert (
            tc.call("GET", f"/payments/{paid.get_json()['payment_token']}/receipt").status_code
            == 200
        )
        factory, handlers = db.session_factory(app), outbox_handlers(app)
        stats = deliver_due(factory, handlers)
        assert (stats.claimed, stats.retried, stats.delivered) == (1, 1, 0)
    finally:
        simulators.control("fines", down=False)
    # The outage opened the circuit breaker; it would let a probe through after 15 s.
    fines_system(app).breaker.record_success()
    assert fines_system(app).get_fine(number).status == "open"

    later = utcnow() + timedelta(minutes=5)
    assert deliver_due(factory, handlers, now=lambda: later).delivered == 1
    fine = fines_system(app).get_fine(number)
    assert fine.status == "paid" and fine.payment is not None
    assert fine.payment.notice_code == notice.code and fine.payment.amount == 12110
    counters = simulators.state()["services"]["fines"]["payments"][number]
    assert counters["distinct_payments"] == 1 and counters["notice_codes"] == [notice.code]

    session.expire_all()
    tx = session.get(Transaction, notice.transaction_id)
    assert tx is not None and tx.state == "completed"
    kinds = [e.kind for e in tx.events]
    assert kinds[-2:] == ["legacy_updated", "state.completed"]
    assert {"notice_issued", "paid_at_counter", "receipt_issued"} <= set(kinds)
    message = session.scalars(select(OutboxMessage)).one()
    assert message.status == "delivered" and message.attempts == 2


def test_a_payment_the_fines_system_refuses_is_not_retried(app: Flask, session: Session) -> None:
    from gateway.fines.delivery import deliver_payment
    from gateway.outbox import PermanentFailure

    notice = create_fine_notice(app)
    payload = {
        "report_number": fine_number(PAID_FINE, app),
        "amount_cents": notice.amount_cents,
        "payment_date": "2026-01-02",
        "notice_code": notice.code,
        "payer_cf": "RSSMRA80A01H501U",
        "transaction_id": notice.transaction_id,
    }
    try:
        deliver_payment(app, payload)
    except PermanentFailure as e:
        assert "PL-409" in str(e)
    else:
        raise AssertionError("an already paid fine must be refused for good")
