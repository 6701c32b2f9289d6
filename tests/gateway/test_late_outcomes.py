"""Late outcomes as pagoPA's Nodo handles them: a close that arrives after its token expired.

A late OK still pays a notice nothing happened to meanwhile (the answer says the token had
expired); when another payment held or paid the notice, it is refused with REFUND_REQUIRED
and waits on the clerks' list of payments to reconcile. A late KO is acknowledged.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from gateway.models import AuditEntry, Document, Notice, Payment, Transaction
from gateway.payments.operations import issue_notice
from gateway.transactions.states import State

from ..factories import create_transaction
from .audit_support import assert_log_intact
from .forms_support import ANNA, MARIO, csrf_token, login, make_clerk
from .payments_factories import MARIO_ACTOR, TerminalClient, create_fine_notice, terminal_client

RECONCILE = "/sportello-assistito/riconciliazione/"


def expire(session: Session, token: str) -> None:
    """The token's time runs out (as if the counter had taken more than its 15 minutes)."""
    session.execute(
        update(Payment).where(Payment.token == token).values(expires_at=Payment.activated_at)
    )
    session.commit()


def payment(session: Session, token: str) -> Payment:
    session.expire_all()
    found = session.scalar(select(Payment).where(Payment.token == token))
    assert found is not None
    return found


def activated(tc: TerminalClient, notice: Notice) -> str:
    answer = tc.activate(notice)
    assert answer.status_code == 201, answer.get_json()
    token: str = answer.get_json()["payment_token"]
    return token


def _notice(app: Flask, session: Session, n: int, tx: Transaction | None = None) -> Notice:
    if tx is None:
        tx = create_transaction(
            session, service="test_late_service", title=f"Diritti {n}", state=State.SUBMITTED
        )
    with app.test_request_context():
        notice = issue_notice(
            session,
            transaction=tx,
            amount_cents=1600 + n,
            description=f"Diritti {n}",
            payer_cf=tx.subject_cf,
            payer_name="Mario Rossi",
            due_date=date.today() + timedelta(days=30),
            details={"Pratica": tx.reference},
            actor=MARIO_ACTOR,
        )
    session.commit()
    return notice


def test_a_late_ok_pays_a_notice_nothing_happened_to(app: Flask, session: Session) -> None:
    notice = create_fine_notice(app)
    tc = terminal_client(app, session)
    token = activated(tc, notice)
    expire(session, token)
    answer = tc.close(token, ref="LATE-1")
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["status"] == "paid" and body["token_expired"] is True
    assert tc.call("GET", f"/payments/{token}/receipt").mimetype == "application/pdf"
    session.expire_all()
    assert session.get(Notice, notice.id).status == "paid"
    assert payment(session, token).late is True
    # pagoPA: an activation after the late OK is a duplicate payment.
    refused = tc.activate(notice)
    assert refused.status_code == 409 and refused.get_json()["code"] == "NOTICE_ALREADY_PAID"
    # A retry of the late close gets the same receipt, with any key.
    again = tc.close(token, ref="LATE-1")
    assert again.status_code == 200 and again.get_json()["receipt_id"] == body["receipt_id"]


def test_a_timely_close_does_not_say_the_token_expired(app: Flask, session: Session) -> None:
    notice = create_fine_notice(app)
    tc = terminal_client(app, session)
    answer = tc.pay(notice)
    assert answer.status_code == 200 and answer.get_json()["token_expired"] is False


def test_a_late_ok_after_another_activation_is_refused_for_refund(
    app: Flask, session: Session
) -> None:
    notice = create_fine_notice(app)
    slow, quick = terminal_client(app, session), terminal_client(app, session)
    late_token = activated(slow, notice)
    expire(session, late_token)
    quick_token = activated(quick, notice)  # the expired hold no longer blocks

    refused = slow.close(late_token, key="late-close", ref="SLOW-1")
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    assert refused.get_json()["code"] == "REFUND_REQUIRED"
    assert payment(session, late_token).status == "refund_due"
    assert session.get(Notice, notice.id).status == "issued"
    # The same close again, by key or not, gets the same refusal; another outcome conflicts.
    assert slow.close(late_token, key="late-close", ref="SLOW-1").headers["Idempotent-Replayed"]
    assert slow.close(late_token, ref="SLOW-1").get_json()["code"] == "REFUND_REQUIRED"
    assert slow.close(late_token, ref="SLOW-2").get_json()["code"] == "OUTCOME_CONFLICT"
    assert slow.close(late_token, outcome="KO").get_json()["code"] == "OUTCOME_CONFLICT"

    paid = quick.close(quick_token, ref="QUICK-1")
    assert paid.status_code == 200 and paid.get_json()["status"] == "paid"
    assert session.scalar(select(func.count(Document.id)).where(Document.kind == "receipt")) == 1
    actions = session.scalars(select(AuditEntry.action)).all()
    assert "counter.late_payment_refund_due" in actions


def test_a_late_ok_after_another_payment_won_is_refused(app: Flask, session: Session) -> None:
    notice = create_fine_notice(app)
    slow, quick = terminal_client(app, session), terminal_client(app, session)
    late_token = activated(slow, notice)
    expire(session, late_token)
    assert quick.pay(notice).status_code == 200
    refused = slow.close(late_token, ref="SLOW-1")
    assert refused.status_code == 409 and refused.get_json()["code"] == "REFUND_REQUIRED"
    assert payment(session, late_token).status == "refund_due"
    assert payment(session, late_token).paid_notice_id is None


