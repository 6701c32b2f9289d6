"""The counter terminal API, version 1: verify -> activate -> close -> receipt.

Every call is signed by the terminal (``counter.signing``); state-changing calls carry an
``Idempotency-Key`` (``counter.idempotency``). Errors are problem+json with a stable ``code``
(``payments.errors``), bodies are checked against ``counter.contract``. Carts of several
notices are in ``counter.carts``; the transaction list, the end-of-day report and the debt
look-up in ``counter.daybook``. The OpenAPI document at ``/counter/api/v1/openapi.json``
describes them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request, url_for
from flask_babel import lazy_gettext as _l

from ..db import db
from ..ente import current_ente
from ..errors import problem_body, safe_extra
from ..models import Document, Notice, Payment, Terminal
from ..payments.carts import PaymentInCart
from ..payments.errors import PaymentError, RefundRequired, UnauthorizedTerminal
from ..payments.hooks import AmountDue
from ..payments.notices import detail_lines, mask_name, parse_scanned, verified_notice
from ..payments.receipts import payment_and_receipt
from ..payments.settle import (
    Outcome,
    activate_payment,
    close_payment,
    payment_by_token,
    terminal_actor,
)
from ..ratelimit import check_admission, check_limit
from ..redis_store import redis_client
from ..seals import seal_keys
from ..security import csrf
from .contract import check_size, json_body
from .idempotency import Answer, check_key, fingerprint, run_idempotent
from .openapi import openapi_document
from .signing import nonce_claim, verify_signature

bp = Blueprint("counter_api", __name__)
csrf.exempt(bp)


class NoReceipt(PaymentError):
    code = "RECEIPT_NOT_AVAILABLE"
    status = 409
    title = _l("The payment is not paid: there is no receipt.")


def signed_terminal() -> Terminal:
    """The terminal that signed this request (every counter call starts here).

    The body bound and the signature are checked first; then, in one Redis round trip, the
    address's limit, the nonce (spent only within that limit) and the terminal's own limit.
    A refused request counts against its address's limit all the same, so an unsigned
    flood is answered 429 once over it.
    """
    try:
        check_size(request)
        call = verify_signature(current_app, db.session, request)
    except PaymentError:
        check_limit("counter_address")
        raise
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    terminal = call.terminal
    if redis_client(app) is None:
        # The limits and the nonce are then counted on side connections: hand the request's
        # back first (nothing was written), so that many calls at once never each hold one
        # while they wait for another.
        db.session.commit()
    if not check_admission(
        ("counter_address", None), nonce_claim(app, call), ("counter", f"terminal:{terminal.id}")
    ):
        raise UnauthorizedTerminal(detail="nonce already used")
    return terminal


def _respond(answer: Answer) -> Response:
    body = dict(answer.body)
    if answer.status >= 400:  # a replayed refusal names the request answered now
        body.update(instance=request.path, request_id=getattr(g, "request_id", None))
    response = jsonify(body)
    response.status_code = answer.status
    if answer.status >= 400:
        response.mimetype = "application/problem+json"
    if answer.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def idempotent(terminal: Terminal, operation: Any) -> Response:
    key = check_key(request.headers.get("Idempotency-Key"))
    fp = fingerprint(request.method, request.path, request.get_data())
    answer = run_idempotent(
        db.session,
        scope=f"api:{terminal.id}",
        key=key,
        fp=fp,
        operation=operation,
        refusal=lambda e: Answer(
            e.status, {**problem_body(e.status, e.code, e.user_message), **safe_extra(e.extra)}
        ),
    )
    return _respond(answer)


def notice_json(notice: Notice, due: AmountDue) -> dict[str, Any]:
    return {
        "notice_code": notice.code,
        "creditor_fiscal_code": notice.creditor_fiscal_code,
        "creditor_name": notice.creditor_name,
        "amount_cents": due.amount_cents,
        "amount_window": due.window,
        "amount_valid_until": due.valid_until.isoformat() if due.valid_until else None,
        "currency": "EUR",
        "description": notice.description,
        "payer": mask_name(notice.payer_name),
        "status": "payable",
        "due_date": notice.due_date.isoformat(),
        "valid_until": notice.valid_until.isoformat() if notice.valid_until else None,
        "details": [list(pair) for pair in detail_lines(notice.details or {}, "it")],
    }


def payment_json(payment: Payment, *, listed: bool = False) -> dict[str, Any]:
    """A payment as the API shows it; ``listed`` adds when it started, what it pays and its
    cart (the transaction list)."""
    body: dict[str, Any] = {
        "payment_token": payment.token,
        "status": payment.status,
        "notice_code": payment.notice.code,
        "amount_cents": payment.amount_cents,
        "expires_at": payment.expires_at.isoformat(),
    }
    if listed:
        body.update(
            activated_at=payment.activated_at.isoformat(), description=payment.notice.description
        )
        if payment.cart is not None:
            body["cart_token"] = payment.cart.token
    if payment.closed_at is not None:
        body["token_expired"] = payment.late
    if payment.status == "paid":
        assert payment.closed_at is not None
        body.update(
            receipt_id=payment.receipt_id,
            paid_at=payment.closed_at.isoformat(),
            payment_method=payment.payment_method,
            terminal_transaction_ref=payment.external_ref,
            receipt_url=url_for("counter_api.receipt", token=payment.token),
        )
    return body


@bp.get("/openapi.json")
def openapi() -> Response:
    """The API description; public, like any API reference."""
    return jsonify(openapi_document(current_ente()))


@bp.post("/notices/verify")
def verify() -> Response:
    """Look a notice up by the scanned QR payload or the typed code (read-only)."""
    signed_terminal()
    body = json_body(request, "VerifyRequest")
    notice, due = verified_notice(db.session, body.get("qr_code") or body["notice_code"])
    return jsonify(notice_json(notice, due))


@bp.post("/payments/activate")
def activate() -> Response:
    terminal = signed_terminal()
    body = json_body(request, "ActivateRequest")
    code, amount = body["notice_code"], body["amount_cents"]

    def operation() -> Answer:
        # activate_payment reads the notice and checks it is payable (one read, not two).
        payment = activate_payment(
            db.session, notice_code=parse_scanned(code), amount_cents=amount, terminal=terminal
        )
        answer = payment_json(payment)
        answer["description"] = payment.notice.description
        return Answer(201, answer)

    return idempotent(terminal, operation)


@dataclass(frozen=True)
class CloseRequest:
    """What a terminal's close says, for one payment or a cart, checked by the contract."""

    outcome: Outcome
    payment_method: str
    external_ref: str

    @classmethod
    def posted(cls) -> CloseRequest:
        body = json_body(request, "CloseRequest")
        return cls(
            "OK" if body["outcome"] == "OK" else "KO",
            body.get("payment_method", "cash"),
            body.get("terminal_transaction_ref", ""),
        )


