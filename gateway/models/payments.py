"""Payment notices, payments, partner counter terminals and the records that make calls safe.

A notice is what a citizen carries to a counter (pagoPA notice code, amount, validity); each
counter or online attempt to pay it is a Payment. Exactly one Payment per notice can succeed:
``paid_notice_id`` is set only on the successful one and is unique.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .transactions import Transaction


class NoticeCounter(Base):
    """The last IUV base number handed out, per segregation code (one row each)."""

    __tablename__ = "notice_counter"

    segregation: Mapped[str] = mapped_column(String(2), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class Notice(Base):
    """A payment notice (avviso di pagamento) for one transaction.

    ``status``: issued (payable), paid, revoked (replaced or no longer owed) or expired. The
    notice can be paid up to and including ``valid_until`` (local date; None: no limit).
    A notice whose amount changes with time (a fine: reduced, full, increased) stays valid:
    ``amount_cents`` is the amount due when it was last verified, ``amount_until`` the last
    day that amount holds, and ``details["amount_windows"]`` every window as printed.
    A notice with a ``primary_notice_id`` is the alternative code of that notice's debt (its
    reduced amount, SEND's alternative code): paying either pays the debt, once.
    """

    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(18), unique=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("transaction.id"), index=True)
    service: Mapped[str] = mapped_column(String(64))
    creditor_name: Mapped[str] = mapped_column(String(200))
    creditor_fiscal_code: Mapped[str] = mapped_column(String(11))
    amount_cents: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(300))
    payer_cf: Mapped[str] = mapped_column(String(16), index=True)
    payer_name: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    amount_until: Mapped[date | None] = mapped_column(Date)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="issued")
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    primary_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id"), index=True)

    transaction: Mapped[Transaction] = relationship()


class Terminal(Base):
    """A partner counter (tobacconist, post office...) registered to take payments.

    The HMAC secret is stored encrypted with a key derived from the gateway's secret key,
    because verifying a signature needs the secret itself, not a hash of it.
    """

    __tablename__ = "terminal"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    network: Mapped[str] = mapped_column(String(100))
    shop_name: Mapped[str] = mapped_column(String(200))
    shop_address: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    secret_enc: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Payment(Base):
    """One attempt to pay a notice, from activation (a token) to its outcome.

    ``status``: activated (the notice is reserved for this attempt until ``expires_at``), paid,
    aborted (KO from the counter), refund_due (an OK that came after the token expired, when
    another payment held or had paid the notice: the counter must give the money back, and a
    clerk reconciles it) or refunded (a clerk recorded the refund). ``late`` marks an outcome
    that arrived after ``expires_at``. ``terminal_id`` is None for online payments.
    """

    __tablename__ = "payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), index=True)
    paid_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id"), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    terminal_id: Mapped[str | None] = mapped_column(ForeignKey("terminal.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="activated")
    activated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    payment_method: Mapped[str | None] = mapped_column(String(32))
    external_ref: Mapped[str | None] = mapped_column(String(64))
    receipt_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    receipt_document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    cart_id: Mapped[int | None] = mapped_column(ForeignKey("counter_cart.id"), index=True)
    late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    reconciled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reconciled_by: Mapped[str | None] = mapped_column(String(200))
    reconciliation_note: Mapped[str | None] = mapped_column(String(500))

    notice: Mapped[Notice] = relationship(foreign_keys=[notice_id])
    terminal: Mapped[Terminal | None] = relationship()
    cart: Mapped[CounterCart | None] = relationship(back_populates="payments")


class CounterCart(Base):
    """Several notices paid in one counter transaction: all of them or none.

    Its payments (``Payment.cart_id``) are activated together and closed together, each in
    one database transaction; ``status`` as a payment's. The cart's receipt lists every
    notice; each payer also gets the receipt of their own notice.
    """

    __tablename__ = "counter_cart"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    terminal_id: Mapped[str] = mapped_column(ForeignKey("terminal.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="activated")
    activated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    payment_method: Mapped[str | None] = mapped_column(String(32))
    external_ref: Mapped[str | None] = mapped_column(String(64))
    receipt_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    receipt_document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))

    terminal: Mapped[Terminal] = relationship()
    payments: Mapped[list[Payment]] = relationship(back_populates="cart", order_by="Payment.id")


class TerminalNonce(Base):
    """Nonces of signed terminal requests already seen, kept until their timestamp is stale."""

    __tablename__ = "terminal_nonce"

    terminal_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class IdempotencyRecord(Base):
    """The stored answer to a state-changing call, found again by (scope, Idempotency-Key).

    ``fingerprint`` is the sha256 of method, path and body: the same key with another request
    is refused instead of answered.
    """

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(128))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


Index("ix_notice_status_valid", Notice.status, Notice.valid_until)
Index("ix_payment_status", Payment.status)
