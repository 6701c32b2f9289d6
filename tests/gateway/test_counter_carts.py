"""A counter network's daily needs: a cart of notices paid at once, the transaction list and
the end-of-day report."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from gateway.models import CounterCart, Document, Notice, Payment, utcnow
from printing.verify import read_codes

from .payments_factories import (
    BASE_FINE,
    INCREASED_FINE,
    REDUCED_FINE,
    create_fine_notice,
    terminal_client,
)
from .test_counter_contract import refused


def three_notices(app: Flask) -> list[Notice]:
    return [create_fine_notice(app, t) for t in (REDUCED_FINE, BASE_FINE, INCREASED_FINE)]


def cart_body(notices: list[Notice], **amounts: int) -> dict[str, Any]:
    return {
        "notices": [
            {"notice_code": n.code, "amount_cents": amounts.get(n.code, n.amount_cents)}
            for n in notices
        ]
    }


def close_body(outcome: str = "OK", ref: str = "SCONTRINO-7") -> dict[str, Any]:
    return {"outcome": outcome, "payment_method": "card", "terminal_transaction_ref": ref}


def test_three_notices_paid_in_one_transaction_with_one_receipt(
    app: Flask, session: Session
) -> None:
    notices = three_notices(app)
    tc = terminal_client(app, session, terminal_id="TAB-0001")
    activated = tc.call("POST", "/carts/activate", cart_body(notices), key="cart-1")
    assert activated.status_code == 201, activated.get_json()
    cart = activated.get_json()
    assert cart["amount_cents"] == sum(n.amount_cents for n in notices)
    assert [n["notice_code"] for n in cart["notices"]] == [n.code for n in notices]
    token = cart["cart_token"]

    closed = tc.call("POST", f"/carts/{token}/close", close_body(), key="cart-close-1")
    assert closed.status_code == 200, closed.get_json()
    paid = closed.get_json()
    assert paid["status"] == "paid" and all(n["status"] == "paid" for n in paid["notices"])
    again = tc.call("POST", f"/carts/{token}/close", close_body(), key="cart-close-1")
    assert again.get_json() == paid and again.headers["Idempotent-Replayed"] == "true"

    pdf = tc.call("GET", f"/carts/{token}/receipt")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    seal = next(code for code in read_codes(pdf.data) if code.startswith("SP1:"))
    claims = app.extensions["sportello.seals"].verifier.verify(seal).claims
    assert claims["rid"] == paid["receipt_id"] and claims["amt"] == paid["amount_cents"]
    # Each payer also has the receipt of their own notice; the cart's is no citizen's.
    receipts = session.scalars(select(Document).where(Document.kind == "receipt")).all()
    assert len(receipts) == 3
    cart_doc = session.scalars(select(Document).where(Document.kind == "cart_receipt")).one()
    assert cart_doc.subject_cf == "" and cart_doc.transaction_id is None
    for notice in notices:
        assert session.get(Notice, notice.id).status == "paid"
    refused(tc.verify(notices[1].code), 409, "NOTICE_ALREADY_PAID")


def test_verify_page_finds_the_cart_receipt_on_record(app: Flask, session: Session) -> None:
    from gateway.payments.receipts import matches_stored_payment

    notices = three_notices(app)[:2]
    tc = terminal_client(app, session)
    token = tc.call("POST", "/carts/activate", cart_body(notices), key="c").get_json()["cart_token"]
    paid = tc.call("POST", f"/carts/{token}/close", close_body(), key="d").get_json()
    pdf = tc.call("GET", f"/carts/{token}/receipt").data
    seal = next(code for code in read_codes(pdf) if code.startswith("SP1:"))
    claims = app.extensions["sportello.seals"].verifier.verify(seal).claims
    with app.app_context():
        assert matches_stored_payment(session, claims) is True
        assert matches_stored_payment(session, {**claims, "amt": 1}) is False
    assert paid["receipt_id"].startswith("RIC-")


def test_a_cart_is_all_or_nothing(app: Flask, session: Session) -> None:
    notices = three_notices(app)
    one = terminal_client(app, session, terminal_id="TAB-0001")
    two = terminal_client(app, session, terminal_id="TAB-0002")
    held = two.activate(notices[2]).get_json()["payment_token"]
    body = refused(
        one.call("POST", "/carts/activate", cart_body(notices), key="k-1"),
        409,
        "PAYMENT_ALREADY_IN_PROGRESS",
    )
    assert body["notice_code"] == notices[2].code
    assert session.scalars(select(CounterCart)).all() == []
    assert session.scalars(select(Payment).where(Payment.terminal_id == "TAB-0001")).all() == []
    wrong = cart_body(notices[:2], **{notices[1].code: 1})
    refused(one.call("POST", "/carts/activate", wrong, key="k-2"), 422, "AMOUNT_MISMATCH")
    twice = {"notices": cart_body(notices[:1])["notices"] * 2}
    refused(one.call("POST", "/carts/activate", twice, key="k-3"), 400, "INVALID_REQUEST")
    refused(one.call("POST", "/carts/activate", {"notices": []}, key="k-4"), 400, "INVALID_REQUEST")

    # The other counter let go: the same key now reserves the three.
    two.close(held, outcome="KO")
    cart = one.call("POST", "/carts/activate", cart_body(notices), key="k-1")
    assert cart.status_code == 201
    token = cart.get_json()["cart_token"]

    # One payment of the cart expired: closing the cart pays none of them.
    session.execute(
        update(Payment)
        .where(Payment.notice_id == notices[1].id, Payment.status == "activated")
        .values(expires_at=Payment.activated_at)
    )
    session.commit()
    refused(
        one.call("POST", f"/carts/{token}/close", close_body(), key="k-5"), 409, "TOKEN_EXPIRED"
    )
    assert session.scalars(select(Payment).where(Payment.status == "paid")).all() == []


def test_a_cart_payment_is_closed_only_with_its_cart(app: Flask, session: Session) -> None:
    notices = three_notices(app)[:2]
    tc = terminal_client(app, session)
    other = terminal_client(app, session)
    token = tc.call("POST", "/carts/activate", cart_body(notices), key="a").get_json()["cart_token"]
    listed = tc.call("GET", "/payments").get_json()["items"]
    assert {item["cart_token"] for item in listed} == {token}
    refused(tc.close(listed[0]["payment_token"]), 409, "PAYMENT_IN_CART")
    refused(other.call("GET", f"/carts/{token}"), 404, "TOKEN_UNKNOWN")
    refused(tc.call("GET", f"/carts/{token}/receipt"), 409, "RECEIPT_NOT_AVAILABLE")
    aborted = tc.call("POST", f"/carts/{token}/close", close_body("KO"), key="b").get_json()
    assert aborted["status"] == "aborted"
    assert all(n["status"] == "aborted" for n in aborted["notices"])
    refused(
        tc.call("POST", f"/carts/{token}/close", close_body(), key="c"), 409, "OUTCOME_CONFLICT"
    )
    assert tc.activate(notices[0]).status_code == 201  # freed


def test_the_terminal_lists_its_own_last_transactions_a_page_at_a_time(
    app: Flask, session: Session
) -> None:
    notices = three_notices(app)
    tc = terminal_client(app, session, terminal_id="TAB-0001")
    other = terminal_client(app, session, terminal_id="TAB-0002")
    tc.pay(notices[0])
    tc.pay(notices[1])
    other.pay(notices[2])
    first = tc.call("GET", "/payments?page_size=1").get_json()
    assert first["total"] == 2 and first["next_page"] == 2
    assert first["items"][0]["notice_code"] == notices[1].code  # newest first
    second = tc.call("GET", "/payments?page=2&page_size=1").get_json()
    assert second["items"][0]["notice_code"] == notices[0].code and second["next_page"] is None
    assert tc.call("GET", "/payments?page=3&page_size=1").get_json()["items"] == []
    everything = tc.call("GET", "/payments").get_json()
    assert {i["notice_code"] for i in everything["items"]} == {notices[0].code, notices[1].code}

    # Older than 30 days: gone from the list.
    session.execute(
        update(Payment)
        .where(Payment.notice_id == notices[0].id)
        .values(activated_at=utcnow() - timedelta(days=31))
    )
    session.commit()
    assert tc.call("GET", "/payments").get_json()["total"] == 1
    for query in (
        "page=0",
        "page_size=31",
        "page=x",
        "page=1&page=2",
        "sort=amount",
        "page=%C2%B2",
    ):
        refused(tc.call("GET", f"/payments?{query}"), 400, "INVALID_REQUEST")


def test_end_of_day_report_of_the_terminal_and_of_its_shop(app: Flask, session: Session) -> None:
    from pypdfium2 import PdfDocument

    notices = three_notices(app)
    shop = {"shop_name": "Tabaccheria Centrale", "shop_address": "via Roma 12, Villanova"}
    tc = terminal_client(app, session, terminal_id="TAB-0001", **shop)
    same_shop = terminal_client(app, session, terminal_id="TAB-0002", **shop)
    elsewhere = terminal_client(app, session, terminal_id="TAB-0003", shop_name="Edicola")
    tc.pay(notices[0])
    same_shop.pay(notices[1])
    elsewhere.pay(notices[2])

    own = tc.call("GET", "/reports/day?format=csv")
    assert own.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(own.get_data(as_text=True))))
    assert [r["notice_code"] for r in rows] == [notices[0].code]
    shop_csv = tc.call("GET", "/reports/day?format=csv&scope=shop").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(shop_csv)))
    assert {r["terminal_id"] for r in rows} == {"TAB-0001", "TAB-0002"}
    assert sum(int(r["amount_cents"]) for r in rows) == notices[0].amount_cents + (
        notices[1].amount_cents
    )

    pdf = tc.call("GET", "/reports/day?scope=shop")
    assert pdf.mimetype == "application/pdf"
    text = PdfDocument(pdf.data)[0].get_textpage().get_text_range()
    assert "TAB-0002" in text and "TAB-0003" not in text
    empty = tc.call("GET", "/reports/day?date=2020-01-01&format=csv").get_data(as_text=True)
    assert len(empty.strip().splitlines()) == 1  # the header alone
    for query in ("date=2026-13-01", "date=yesterday", "scope=network", "format=xlsx"):
        refused(tc.call("GET", f"/reports/day?{query}"), 400, "INVALID_REQUEST")


def test_carts_racing_for_the_same_notices_in_any_order_one_wins(
    app: Flask, session: Session
) -> None:
    """Eight counters reserve the same three notices, each listing them in another order:
    one cart holds all three, every other is refused whole (no deadlock, no 5xx)."""
    from collections import Counter
    from concurrent.futures import ThreadPoolExecutor

    from .payments_factories import TerminalClient

    notices = three_notices(app)
    clients = [
        TerminalClient(app.test_client(), t.terminal_id, t.secret)
        for t in (terminal_client(app, session, terminal_id=f"TAB-{i:04d}") for i in range(8))
    ]
    orders = [notices[i % 3 :] + notices[: i % 3] for i in range(8)]
    orders = [order if i % 2 else order[::-1] for i, order in enumerate(orders)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(
            pool.map(
                lambda job: job[0].call("POST", "/carts/activate", cart_body(job[1]), key="race"),
                zip(clients, orders, strict=True),
            )
        )
    assert Counter(a.status_code for a in answers) == {201: 1, 409: 7}
    assert session.scalar(select(func.count()).select_from(CounterCart)) == 1
    assert session.scalar(select(func.count()).select_from(Payment)) == 3
