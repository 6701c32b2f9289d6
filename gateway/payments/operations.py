"""Payments shared by every service: notices, counter and online payments, receipts.

Contract for the slices that charge a citizen (fines, school certificate stamp duty, ...):

``issue_notice(session, *, transaction, amount_cents, description, payer_cf, payer_name,
due_date, details, actor, valid_until=None) -> Notice``
    Allocates a pagoPA notice code (aux 3, the configured segregation code, a unique IUV base
    from the ``notice_counter`` row), stores the notice and its PDF (a Document of kind
    "payment_notice") and writes the event "notice_issued". A transaction in "submitted" moves
    to "awaiting_payment"; one already awaiting payment stays there and any older payable
    notice of it is revoked (PaymentInProgress if a counter is paying that one right now).
    ``details`` is stored as JSON: ``details["lines"]`` is the list of ``[label, value]``
    pairs printed under the subject, or one such list per language, ``{lang: [...]}``, as
    ``i18n.in_every_language`` writes them (each reader gets the notice in their language);
    without "lines", every string item whose key does not start with "_" is printed.
    ``details["unit"]`` is the creditor's office printed under its name. Other keys are yours
    (e.g. a record id).
    ``valid_until`` is the last local day the notice can be paid (None: no limit); after it
    counters get EXPIRED_NOTICE. ``alternative=(amount_cents, last_day)`` also issues a second
    code of the same debt for a reduced amount (SEND's alternative code, a fine's 30% off):
    both are printed in the one PDF, paying either pays the debt, the other is then refused
    as already paid. The caller commits.

``Feature(paid_handlers={service: (fn,)})`` in the slice's manifest
    ``fn(session, transaction, payment, actor)`` runs in the same database transaction as the
    payment, after the transaction moved to "paid" and the receipt was stored: enqueue outbox
    messages, record events, complete the transaction. It must not call legacy systems.
    ``payment.notice`` is the notice; ``notice.details`` holds what you stored.

``Feature(payable_checks={service: (fn,)})``
    ``fn(notice)`` runs before a counter or an online checkout reserves the notice; raise
    RevokedNotice / NoticeAlreadyPaid / CreditorUnavailable to refuse it.

``render_notice_pdf(notice, lang)`` -> bytes; ``receipt_for(session, payment)`` -> Document or
None; ``notices_of(session, transaction)``; ``paid_payment(session, notice)``.
Links for pages: ``url_for("payments.notice", code=notice.code)`` (the citizen's notice page),
``url_for("payments.document", doc_id=...)`` (a stored PDF of the logged-in citizen) and
``url_for("payments.checkout", code=...)`` (the simulated online payment).

Paying is ``activate_payment`` then ``close_payment`` (or ``pay_now`` for both), shared by
the counter API, the web terminal and the online checkout; see ``payments.settle``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Notice, Payment, Transaction
from .notices import (
    allocate_notice_code,
    check_payable,
    debt_id,
    effective_status,
    find_notice,
    issue_notice,
    mask_name,
    notice_for_counter,
    render_notice_pdf,
    today_local,
)
from .receipts import matches_stored_payment, receipt_for, stored_receipt_data
from .settle import activate_payment, close_payment, pay_now, terminal_actor


def notices_of(session: Session, transaction: Transaction) -> list[Notice]:
    """The transaction's notices, newest first."""
    return list(
        session.scalars(
            select(Notice).where(Notice.transaction_id == transaction.id).order_by(Notice.id.desc())
        )
    )


def paid_payment(session: Session, notice: Notice) -> Payment | None:
    """The one successful payment of a notice's debt (by this code or another), if any."""
    return session.scalar(select(Payment).where(Payment.paid_notice_id == debt_id(notice)))


__all__ = [
    "activate_payment",
    "allocate_notice_code",
    "check_payable",
    "close_payment",
    "effective_status",
    "find_notice",
    "issue_notice",
    "mask_name",
    "matches_stored_payment",
    "notice_for_counter",
    "notices_of",
    "paid_payment",
    "pay_now",
    "receipt_for",
    "render_notice_pdf",
    "stored_receipt_data",
    "terminal_actor",
    "today_local",
]
