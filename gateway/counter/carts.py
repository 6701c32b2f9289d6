"""Carts in the counter API: several notices paid in one counter transaction, all or none.

``POST /carts/activate`` reserves every notice (or none), ``POST /carts/<token>/close``
closes them all, ``GET /carts/<token>`` and ``GET /carts/<token>/receipt`` show the cart and
its receipt listing each notice. Signed and idempotent as the single-notice calls.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for

from ..db import db
from ..models import CounterCart, Document, Terminal
from ..payments.carts import CartItem, activate_cart, cart_by_token, close_cart
from ..payments.settle import terminal_actor
from ..seals import seal_keys
from ..security import csrf
from .api import CloseRequest, idempotent, receipt_response, signed_terminal
from .contract import json_body
from .idempotency import Answer

bp = Blueprint("counter_carts", __name__)
csrf.exempt(bp)


def cart_json(cart: CounterCart) -> dict[str, Any]:
    body: dict[str, Any] = {
        "cart_token": cart.token,
        "status": cart.status,
        "amount_cents": cart.amount_cents,
        "expires_at": cart.expires_at.isoformat(),
        "notices": [
            {
                "notice_code": p.notice.code,
                "amount_cents": p.amount_cents,
                "description": p.notice.description,
                "status": p.status,
                **({"receipt_id": p.receipt_id} if p.receipt_id else {}),
            }
            for p in cart.payments
        ],
    }
    if cart.status == "paid":
        assert cart.closed_at is not None and cart.receipt_id is not None
        body.update(
            receipt_id=cart.receipt_id,
            paid_at=cart.closed_at.isoformat(),
            payment_method=cart.payment_method,
            terminal_transaction_ref=cart.external_ref,
            receipt_url=url_for("counter_carts.receipt", token=cart.token),
        )
    return body


@bp.post("/carts/activate")
def activate() -> Response:
    terminal = signed_terminal()
    body = json_body(request, "CartActivateRequest")
    items = [CartItem(n["notice_code"], n["amount_cents"]) for n in body["notices"]]

    def operation() -> Answer:
        return Answer(201, cart_json(activate_cart(db.session, items, terminal)))

    return idempotent(terminal, operation)


@bp.post("/carts/<payment_token:token>/close")
def close(token: str) -> Response:
    terminal: Terminal = signed_terminal()
    asked = CloseRequest.posted()

    def operation() -> Answer:
        cart = close_cart(
            db.session,
            token=token,
            terminal=terminal,
            outcome=asked.outcome,
            actor=terminal_actor(terminal),
            signer=seal_keys().signer,
            payment_method=asked.payment_method,
            external_ref=asked.external_ref,
        )
        return Answer(200, cart_json(cart))

    return idempotent(terminal, operation)


@bp.get("/carts/<payment_token:token>")
def status(token: str) -> Response:
    terminal = signed_terminal()
    return jsonify(cart_json(cart_by_token(db.session, token, terminal)))


@bp.get("/carts/<payment_token:token>/receipt")
def receipt(token: str) -> Response:
    terminal = signed_terminal()
    cart = cart_by_token(db.session, token, terminal)
    document = db.session.get(Document, cart.receipt_document_id or 0)
    return receipt_response(document, cart.status)
