"""The counter terminal API, version 1: verify -> activate -> close -> receipt.

Every call is signed by the terminal (``counter.signing``); state-changing calls carry an
``Idempotency-Key`` (``counter.idempotency``). Errors are problem+json with a stable ``code``
(``payments.errors``). The OpenAPI document at ``/counter/api/v1/openapi.json`` describes it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from flask_babel import lazy_gettext as _l

from ..db import db
from ..errors import PROBLEM_BASE
from ..exceptions import SportelloError
from ..models import Notice, Payment, Terminal
from ..payments.errors import PaymentError, RefundRequired
from ..payments.hooks import AmountDue
from ..payments.notices import detail_lines, mask_name, notice_for_counter, verified_notice
from ..payments.receipts import receipt_for
from ..payments.settle import activate_payment, close_payment, payment_by_token, terminal_actor
from ..ratelimit import check_limit
from ..seals import seal_keys
from ..security import csrf
from .idempotency import Answer, check_key, fingerprint, run_idempotent
from .openapi import openapi_document
from .signing import authenticate

bp = Blueprint("counter_api", __name__)
csrf.exempt(bp)

METHODS = ("cash", "card", "bank_transfer", "other")


class MalformedRequest(PaymentError):
    code = "INVALID_REQUEST"
    status = 400
    title = _l("The request body is not valid.")


class NoReceipt(PaymentError):
    code = "RECEIPT_NOT_AVAILABLE"
    status = 409
    title = _l("The payment is not paid: there is no receipt.")


def _terminal() -> Terminal:
    check_limit("counter_address")
    terminal = authenticate(current_app, db.session, request)
    check_limit("counter", f"terminal:{terminal.id}")
    return terminal


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise MalformedRequest(detail="a JSON object is expected")
    return data


def _problem_body(e: SportelloError) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + e.code.lower().replace("_", "-"),
        "code": e.code,
        "title": str(e.title),
        "status": e.status,
    }
    if e.user_message != str(e.title):
        body["detail"] = e.user_message
    return body


def _respond(answer: Answer) -> Response:
    response = jsonify(answer.body)
    response.status_code = answer.status
    if answer.status >= 400:
        response.mimetype = "application/problem+json"
    if answer.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def _idempotent(terminal: Terminal, operation: Any) -> Response:
    key = check_key(request.headers.get("Idempotency-Key"))
    fp = fingerprint(request.method, request.path, request.get_data())
    answer = run_idempotent(
        db.session,
        scope=f"api:{terminal.id}",
        key=key,
        fp=fp,
        operation=operation,
        refusal=lambda e: Answer(e.status, _problem_body(e)),
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


def payment_json(payment: Payment) -> dict[str, Any]:
    body: dict[str, Any] = {
        "payment_token": payment.token,
        "status": payment.status,
        "notice_code": payment.notice.code,
        "amount_cents": payment.amount_cents,
        "expires_at": payment.expires_at.isoformat(),
    }
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
    return jsonify(openapi_document())


@bp.post("/notices/verify")
def verify() -> Response:
    """Look a notice up by the scanned QR payload or the typed code (read-only)."""
    _terminal()
    body = _body()
    scanned = body.get("qr_code") or body.get("notice_code")
    if not isinstance(scanned, str) or not scanned.strip():
        raise MalformedRequest(detail="qr_code or notice_code is required")
    notice, due = verified_notice(db.session, scanned)
    return jsonify(notice_json(notice, due))


@bp.post("/payments/activate")
def activate() -> Response:
    terminal = _terminal()
    body = _body()
    code, amount = body.get("notice_code"), body.get("amount_cents")
    if not isinstance(code, str) or not isinstance(amount, int) or isinstance(amount, bool):
        raise MalformedRequest(detail="notice_code (string) and amount_cents (integer) required")

    def operation() -> Answer:
        notice = notice_for_counter(db.session, code)
        payment = activate_payment(
            db.session, notice_code=notice.code, amount_cents=amount, terminal=terminal
        )
        answer = payment_json(payment)
        answer["description"] = notice.description
        return Answer(201, answer)

    return _idempotent(terminal, operation)


@bp.post("/payments/<payment_token:token>/close")
def close(token: str) -> Response:
    terminal = _terminal()
    body = _body()
    outcome = str(body.get("outcome", "")).upper()
    if outcome == "ABORT":
        outcome = "KO"
    method = body.get("payment_method", "cash")
    ref = body.get("terminal_transaction_ref", "")
    if outcome not in ("OK", "KO") or method not in METHODS or not isinstance(ref, str):
        raise MalformedRequest(detail="outcome OK|KO, payment_method and a reference required")
    if outcome == "OK" and not (0 < len(ref) <= 64):
        raise MalformedRequest(detail="terminal_transaction_ref (1-64 characters) is required")

    def operation() -> Answer:
        payment = close_payment(
            db.session,
            token=token,
            terminal=terminal,
            outcome="OK" if outcome == "OK" else "KO",
            actor=terminal_actor(terminal),
            signer=seal_keys().signer,
            payment_method=method,
            external_ref=ref,
        )
        if payment.status in ("refund_due", "refunded"):
            return Answer(409, {**_problem_body(RefundRequired()), "payment_token": token})
        return Answer(200, payment_json(payment))

    return _idempotent(terminal, operation)


@bp.get("/payments/<payment_token:token>")
def status(token: str) -> Response:
    terminal = _terminal()
    return jsonify(payment_json(payment_by_token(db.session, token, terminal)))


@bp.get("/payments/<payment_token:token>/receipt")
def receipt(token: str) -> Response:
    terminal = _terminal()
    payment = payment_by_token(db.session, token, terminal)
    document = receipt_for(db.session, payment)
    if document is None:
        raise NoReceipt(detail=payment.status)
    response = Response(document.content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response.headers["X-Content-SHA256"] = document.sha256
    return response