def test_a_late_ok_on_a_notice_replaced_meanwhile_is_refused(app: Flask, session: Session) -> None:
    notice = _notice(app, session, 1)
    tc = terminal_client(app, session)
    token = activated(tc, notice)
    expire(session, token)
    newer = _notice(app, session, 2, notice.transaction)  # revokes the older notice
    assert session.get(Notice, notice.id).status == "revoked"
    assert tc.close(token).get_json()["code"] == "REFUND_REQUIRED"
    assert tc.pay(newer).status_code == 200


def test_a_late_ko_is_acknowledged(app: Flask, session: Session) -> None:
    notice = create_fine_notice(app)
    tc = terminal_client(app, session)
    token = activated(tc, notice)
    expire(session, token)
    answer = tc.close(token, outcome="KO")
    assert answer.status_code == 200
    assert answer.get_json()["status"] == "aborted" and answer.get_json()["token_expired"]
    assert tc.close(token, outcome="KO").status_code == 200  # and again
    assert tc.activate(notice).status_code == 201


def test_a_late_ok_racing_a_new_payment_one_wins_and_the_other_is_told(
    app: Flask, session: Session
) -> None:
    """The late OK and another counter's activate+close at once, round after round: one
    payment, one receipt; the loser is either refused at activation (the notice is paid) or
    told to refund its late OK — never both paid, never both refused."""
    slow_tc, quick_tc = terminal_client(app, session), terminal_client(app, session)
    outcomes: Counter[str] = Counter()
    for n in range(6):
        notice = _notice(app, session, n)
        late_token = activated(slow_tc, notice)
        expire(session, late_token)
        slow = TerminalClient(app.test_client(), slow_tc.terminal_id, slow_tc.secret)
        quick = TerminalClient(app.test_client(), quick_tc.terminal_id, quick_tc.secret)
        start = threading.Barrier(2, timeout=10)

        def late_close(slow: Any = slow, start: Any = start, token: str = late_token) -> Any:
            start.wait()
            return slow.close(token, ref=f"SLOW-{token[:6]}")

        def new_payment(quick: Any = quick, start: Any = start, notice: Notice = notice) -> Any:
            start.wait()
            answer = quick.activate(notice)
            if answer.status_code != 201:
                return answer
            return quick.close(answer.get_json()["payment_token"], ref="QUICK")

        with ThreadPoolExecutor(max_workers=2) as pool:
            late_future, new_future = pool.submit(late_close), pool.submit(new_payment)
            late, new = late_future.result(), new_future.result()
        if late.status_code == 200:
            assert late.get_json()["status"] == "paid"
            assert new.status_code == 409 and new.get_json()["code"] == "NOTICE_ALREADY_PAID"
            outcomes["late won"] += 1
        else:
            assert late.get_json()["code"] == "REFUND_REQUIRED", late.get_json()
            assert new.status_code == 200 and new.get_json()["status"] == "paid"
            outcomes["new won"] += 1
        session.expire_all()
        paid = session.scalars(select(Payment).where(Payment.paid_notice_id == notice.id)).all()
        assert len(paid) == 1 and session.get(Notice, notice.id).status == "paid"
        receipts = session.scalar(
            select(func.count(Payment.id)).where(
                Payment.notice_id == notice.id, Payment.receipt_document_id.is_not(None)
            )
        )
        assert receipts == 1
    assert sum(outcomes.values()) == 6


def test_clerks_reconcile_the_refused_late_payments(
    app: Flask, session: Session, client: FlaskClient
) -> None:
    notice = create_fine_notice(app)
    slow, quick = terminal_client(app, session), terminal_client(app, session)
    late_token = activated(slow, notice)
    expire(session, late_token)
    assert quick.pay(notice).status_code == 200
    assert slow.close(late_token, ref="SLOW-77").status_code == 409
    late = payment(session, late_token)

    login(client, app, MARIO)
    assert client.get(RECONCILE).status_code == 403  # citizens do not see it

    make_clerk(app)
    clerk = app.test_client()
    login(clerk, app, ANNA)
    page = clerk.get(RECONCILE).get_data(as_text=True)
    assert f'data-testid="reconcile-{late.id}"' in page and "SLOW-77" in page
    assert notice.code in page and "Tabaccheria Centrale" in page

    token = csrf_token(clerk, RECONCILE)
    empty = clerk.post(f"{RECONCILE}{late.id}", data={"csrf_token": token, "note": " "})
    assert empty.status_code == 422 and "aria-invalid" in empty.get_data(as_text=True)
    control = clerk.post(f"{RECONCILE}{late.id}", data={"csrf_token": token, "note": "a\x00b"})
    assert control.status_code == 422
    assert (
        clerk.post(
            f"{RECONCILE}{late.id + 1000}", data={"csrf_token": token, "note": "x"}
        ).status_code
        == 404
    )
    done = clerk.post(
        f"{RECONCILE}{late.id}", data={"csrf_token": token, "note": "Contanti resi al banco"}
    )
    assert done.status_code == 302
    late = payment(session, late_token)
    assert late.status == "refunded" and late.reconciliation_note == "Contanti resi al banco"
    assert late.reconciled_by == "Anna Esposito" and late.reconciled_at is not None
    assert 'data-testid="nothing-to-reconcile"' in clerk.get(RECONCILE).get_data(as_text=True)
    again = clerk.post(f"{RECONCILE}{late.id}", data={"csrf_token": token, "note": "again"})
    assert again.status_code == 404
    assert "payment.reconciled" in session.scalars(select(AuditEntry.action)).all()
    assert_log_intact(app)
    # The terminal's repeated close still gets the refund answer.
    assert slow.close(late_token, ref="SLOW-77").get_json()["code"] == "REFUND_REQUIRED"