def receipt_response(document: Document | None, status: str) -> Response:
    """The receipt's PDF for the terminal, or NoReceipt while ``status`` has none."""
    if document is None:
        raise NoReceipt(detail=status)
    response = Response(document.content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response.headers["X-Content-SHA256"] = document.sha256
    return response


@bp.post("/payments/<payment_token:token>/close")
def close(token: str) -> Response:
    terminal = signed_terminal()
    asked = CloseRequest.posted()

    def operation() -> Answer:
        payment = payment_by_token(db.session, token, terminal)
        if payment.cart_id is not None:
            raise PaymentInCart()
        payment = close_payment(
            db.session,
            token=token,
            terminal=terminal,
            outcome=asked.outcome,
            actor=terminal_actor(terminal),
            signer=seal_keys().signer,
            payment_method=asked.payment_method,
            external_ref=asked.external_ref,
            payment=payment,
        )
        if payment.status in ("refund_due", "refunded"):
            refund = RefundRequired()
            problem = problem_body(refund.status, refund.code, refund.user_message)
            return Answer(409, {**problem, "payment_token": token})
        return Answer(200, payment_json(payment))

    return idempotent(terminal, operation)


@bp.get("/payments/<payment_token:token>")
def status(token: str) -> Response:
    terminal = signed_terminal()
    return jsonify(payment_json(payment_by_token(db.session, token, terminal)))


@bp.get("/payments/<payment_token:token>/receipt")
def receipt(token: str) -> Response:
    terminal = signed_terminal()
    payment, document = payment_and_receipt(db.session, token, terminal)
    return receipt_response(document, payment.status)
