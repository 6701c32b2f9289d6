"""The counter terminal API: signed requests, verify -> activate -> close -> receipt, errors."""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from connectors.simulators.clock import today_in_rome
from gateway.counter.openapi import ERRORS
from gateway.counter.terminals import set_active
from gateway.fines.operations import fines_system
from gateway.models import Document, Notice, Payment
from printing import build_payment_payload, make_notice_code
from printing.verify import read_codes

from .payments_factories import (
    API,
    BASE_FINE,
    create_fine_notice,
    terminal_client,
)


def problem(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == code


# --- authentication ----------------------------------------------------------------------


def test_unsigned_wrong_stale_and_replayed_requests_are_refused(
    app: Flask, session: Session
) -> None:
    notice = create_fine_notice(app)
    tc = terminal_client(app, session)
    assert tc.verify(notice.code).status_code == 200

    plain = app.test_client().post(f"{API}/notices/verify", json={"notice_code": notice.code})
    problem(plain, 401, "UNAUTHORIZED_TERMINAL")

    wrong = tc.call("POST", "/notices/verify", {"notice_code": notice.code})
    assert wrong.status_code == 200
    forged = type(tc)(tc.client, tc.terminal_id, "not-the-secret")
    problem(forged.verify(notice.code), 401, "UNAUTHORIZED_TERMINAL")

    stale = tc.call(
        "POST", "/notices/verify", {"notice_code": notice.code}, timestamp=int(time.time()) - 301
    )
    problem(stale, 401, "UNAUTHORIZED_TERMINAL")

    nonce = "fixed-nonce-0123456789"
    first = tc.call("POST", "/notices/verify", {"notice_code": notice.code}, nonce=nonce)
    assert first.status_code == 200
    replay = tc.call("POST", "/notices/verify", {"notice_code": notice.code}, nonce=nonce)
    problem(replay, 401, "UNAUTHORIZED_TERMINAL")


def test_a_signature_covers_the_body_and_the_path(app: Flask, session: Session) -> None:
    """A signed request whose body or path was changed on the way is refused."""
    from gateway.counter.signing import signed_headers

    notice = create_fine_notice(app)
    tc = terminal_client(app, session)
    signed_body = b'{"notice_code": "%s"}' % notice.code.encode()
    headers = signed_headers(
        tc.terminal_id, tc.secret, "POST", f"{API}/notices/verify", signed_body
    )
    headers["Content-Type"] = "application/json"
    other_body = b'{"notice_code": "%s"}' % make_notice_code("01", "2026999999999").encode()
    changed = tc.client.post(f"{API}/notices/verify", data=other_body, headers=headers)
    problem(changed, 401, "UNAUTHORIZED_TERMINAL")
    moved = tc.client.post(f"{API}/notices/verify?x=1", data=signed_body, headers=headers)
    problem(moved, 401, "UNAUTHORIZED_TERMINAL")


def test_unknown_and_disabled_terminals_are_answered_as_a_wrong_secret(
    app: Flask, session: Session
) -> None:
    """Nothing tells an unknown id or a disabled terminal from a wrong secret: no enumeration."""
    notice = create_fine_notice(app)
    tc = terminal_client(app, session)

    def refusal(caller: Any) -> dict[str, Any]:
        response = caller.verify(notice.code)
        problem(response, 401, "UNAUTHORIZED_TERMINAL")
        body = response.get_json()
        assert body.pop("request_id")
        return dict(body)

    wrong_secret = refusal(type(tc)(tc.client, tc.terminal_id, "not-the-secret"))
    assert refusal(type(tc)(tc.client, "TAB-9999", tc.secret)) == wrong_secret
    set_active(session, tc.terminal_id, False)
    session.commit()
    assert refusal(tc) == wrong_secret


def test_a_terminal_cannot_list_notices_or_see_another_terminals_payment(
    app: Flask, session: Session
) -> None:
    notice = create_fine_notice(app)
    first = terminal_client(app, session, terminal_id="TAB-0001")
    second = terminal_client(app, session, terminal_id="TAB-0002")
    for path in ("/notices", f"/notices/{notice.code}"):
        assert first.call("GET", path).status_code in (404, 405)
    token = first.activate(notice).get_json()["payment_token"]
    assert [p["payment_token"] for p in first.call("GET", "/payments").get_json()["items"]] == [
        token
    ]
    assert second.call("GET", "/payments").get_json()["items"] == []
    problem(second.call("GET", f"/payments/{token}"), 404, "TOKEN_UNKNOWN")
    problem(second.close(token), 404, "TOKEN_UNKNOWN")
    assert first.call("GET", f"/payments/{token}").get_json()["status"] == "activated"


# --- the journey ---------------------------------------------------------------------------


def test_verify_activate_close_and_receipt(app: Flask, session: Session) -> None:
    notice = create_fine_notice(app)
    tc = terminal_client(app, session, terminal_id="TAB-0001")
    payload = build_payment_payload(notice.code, notice.creditor_fiscal_code, notice.amount_cents)
    found = tc.call("POST", "/notices/verify", {"qr_code": payload})
    assert found.status_code == 200
    body = found.get_json()
    assert body["amount_cents"] == notice.amount_cents == 12110
    assert body["payer"] == "M**** R****"
    assert body["valid_until"] is None  # a fine's notice stays valid while the amount changes
    assert body["amount_window"] == "reduced"
    assert body["amount_valid_until"] == notice.amount_until.isoformat()

    activated = tc.activate(notice)
    assert activated.status_code == 201
    token = activated.get_json()["payment_token"]
    closed = tc.close(token, ref="SCONTRINO-42")
    assert closed.status_code == 200
    paid = closed.get_json()
    assert paid["status"] == "paid" and paid["terminal_transaction_ref"] == "SCONTRINO-42"

    pdf = tc.call("GET", f"/payments/{token}/receipt")
    assert pdf.mimetype == "application/pdf"
    seal = next(code for code in read_codes(pdf.data) if code.startswith("SP1:"))
    claims = app.extensions["sportello.seals"].verifier.verify(seal).claims
    assert claims["rid"] == paid["receipt_id"] and claims["amt"] == 12110
    assert claims["nc"] == notice.code and claims["tid"] == "TAB-0001"
    problem(tc.verify(notice.code), 409, "NOTICE_ALREADY_PAID")


def test_malformed_codes_and_unknown_notices(app: Flask, session: Session) -> None:
    tc = terminal_client(app, session)
    problem(tc.verify("311111111112222222"), 400, "INVALID_QRCODE")
    problem(
        tc.call("POST", "/notices/verify", {"qr_code": "PAGOPA|002|12|3|4"}), 400, "INVALID_QRCODE"
    )
    problem(tc.verify(make_notice_code("01", "2026999999999")), 404, "UNKNOWN_NOTICE")
    problem(tc.call("POST", "/notices/verify", {}), 400, "INVALID_REQUEST")


def test_idempotency_keys(app: Flask, session: Session) -> None:
    notice = create_fine_notice(app)
    tc = terminal_client(app, session)
    first = tc.activate(notice, key="k-activate-1")
    again = tc.activate(notice, key="k-activate-1")
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    problem(tc.activate(notice, key="k-activate-1", amount=1), 422, "IDEMPOTENCY_KEY_REUSED")
    no_key = tc.call("POST", "/payments/activate", {"notice_code": notice.code, "amount_cents": 1})
    problem(no_key, 400, "IDEMPOTENCY_KEY_MISSING")

    token = first.get_json()["payment_token"]
    closed = tc.close(token, key="k-close-1")
    retried = tc.close(token, key="k-close-1")
    assert closed.get_json() == retried.get_json()
    assert session.scalar(select(Payment).where(Payment.token == token)).status == "paid"
    assert len(session.scalars(select(Document).where(Document.kind == "receipt")).all()) == 1


def test_amount_mismatch_in_progress_and_outcome_conflicts(app: Flask, session: Session) -> None:
    notice = create_fine_notice(app)
    one = terminal_client(app, session, terminal_id="TAB-0001")
    two = terminal_client(app, session, terminal_id="TAB-0002")
    problem(one.activate(notice, amount=notice.amount_cents + 1), 422, "AMOUNT_MISMATCH")
    token = one.activate(notice).get_json()["payment_token"]
    problem(two.activate(notice), 409, "PAYMENT_ALREADY_IN_PROGRESS")
    assert one.close(token, outcome="KO").get_json()["status"] == "aborted"
    problem(one.close(token, outcome="OK"), 409, "OUTCOME_CONFLICT")
    # The abort freed the notice: the other counter can take it now.
    assert two.pay(notice).get_json()["status"] == "paid"


def test_an_expired_hold_frees_the_notice_and_expired_or_revoked_notices(
    app: Flask, session: Session
) -> None:
    notice = create_fine_notice(app)
    tc = terminal_client(app, session)
    token = tc.activate(notice).get_json()["payment_token"]
    session.execute(
        update(Payment).where(Payment.token == token).values(expires_at=Payment.activated_at)
    )
    session.commit()
    assert tc.activate(notice).status_code == 201  # the expired hold no longer blocks

    yesterday = date.today() - timedelta(days=2)
    session.execute(update(Notice).where(Notice.id == notice.id).values(valid_until=yesterday))
    session.commit()
    problem(tc.verify(notice.code), 422, "EXPIRED_NOTICE")

    other = create_fine_notice(app, BASE_FINE)
    session.execute(update(Notice).where(Notice.id == other.id).values(status="revoked"))
    session.commit()
    problem(tc.verify(other.code), 422, "REVOKED_NOTICE")


def test_creditor_unavailable_when_the_fines_system_answers_nonsense(
    app: Flask, session: Session, simulators: Any
) -> None:
    notice = create_fine_notice(app)
    tc = terminal_client(app, session)
    simulators.control("fines", fail_next=1, fault="Client.Invalid")
    problem(tc.activate(notice), 502, "CREDITOR_UNAVAILABLE")
    assert session.scalars(select(Payment)).all() == []


def test_a_fine_paid_or_cancelled_meanwhile_cannot_be_paid_again(
    app: Flask, session: Session
) -> None:
    """The counter asks the fines system before reserving: a fine paid elsewhere is refused."""
    from connectors import PaymentRecord

    notice = create_fine_notice(app)
    fines_system(app).register_payment(
        PaymentRecord(
            report_number=notice.details["report_number"],
            amount=notice.amount_cents,
            payment_date=today_in_rome(),
            notice_code=make_notice_code("01", "2026888888888"),
            payer_fiscal_code="RSSMRA80A01H501U",
        )
    )
    problem(terminal_client(app, session).activate(notice), 409, "NOTICE_ALREADY_PAID")


def test_openapi_document_describes_the_api(client: Any) -> None:
    doc = client.get(f"{API}/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    assert set(doc["paths"]) >= {"/notices/verify", "/payments/activate", "/payments/{token}/close"}
    assert "X-Nonce" in doc["components"]["securitySchemes"]["terminalSignature"]["description"]
    described = set(doc["components"]["schemas"]["Problem"]["properties"]["code"]["enum"])
    issue_codes = {
        "INVALID_QRCODE", "UNAUTHORIZED_TERMINAL", "UNKNOWN_NOTICE", "TOKEN_UNKNOWN",
        "NOTICE_ALREADY_PAID", "PAYMENT_ALREADY_IN_PROGRESS", "REFUND_REQUIRED",
        "OUTCOME_CONFLICT", "EXPIRED_NOTICE", "REVOKED_NOTICE", "AMOUNT_MISMATCH",
        "CREDITOR_UNAVAILABLE",
    }  # fmt: skip
    assert issue_codes <= described == set(ERRORS)


def test_abort_spellings_and_no_receipt_for_an_aborted_payment(
    app: Flask, session: Session
) -> None:
    notice = create_fine_notice(app)
    tc = terminal_client(app, session)
    for outcome in ("KO", "ABORT"):
        token = tc.activate(notice).get_json()["payment_token"]
        assert tc.close(token, outcome=outcome).get_json()["status"] == "aborted"
        problem(tc.call("GET", f"/payments/{token}/receipt"), 409, "RECEIPT_NOT_AVAILABLE")


def test_replayed_nonces_are_caught_in_redis_when_configured(
    database_url: str, simulators: Any
) -> None:
    import secrets

    import redis

    from gateway import create_app
    from gateway.db import db
    from gateway.models import TerminalNonce

    from ..conftest import make_config

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_timeout=1).ping()
    except redis.RedisError as e:
        pytest.skip(f"Redis not reachable: {e}")
    app = create_app(make_config(database_url, simulators_url=simulators.base_url, redis_url=url))
    try:
        with db.fresh_session(app) as s:
            tc = terminal_client(app, s)
            nonce = secrets.token_hex(12)
            code = make_notice_code("01", "2026999999999")
            first = tc.call("POST", "/notices/verify", {"notice_code": code}, nonce=nonce)
            problem(first, 404, "UNKNOWN_NOTICE")
            again = tc.call("POST", "/notices/verify", {"notice_code": code}, nonce=nonce)
            problem(again, 401, "UNAUTHORIZED_TERMINAL")
            assert s.scalars(select(TerminalNonce)).all() == []  # kept in Redis, not here
    finally:
        db.dispose(app)
