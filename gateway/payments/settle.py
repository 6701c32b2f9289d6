"""Paying a notice: activate (reserve it for one attempt), then close with an outcome.

Exactly once: activation and close lock the notice row (SELECT … FOR UPDATE: a row lock on
PostgreSQL, the write lock on SQLite), so two counters never both hold or pay one notice, and
``payment.paid_notice_id`` is unique, so the database itself refuses a second success. The
receipt PDF is rendered before the lock is taken and stored in the same database transaction
as the payment: a crash either loses both or keeps both.

This is the counter's hot path, so each step reads what it needs in one statement: the
payment comes with its notice, transaction and terminal (never the transaction's timeline),
the close takes its locks and re-reads what may have changed in one SELECT … FOR UPDATE, and
the writes of a close leave in as few flushes as the rows they touch.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload, lazyload

from printing import PaymentMethod, SealSigner

from ..audit import append_audit
from ..exceptions import NotFound
from ..models import Notice, Payment, Terminal, Transaction, utcnow
from ..notifications import AttachmentRef, notify
from ..transactions.operations import Actor, change_state, record_event
from ..transactions.states import State
from .errors import (
    AmountMismatch,
    NoticeAlreadyPaid,
    OutcomeConflict,
    PaymentInProgress,
    TokenUnknown,
)
from .hooks import run_paid_handlers
from .notices import (
    active_payment,
    amount_due_today,
    check_payable,
    debt_id,
    debt_notices,
    end_of_day,
    find_notice,
)
from .receipts import (
    RenderedReceipt,
    receipt_data,
    receipt_id_for,
    render_for,
    store_receipt,
)

TOKEN_LIFETIME = timedelta(minutes=15)
MAX_TOKEN_LIFETIME = timedelta(minutes=30)  # pagoPA's bound on a reservation
Outcome = Literal["OK", "KO"]


def terminal_actor(terminal: Terminal) -> Actor:
    """How a counter terminal appears on timelines: shop, address and terminal id."""
    return Actor(
        kind="terminal",
        id=terminal.id,
        name=f"{terminal.shop_name}, {terminal.shop_address} — {terminal.id}",
        channel="counter",
    )


# A payment as the hot path reads it: with its notice, the notice's transaction (but not the
# transaction's timeline, which events are appended to by foreign key) and its terminal.
_WITH_NOTICE = (
    joinedload(Payment.notice).joinedload(Notice.transaction).lazyload(Transaction.events),
    joinedload(Payment.terminal),
)


def _locked_notice(session: Session, notice_id: int) -> Notice:
    """The notice, read again once its debt is locked: the row of the debt's primary notice,
    so that two codes of one debt (a fine's alternative code) are paid one at a time."""
    notice = session.get(Notice, notice_id)
    assert notice is not None
    session.scalars(select(Notice.id).where(Notice.id == debt_id(notice)).with_for_update()).one()
    return session.scalars(
        select(Notice).where(Notice.id == notice_id).execution_options(populate_existing=True)
    ).one()


def _lock_for_close(session: Session, payment: Payment) -> None:
    """Lock the payment's debt, then the payment and its notice, and bring them (and the
    transaction) up to date.

    The debt's row is the primary notice's: for a payment of an alternative code it is
    locked first, on its own, as activation locks it, so every payer of one debt waits on
    that row before any other. Then one statement: on PostgreSQL, FOR UPDATE OF the payment
    and its notice re-reads the latest committed version of each once the locks are granted
    (for a payment of the primary code this statement is the debt's lock), so a close that
    waited for a rival sees what the rival wrote; on SQLite the write lock is taken before
    the read. A payment row is locked only here and by a clerk's reconciliation (that row
    alone).
    """
    primary = payment.notice.primary_notice_id
    if primary is not None:
        session.scalars(select(Notice.id).where(Notice.id == primary).with_for_update()).one()
    session.execute(
        select(Payment)
        .join(Payment.notice)
        .join(Notice.transaction)
        .where(Payment.id == payment.id)
        .options(
            contains_eager(Payment.notice)
            .contains_eager(Notice.transaction)
            .lazyload(Transaction.events),
            joinedload(Payment.terminal),
        )
        .with_for_update(of=[Payment, Notice])
        .execution_options(populate_existing=True)
    ).one()


def activate_payment(
    session: Session,
    *,
    notice_code: str,
    amount_cents: int,
    terminal: Terminal | None,
    lifetime: timedelta = TOKEN_LIFETIME,
) -> Payment:
    """Reserve the notice for one payment attempt and return it with its token.

    ``amount_cents`` must be the amount due today (``notices.amount_due_today``, what verify
    answered): a fine's notice stays valid while its amount changes, and the stored notice is
    brought up to that amount. The reservation lasts ``lifetime`` (at most 30 minutes) and
    never past the notice's last valid day. Raises UnknownNotice, NoticeAlreadyPaid,
    RevokedNotice, ExpiredNotice, AmountMismatch, PaymentInProgress, or what the service's
    payable check raises (e.g. CreditorUnavailable). Online payments pass ``terminal=None``.
    """
    notice = find_notice(session, notice_code)
    check_payable(notice)
    # May ask a legacy system (before any lock is taken) what is due today.
    due = amount_due_today(notice)
    if amount_cents != due.amount_cents:
        raise AmountMismatch(detail=f"{amount_cents} != {due.amount_cents}")
    notice = _locked_notice(session, notice.id)
    check_payable(notice)
    if active_payment(session, notice) is not None:
        raise PaymentInProgress()
    if (notice.amount_cents, notice.amount_until) != (due.amount_cents, due.valid_until):
        # The notice keeps its code; its amount is brought up to what is due today.
        notice.amount_cents, notice.amount_until = due.amount_cents, due.valid_until
        tx = session.get(Transaction, notice.transaction_id, options=[lazyload(Transaction.events)])
        assert tx is not None
        tx.amount_cents = due.amount_cents
    now = utcnow()
    expires = now + min(lifetime, MAX_TOKEN_LIFETIME)
    if notice.valid_until is not None:
        expires = min(expires, end_of_day(notice.valid_until))
    payment = Payment(
        token=secrets.token_urlsafe(24),
        notice=notice,
        channel="counter" if terminal else "web",
        terminal=terminal,
        amount_cents=notice.amount_cents,
        status="activated",
        activated_at=now,
        expires_at=expires,
    )
    session.add(payment)
    session.flush()
    return payment


def payment_by_token(session: Session, token: str, terminal: Terminal | None) -> Payment:
    """The payment with this token *of this terminal*; another terminal's is unknown to it.

    Its notice, the notice's transaction and its terminal come in the same statement.
    """
    payment = (
        session.scalar(select(Payment).where(Payment.token == token).options(*_WITH_NOTICE))
        if token
        else None
    )
    if payment is None or payment.terminal_id != (terminal.id if terminal else None):
        raise TokenUnknown()
    return payment


def _repeat(payment: Payment, outcome: Outcome, external_ref: str | None) -> Payment:
    """A close for a payment already closed: the same answer, or a conflict."""
    if payment.status in ("paid", "refund_due", "refunded") and outcome == "OK":
        if external_ref == payment.external_ref:
            return payment
    elif payment.status == "aborted" and outcome == "KO":
        return payment
    raise OutcomeConflict(detail=f"payment is {payment.status}, close asked {outcome}")


def _rival(session: Session, payment: Payment, notice: Notice, now: datetime) -> Payment | None:
    """Another payment of the notice's debt (any of its codes) that paid it, or holds it now."""
    codes = [n.id for n in debt_notices(session, notice)]
    return session.scalar(
        select(Payment).where(
            Payment.notice_id.in_(codes),
            Payment.id != payment.id,
            or_(
                Payment.status == "paid",
                and_(Payment.status == "activated", Payment.expires_at > now),
            ),
        )
    )


def close_payment(
    session: Session,
    *,
    token: str,
    terminal: Terminal | None,
    outcome: Outcome,
    actor: Actor,
    signer: SealSigner,
    payment_method: str = "cash",
    external_ref: str = "",
    payment: Payment | None = None,
) -> Payment:
    """Close an activated payment: OK records it and issues the sealed receipt; KO frees the notice.

    An outcome that arrives after the token expired is *late* (``payment.late``), as pagoPA's
    Nodo answers PPT_TOKEN_SCADUTO to it. A late KO is acknowledged like any KO. A late OK
    still pays the notice when nothing happened to it meanwhile: the notice is payable and no
    other payment holds it or paid it. Otherwise the cash taken must go back to the payer: the
    payment becomes ``refund_due`` (a clerk's list of payments to reconcile) and is returned
    so that the caller answers RefundRequired — raising would roll back that record.

    Closing again with the same outcome (and reference) returns the same payment: a retry
    gets the same receipt. Raises TokenUnknown, OutcomeConflict. On OK the transaction moves
    to "paid" with its events, the audit entry is written and the service's paid handlers
    run — all in the caller's database transaction. ``payment`` is the payment of ``token``
    when the caller has just read it (``payment_by_token``), to spare a second read.
    """
    if payment is None or payment.token != token:
        payment = payment_by_token(session, token, terminal)
    elif payment.terminal_id != (terminal.id if terminal else None):
        raise TokenUnknown()
    if payment.status != "activated":
        return _repeat(payment, outcome, external_ref or None)
    if outcome == "OK" and not external_ref:
        raise ValueError("an OK outcome needs the payment's external reference")
    now = utcnow()
    paid_at = now.replace(microsecond=0)  # receipts and seals state the second
    rendered: RenderedReceipt | None = None
    if outcome == "OK":
        method = PaymentMethod(payment_method).value
        data = receipt_data(
            payment,
            payment.notice,
            paid_at=paid_at,
            receipt_id=receipt_id_for(payment.id, paid_at),
            method=method,
            external_ref=external_ref,
        )
        rendered = render_for(data, signer)  # before the lock: not spent holding it
    _lock_for_close(session, payment)
    notice = payment.notice
    if payment.status != "activated":
        return _repeat(payment, outcome, external_ref or None)
    payment.late = payment.expires_at <= now
    if outcome == "KO":
        payment.status, payment.closed_at = "aborted", now
        payment.external_ref = external_ref or None
        return payment
    assert rendered is not None
    if payment.late and (notice.status != "issued" or _rival(session, payment, notice, now)):
        _record_refund_due(session, payment, notice, now, payment_method, external_ref, actor)
        return payment
    if notice.status == "paid":
        raise NoticeAlreadyPaid()
    _record_paid(session, payment, notice, rendered, payment_method, external_ref, actor)
    return payment


def _record_refund_due(
    session: Session,
    payment: Payment,
    notice: Notice,
    now: datetime,
    method: str,
    external_ref: str,
    actor: Actor,
) -> None:
    payment.status, payment.closed_at = "refund_due", now
    payment.payment_method, payment.external_ref = method, external_ref
    terminal = payment.terminal
    append_audit(
        session,
        actor=actor.audit_name,
        action="counter.late_payment_refund_due",
        subject=notice.payer_cf,
        channel=actor.channel,
        data={
            "notice_code": notice.code,
            "amount_cents": payment.amount_cents,
            "terminal_id": terminal.id if terminal else None,
            "terminal_transaction_ref": external_ref,
            "notice_status": notice.status,
        },
    )


def reconcile_payment(session: Session, payment_id: int, *, clerk: Actor, note: str) -> Payment:
    """A clerk records that the payer of a refund_due payment got the money back.

    Raises NotFound for a payment that is not waiting for reconciliation (already done, or
    never refused): the list the clerk saw may be stale.
    """
    payment = session.scalar(select(Payment).where(Payment.id == payment_id).with_for_update())
    if payment is None or payment.status != "refund_due":
        raise NotFound(detail=f"payment {payment_id} is not waiting for reconciliation")
    payment.status = "refunded"
    payment.reconciled_at = utcnow()
    payment.reconciled_by = clerk.name
    payment.reconciliation_note = note
    append_audit(
        session,
        actor=clerk.audit_name,
        action="payment.reconciled",
        subject=payment.notice.payer_cf,
        channel=clerk.channel,
        data={
            "notice_code": payment.notice.code,
            "amount_cents": payment.amount_cents,
            "terminal_id": payment.terminal_id,
            "terminal_transaction_ref": payment.external_ref,
            "note": note,
        },
    )
    return payment


def payments_to_reconcile(session: Session) -> list[Payment]:
    """Late payments refused and not yet reconciled, oldest first."""
    return list(
        session.scalars(
            select(Payment).where(Payment.status == "refund_due").order_by(Payment.closed_at)
        )
    )


def _record_paid(
    session: Session,
    payment: Payment,
    notice: Notice,
    rendered: RenderedReceipt,
    method: str,
    external_ref: str,
    actor: Actor,
) -> None:
    now = rendered.paid_at
    document = store_receipt(session, payment, rendered)  # flushed: its id is linked below
    payment.status, payment.closed_at = "paid", now
    # The debt's primary notice, whichever of its codes was paid: the unique paid_notice_id
    # is the database's own guard against a second success for one debt.
    payment.paid_notice_id = debt_id(notice)
    payment.payment_method, payment.external_ref = method, external_ref
    payment.receipt_id = rendered.receipt_id
    payment.receipt_document_id = document.id
    tx = notice.transaction  # before debt_notices reads the notice again
    for code in debt_notices(session, notice):
        if code.status == "issued" or code.id == notice.id:
            code.status, code.paid_at = "paid", now
    session.flush()  # the unique paid_notice_id is the database's own guard
    terminal = payment.terminal
    where = {
        "notice_code": notice.code,
        "amount_cents": payment.amount_cents,
        "payment_method": method,
        "shop": terminal.shop_name if terminal else None,
        "terminal_id": terminal.id if terminal else None,
    }
    if payment.late:
        where["late"] = True
    change_state(
        session,
        tx,
        State.PAID,
        actor,
        kind="paid_at_counter" if terminal else "paid_online",
        data=where,
    )
    record_event(
        session,
        tx,
        actor,
        "receipt_issued",
        {"receipt_id": rendered.receipt_id, "document_id": document.id},
    )
    # The receipt reaches the payer in the portal inbox and by e-mail (through the outbox, so
    # a retried close or a mail server that is down never sends it twice nor loses it).
    notify(
        session,
        citizen_cf=notice.payer_cf,
        kind="receipt_issued",
        context={
            "title": tx.title,
            "reference": tx.reference,
            "amount_cents": payment.amount_cents,
        },
        link=f"/area-personale/pratiche/{tx.reference}",
        attachments=[AttachmentRef(document_id=document.id)],
        mandatory=True,
        dedupe_key=f"receipt:{document.id}",
        transaction_id=tx.id,
    )
    run_paid_handlers(session, tx, payment, actor)
    append_audit(
        session,
        actor=actor.audit_name,
        action="counter.payment_completed" if terminal else "payment.online_completed",
        subject=notice.payer_cf,
        channel=actor.channel,
        data={"reference": tx.reference, "receipt_id": rendered.receipt_id, **where},
    )


def pay_now(
    session: Session,
    *,
    notice_code: str,
    amount_cents: int,
    terminal: Terminal | None,
    actor: Actor,
    signer: SealSigner,
    payment_method: str,
    external_ref: str,
) -> Payment:
    """Activate and close at once: the web terminal after the operator confirms, and the
    simulated online checkout. Same checks and guarantees as the two steps."""
    payment = activate_payment(
        session, notice_code=notice_code, amount_cents=amount_cents, terminal=terminal
    )
    return close_payment(
        session,
        token=payment.token,
        terminal=terminal,
        outcome="OK",
        actor=actor,
        signer=signer,
        payment_method=payment_method,
        external_ref=external_ref,
    )
