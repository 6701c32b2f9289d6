"""What the payments slice shows in the citizen's personal area: the notices to pay (first,
with the button that pays them), the payments made with their receipts, and the notices and
receipts among the citizen's documents."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..features import Action, AreaItem, AreaSection
from ..formatting import format_date, format_datetime, format_money
from ..i18n import shown_title
from ..models import Document, Notice, Transaction
from .notices import effective_status, shown_description, today_local, window_on
from .operations import paid_payment
from .receipts import receipt_for

LIMIT = 50


def _notices(session: Session, fiscal_code: str) -> list[Notice]:
    """The notices the citizen pays or that are for their transactions, newest first."""
    return list(
        session.scalars(
            select(Notice)
            .join(Transaction, Transaction.id == Notice.transaction_id)
            .where(or_(Notice.payer_cf == fiscal_code, Transaction.subject_cf == fiscal_code))
            .order_by(Notice.issued_at.desc(), Notice.id.desc())
            .limit(LIMIT)
        )
    )


def _due(notice: Notice) -> AreaItem:
    """A notice to pay: the amount of today as its stored windows say (no legacy call here:
    the notice's page asks the service before anything is paid)."""
    today = today_local()
    window = window_on(notice, today)
    amount = window.amount_cents if window is not None else notice.amount_cents
    last_day = notice.valid_until or notice.due_date
    details = [(_("Amount due today"), format_money(amount))]
    if window is not None and window.valid_until is not None:
        details.append((_("This amount holds until"), format_date(window.valid_until, "long")))
    details.append((_("Due date"), format_date(notice.due_date, "long")))
    return AreaItem(
        title=shown_description(notice),
        status="notice.issued",
        url=url_for("payments.notice", code=notice.code),
        code=notice.code,
        details=tuple(details),
        action=Action(_("Pay"), url_for("payments.notice", code=notice.code)),
        downloads=(Action(_("Notice (PDF)"), url_for("payments.notice_pdf", code=notice.code)),),
        waiting=True,
        when=last_day,
        kind="notice",
    )


def to_pay(session: Session, fiscal_code: str) -> list[AreaItem]:
    return [_due(n) for n in _notices(session, fiscal_code) if effective_status(n) == "issued"]


def paid(session: Session, fiscal_code: str) -> list[AreaItem]:
    """Paid notices, each with its receipt to download."""
    items = []
    for notice in _notices(session, fiscal_code):
        if effective_status(notice) != "paid":
            continue
        payment = paid_payment(session, notice)
        receipt = receipt_for(session, payment) if payment is not None else None
        details = [
            (
                _("Amount paid"),
                format_money(payment.amount_cents if payment else notice.amount_cents),
            )
        ]
        if notice.paid_at is not None:
            details.append((_("Paid on"), format_datetime(notice.paid_at, "short")))
        downloads: tuple[Action, ...] = ()
        if receipt is not None and receipt.subject_cf == fiscal_code:
            downloads = (
                Action(_("Receipt (PDF)"), url_for("payments.document", doc_id=receipt.id)),
            )
        items.append(
            AreaItem(
                title=shown_description(notice),
                status="notice.paid",
                url=url_for("payments.notice", code=notice.code),
                code=notice.code,
                details=tuple(details),
                downloads=downloads,
                kind="payment",
            )
        )
    return items


def no_longer_payable(session: Session, fiscal_code: str) -> list[AreaItem]:
    """Notices replaced by a newer one, withdrawn, or past their last day."""
    return [
        AreaItem(
            title=shown_description(notice),
            status=f"notice.{status}",
            url=url_for("payments.notice", code=notice.code),
            code=notice.code,
            details=((_("Amount"), format_money(notice.amount_cents)),),
            kind="old_notice",
        )
        for notice in _notices(session, fiscal_code)
        if (status := effective_status(notice)) in ("revoked", "expired")
    ]


DOCUMENT_TITLES = {
    "payment_notice": _l("Payment notice — %(title)s"),
    "receipt": _l("Payment receipt — %(title)s"),
}


def documents(session: Session, fiscal_code: str) -> list[AreaItem]:
    """The notices and receipts issued to the citizen, newest first, to download."""
    found = session.scalars(
        select(Document)
        .where(Document.subject_cf == fiscal_code, Document.kind.in_(DOCUMENT_TITLES))
        .order_by(Document.issued_at.desc(), Document.id.desc())
        .limit(LIMIT)
    ).all()
    return [
        AreaItem(
            title=str(DOCUMENT_TITLES[doc.kind]) % {"title": shown_title(doc.transaction)}
            if doc.transaction is not None
            else doc.filename,
            url=url_for("citizen.timeline", reference=doc.transaction.reference)
            if doc.transaction is not None
            else None,
            details=((_("Issued on"), format_datetime(doc.issued_at, "short")),),
            downloads=(Action(_("Download (PDF)"), url_for("payments.document", doc_id=doc.id)),),
            kind=doc.kind,
        )
        for doc in found
    ]


AREA_SECTIONS = (
    AreaSection(
        tab="pagamenti",
        name="notices_to_pay",
        heading=_l("To pay"),
        empty=_l("You have nothing to pay."),
        items=to_pay,
    ),
    AreaSection(
        tab="pagamenti",
        name="payments_made",
        heading=_l("Payments made"),
        empty=_l("You have made no payments yet."),
        items=paid,
    ),
    AreaSection(
        tab="pagamenti",
        name="old_notices",
        heading=_l("Notices no longer payable"),
        empty=None,
        items=no_longer_payable,
    ),
    AreaSection(
        tab="documenti",
        name="payment_documents",
        heading=_l("Payment notices and receipts"),
        empty=_l("No notice or receipt has been issued to you yet."),
        items=documents,
    ),
)
