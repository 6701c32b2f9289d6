"""Receipts: built only from the stored payment, so anyone holding the record can recheck one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from printing import PaymentMethod, ReceiptData, SealSigner, receipt_matches, render_receipt

from ..i18n import language
from ..models import Document, Notice, Payment, Terminal
from ..transactions.documents import store_pdf
from .errors import TokenUnknown

ONLINE_TERMINAL = "ONLINE"
ONLINE_SHOP = "Pagamento online (simulato)"


def online_address(creditor_name: str) -> str:
    """Where an online payment happened, as the receipt prints (and seals) it: from the
    notice's stored creditor, so a receipt rebuilt later reads the same."""
    return f"Sportello — {creditor_name}, servizi online"


def receipt_id_for(payment_id: int, paid_at: datetime) -> str:
    """The receipt number printed and sealed, derived from the payment row (stable)."""
    return f"RIC-{paid_at.year}-{payment_id:07d}"


def receipt_data(
    payment: Payment,
    notice: Notice,
    *,
    paid_at: datetime,
    receipt_id: str,
    method: str,
    external_ref: str,
) -> ReceiptData:
    """The receipt of ``payment`` as printed and sealed; ``paid_at`` to the second."""
    terminal = payment.terminal
    return ReceiptData(
        receipt_id=receipt_id,
        notice_code=notice.code,
        creditor_name=notice.creditor_name,
        creditor_fiscal_code=notice.creditor_fiscal_code,
        subject=notice.description,
        amount_cents=payment.amount_cents,
        paid_at=paid_at,
        shop_name=terminal.shop_name if terminal else ONLINE_SHOP,
        shop_address=terminal.shop_address if terminal else online_address(notice.creditor_name),
        terminal_id=terminal.id if terminal else ONLINE_TERMINAL,
        payment_method=PaymentMethod(method),
        transaction_ref=external_ref,
        payer_name=notice.payer_name,
        payer_fiscal_code=notice.payer_cf,
    )


def stored_receipt_data(payment: Payment) -> ReceiptData | None:
    """The receipt data of a paid payment, rebuilt from its row (None if not paid)."""
    if payment.status != "paid" or payment.closed_at is None or payment.receipt_id is None:
        return None
    return receipt_data(
        payment,
        payment.notice,
        paid_at=payment.closed_at,
        receipt_id=payment.receipt_id,
        method=payment.payment_method or "other",
        external_ref=payment.external_ref or "",
    )


@dataclass(frozen=True)
class RenderedReceipt:
    receipt_id: str
    paid_at: datetime
    pdf: bytes
    seal: str


def render_for(data: ReceiptData, signer: SealSigner) -> RenderedReceipt:
    pdf, seal = render_receipt(data, signer, language("it"))
    return RenderedReceipt(receipt_id=data.receipt_id, paid_at=data.paid_at, pdf=pdf, seal=seal)


def store_receipt(session: Session, payment: Payment, rendered: RenderedReceipt) -> Document:
    notice = payment.notice
    return store_pdf(
        session,
        rendered.pdf,
        transaction_id=notice.transaction_id,
        subject_cf=notice.payer_cf,
        kind="receipt",
        filename=f"ricevuta-{rendered.receipt_id}.pdf",
        seal=rendered.seal,
        issued_at=rendered.paid_at,
    )


def receipt_for(session: Session, payment: Payment) -> Document | None:
    """The stored receipt PDF of a paid payment (a Document), or None."""
    if payment.receipt_document_id is None:
        return None
    return session.get(Document, payment.receipt_document_id)


def payment_and_receipt(
    session: Session, token: str, terminal: Terminal | None
) -> tuple[Payment, Document | None]:
    """``settle.payment_by_token`` and ``receipt_for`` in one statement (the counter's
    receipt download): the payment of this terminal with its stored receipt, if any."""
    row = (
        session.execute(
            select(Payment, Document)
            .outerjoin(Document, Payment.receipt_document_id == Document.id)
            .where(Payment.token == token)
        ).one_or_none()
        if token
        else None
    )
    if row is None or row[0].terminal_id != (terminal.id if terminal else None):
        raise TokenUnknown()
    return row[0], row[1]


def payment_by_receipt_id(session: Session, receipt_id: str) -> Payment | None:
    return session.scalar(select(Payment).where(Payment.receipt_id == receipt_id))


def matches_stored_payment(session: Session, claims: Mapping[str, Any]) -> bool | None:
    """Whether verified receipt claims match the payment on record; None if none is known."""
    receipt_id = claims.get("rid")
    if not isinstance(receipt_id, str):
        return None
    payment = payment_by_receipt_id(session, receipt_id)
    data = stored_receipt_data(payment) if payment else None
    if payment is None:  # the receipt of several notices paid at once, perhaps
        from .carts import cart_by_receipt_id, cart_receipt_data

        cart = cart_by_receipt_id(session, receipt_id)
        data = cart_receipt_data(cart) if cart and cart.status == "paid" else None
    if data is None:
        return None
    return receipt_matches(claims, data)
