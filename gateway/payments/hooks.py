"""What each service does when one of its notices is paid, and how it checks it is still owed.

Registries are per process and keyed by the transaction's ``service``; a slice registers its
functions when its module is imported (the blueprint imports it at start-up).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from ..models import Notice, Payment, Transaction
    from ..transactions.operations import Actor

PaidHandler = Callable[["Session", "Transaction", "Payment", "Actor"], None]
PayableCheck = Callable[["Notice"], None]

_PAID: dict[str, list[PaidHandler]] = {}
_CHECKS: dict[str, list[PayableCheck]] = {}


def register_paid_handler(service: str, handler: PaidHandler) -> None:
    """Call ``handler(session, transaction, payment, actor)`` when a notice of ``service`` is paid.

    It runs inside the database transaction that records the payment, after the transaction
    moved to "paid": whatever it writes (outbox messages, events, state changes) is stored
    with the payment or not at all. It must not call legacy systems or block; raising aborts
    the payment. Registering the same function twice has no effect.
    """
    handlers = _PAID.setdefault(service, [])
    if handler not in handlers:
        handlers.append(handler)


def on_paid(service: str) -> Callable[[PaidHandler], PaidHandler]:
    """Decorator form of ``register_paid_handler``."""

    def decorate(handler: PaidHandler) -> PaidHandler:
        register_paid_handler(service, handler)
        return handler

    return decorate


def register_payable_check(service: str, check: PayableCheck) -> None:
    """Call ``check(notice)`` before a notice of ``service`` is reserved for payment.

    It may ask the service's own system whether the debt is still owed and raise a
    PaymentError (RevokedNotice, NoticeAlreadyPaid, ExpiredNotice, CreditorUnavailable). It
    runs before any row is locked: it may be slow.
    """
    checks = _CHECKS.setdefault(service, [])
    if check not in checks:
        checks.append(check)


def run_paid_handlers(
    session: Session, transaction: Transaction, payment: Payment, actor: Actor
) -> None:
    for handler in _PAID.get(transaction.service, []):
        handler(session, transaction, payment, actor)


def run_payable_checks(notice: Notice) -> None:
    for check in _CHECKS.get(notice.service, []):
        check(notice)
