"""Several notices paid in one counter transaction: activate all, then close all, or none.

A cart holds one payment per notice. Activating it activates each payment in the caller's
database transaction, so a notice that cannot be reserved (paid, held by another counter, a
wrong amount) refuses the whole cart and reserves nothing. Closing it OK closes every payment
(each payer's own sealed receipt, timeline and audit entry, as a single payment) and issues
the cart's receipt listing each notice, again in one transaction; KO frees every notice.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from printing import PaymentMethod, ReceiptData, ReceiptLine, SealSigner

from ..models import CounterCart, Terminal, utcnow
from ..transactions.documents import store_pdf
from ..transactions.operations import Actor
from .errors import OutcomeConflict, PaymentError, TokenExpired, TokenUnknown
from .receipts import render_for
from .settle import Outcome, activate_payment, close_payment


class DuplicateNotice(PaymentError):
    code = "INVALID_REQUEST"
    status = 400
    title = _l("A notice appears twice in the cart.")


class PaymentInCart(PaymentError):
    code = "PAYMENT_IN_CART"
    status = 409
    title = _l("This payment is part of a cart: close the cart.")


@dataclass(frozen=True)
class CartItem:
    notice_code: str
    amount_cents: int


def cart_receipt_id(cart_id: int, year: int) -> str:
    """The number printed and sealed on a cart's receipt (apart from single receipts')."""
    return f"RIC-{year}-C{cart_id:07d}"


def activate_cart(session: Session, items: Sequence[CartItem], terminal: Terminal) -> CounterCart:
    """Reserve every notice of ``items`` for one transaction of ``terminal`` (listed in code
    order); the first that cannot be reserved raises its error, naming it in ``extra``
    (the caller rolls back: nothing stays reserved)."""
    codes = [item.notice_code for item in items]
    if len(set(codes)) != len(codes):
        raise DuplicateNotice(detail="a notice appears twice in the cart")
    cart = CounterCart(
        token=secrets.token_urlsafe(24),
        terminal=terminal,
        amount_cents=0,
        status="activated",
        activated_at=utcnow(),
        expires_at=utcnow(),
    )
    session.add(cart)
    payments = []
    # Notices are locked in code order, so two carts sharing notices never wait on each other
    # in a circle (a deadlock): one of them simply finds the notice held.
    for item in sorted(items, key=lambda i: i.notice_code):
        try:
            payment = activate_payment(
                session,
                notice_code=item.notice_code,
                amount_cents=item.amount_cents,
                terminal=terminal,
            )
        except PaymentError as e:
            e.extra.setdefault("notice_code", item.notice_code)
            raise
        payment.cart = cart
        payments.append(payment)
    cart.amount_cents = sum(p.amount_cents for p in payments)
    cart.expires_at = min(p.expires_at for p in payments)
    session.flush()
    return cart


def cart_by_token(session: Session, token: str, terminal: Terminal) -> CounterCart:
    """The cart with this token *of this terminal*; another terminal's is unknown to it."""
    cart = session.scalar(select(CounterCart).where(CounterCart.token == token))
    if cart is None or cart.terminal_id != terminal.id:
        raise TokenUnknown()
    return cart


def _locked_cart(session: Session, cart_id: int) -> CounterCart:
    return session.scalars(
        select(CounterCart)
        .where(CounterCart.id == cart_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def close_cart(
    session: Session,
    *,
    token: str,
    terminal: Terminal,
    outcome: Outcome,
    actor: Actor,
    signer: SealSigner,
    payment_method: str = "cash",
    external_ref: str = "",
) -> CounterCart:
    """Close every payment of the cart with ``outcome``; on OK issue the cart's receipt.

    Closing again with the same outcome (and reference) returns the same cart. Raises
    TokenUnknown, TokenExpired, OutcomeConflict, or the error of the first payment that
    cannot be closed (the caller rolls back: none is paid).
    """
    cart = _locked_cart(session, cart_by_token(session, token, terminal).id)
    if cart.status != "activated":
        if cart.status == "paid" and outcome == "OK" and external_ref == cart.external_ref:
            return cart
        if cart.status == "aborted" and outcome == "KO":
            return cart
        raise OutcomeConflict(detail=f"cart is {cart.status}, close asked {outcome}")
    now = utcnow()
    # A cart is all or nothing: one reservation past its time and none is paid (a single
    # payment takes a late outcome as pagoPA does; a cart cannot be paid in part).
    if outcome == "OK" and (
        cart.expires_at <= now or any(p.expires_at <= now for p in cart.payments)
    ):
        raise TokenExpired()
    for payment in cart.payments:
        close_payment(
            session,
            token=payment.token,
            terminal=terminal,
            outcome=outcome,
            actor=actor,
            signer=signer,
            payment_method=payment_method,
            external_ref=external_ref,
        )
    cart.payment_method, cart.external_ref = payment_method, external_ref or None
    if outcome == "KO":
        cart.status, cart.closed_at = "aborted", now
        return cart
    first = cart.payments[0]
    assert first.closed_at is not None
    paid_at = first.closed_at
    data = cart_receipt_data(cart, receipt_id=cart_receipt_id(cart.id, paid_at.year))
    rendered = render_for(data, signer)
    # The counter's document, of no one citizen (it names every payer): in no personal area.
    document = store_pdf(
        session,
        rendered.pdf,
        subject_cf="",
        kind="cart_receipt",
        filename=f"ricevuta-{rendered.receipt_id}.pdf",
        seal=rendered.seal,
        issued_at=paid_at,
    )
    cart.status, cart.closed_at = "paid", paid_at
    cart.receipt_id, cart.receipt_document_id = rendered.receipt_id, document.id
    return cart


def cart_receipt_data(cart: CounterCart, *, receipt_id: str | None = None) -> ReceiptData:
    """The cart's receipt as printed and sealed, rebuilt from its rows."""
    payments = cart.payments
    first = payments[0]
    notice = first.notice
    assert first.closed_at is not None
    return ReceiptData(
        receipt_id=receipt_id or cart.receipt_id or "",
        notice_code=notice.code,
        creditor_name=notice.creditor_name,
        creditor_fiscal_code=notice.creditor_fiscal_code,
        subject="; ".join(p.notice.description for p in payments)[:300],
        amount_cents=sum(p.amount_cents for p in payments),
        paid_at=first.closed_at,
        shop_name=cart.terminal.shop_name,
        shop_address=cart.terminal.shop_address,
        terminal_id=cart.terminal_id,
        payment_method=PaymentMethod(cart.payment_method or "other"),
        transaction_ref=cart.external_ref or "",
        lines=tuple(
            ReceiptLine(
                notice_code=p.notice.code,
                subject=p.notice.description,
                amount_cents=p.amount_cents,
                payer_name=p.notice.payer_name,
            )
            for p in payments
        ),
    )


def cart_by_receipt_id(session: Session, receipt_id: str) -> CounterCart | None:
    return session.scalar(select(CounterCart).where(CounterCart.receipt_id == receipt_id))
