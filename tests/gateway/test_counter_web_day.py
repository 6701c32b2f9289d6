"""The web terminal's day, as a tobacconist lives it: a person's card read, their three
notices paid in one transaction, the day's transactions listed and the report printed."""

from __future__ import annotations

import csv
import io
import re

from flask import Flask
from flask.testing import FlaskClient
from pypdfium2 import PdfDocument
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.models import AuditEntry, CounterCart, Payment
from printing.verify import read_codes

from .payments_factories import (
    BASE_FINE,
    INCREASED_FINE,
    MARIO_CF,
    REDUCED_FINE,
    create_fine_notice,
    create_terminal,
)
from .test_counter_web import WEB, csrf, sign_in


def hidden(page: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]*)"', page)


def test_a_tobacconist_pays_three_notices_found_by_fiscal_code_and_closes_the_day(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    notices = [create_fine_notice(app, t) for t in (REDUCED_FINE, BASE_FINE, INCREASED_FINE)]
    terminal, secret = create_terminal(session, app, terminal_id="TAB-0001")
    sign_in(client, terminal.id, secret)

    # The person's health card is read: their open notices are listed (and the look-up audited).
    page = client.get(f"{WEB}/debiti").get_data(as_text=True)
    found = client.post(
        f"{WEB}/debiti",
        data={
            "csrf_token": csrf(page),
            "fiscal_code": MARIO_CF.lower(),
            "read_from": "health_card",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert 'data-testid="debts"' in found and "Mario Rossi" not in found
    for notice in notices:
        assert notice.code in found
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "counter.debts_looked_up")
        )
        == 1
    )
    wrong = client.post(
        f"{WEB}/debiti",
        data={"csrf_token": csrf(page), "fiscal_code": "RSSMRA80A01H501X", "read_from": "cie"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert 'data-testid="terminal-error"' in wrong and 'data-testid="debts"' not in wrong

    # Each goes into the cart; one payment for the three.
    for notice in notices:
        added = client.post(
            f"{WEB}/carrello/aggiungi",
            data={"csrf_token": csrf(found), "notice_code": notice.code},
        )
        assert added.status_code == 303
    cart = client.get(f"{WEB}/carrello").get_data(as_text=True)
    assert hidden(cart, "notice_code") == [n.code for n in notices]
    total = sum(n.amount_cents for n in notices)
    form = {
        "csrf_token": csrf(cart),
        "notice_code": hidden(cart, "notice_code"),
        "amount_cents": hidden(cart, "amount_cents"),
        "idempotency_key": hidden(cart, "idempotency_key")[0],
        "method": "card",
    }
    first = client.post(f"{WEB}/carrello/incassa", data=form)
    second = client.post(f"{WEB}/carrello/incassa", data=form)  # a double click
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert session.scalar(select(func.count(CounterCart.id))) == 1
    assert session.scalar(select(func.count(Payment.id)).where(Payment.status == "paid")) == 3
    done = client.get(first.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="paid"' in done
    receipt = client.get(first.headers["Location"] + "/ricevuta.pdf")
    assert receipt.mimetype == "application/pdf"
    assert any(code.startswith("SP1:") for code in read_codes(receipt.data))
    text = PdfDocument(receipt.data)[0].get_textpage().get_text_range()
    for notice in notices:
        assert notice.code[:4] in text  # each notice has its line (codes printed in groups)
    assert hidden(client.get(f"{WEB}/carrello").get_data(as_text=True), "notice_code") == []

    # The day's transactions and the end-of-day report.
    day = client.get(f"{WEB}/transazioni").get_data(as_text=True)
    assert 'data-testid="transactions"' in day
    for notice in notices:
        assert notice.code in day
    # The states in the operator's language (a transaction: "pagata"), not the stored words.
    assert day.count("<td>Pagata</td>") == len(notices) and "<td>paid</td>" not in day
    pdf = client.get(f"{WEB}/chiusura.pdf")
    assert pdf.mimetype == "application/pdf"
    assert "TAB-0001" in PdfDocument(pdf.data)[0].get_textpage().get_text_range()
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"{WEB}/chiusura.csv").get_data(as_text=True)))
    )
    assert sum(int(r["amount_cents"]) for r in rows) == total
    assert {r["payment_method"] for r in rows} == {"card"}


def test_the_day_pages_need_a_signed_in_counter(client: FlaskClient) -> None:
    for path in ("/carrello", "/transazioni", "/debiti", "/chiusura.pdf"):
        assert client.get(WEB + path).headers["Location"].endswith("/accesso")
