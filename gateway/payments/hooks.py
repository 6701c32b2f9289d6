"""What each service does when one of its notices is paid, and how it checks it is still owed.

Both come from the features' manifests (``paid_handlers`` and ``payable_checks``), keyed by
the transaction's ``service``; nothing registers itself at import time, so every process
(web worker, outbox worker, CLI) runs the same hooks.

A paid handler ``handler(session, transaction, payment, actor)`` runs inside the database
transaction that records the payment, after the transaction moved to "paid": whatever it
writes (outbox messages, events, state changes) is stored with the payment or not at all. It
must not call legacy systems or block; raising aborts the payment.

A payable check ``check(notice)`` runs when a counter verifies a notice and before it is
reserved for payment. It may ask the service's own system whether the debt is still owed and
raise a PaymentError (RevokedNotice, NoticeAlreadyPaid, CreditorUnavailable), and it returns
the ``AmountDue`` today when the amount can change after the notice was printed (pagoPA: "the
amount is brought up to what is actually due" at verification), or None to keep the notice's
own amount. It runs before any row is locked: it may be slow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from ..features import registry

if TYPE_CHECKING:
    from ..models import Notice, Payment, Transaction
    from ..transactions.operations import Actor


def run_paid_handlers(
    session: Session, transaction: Transaction, payment: Payment, actor: Actor
) -> None:
    for handler in registry().paid_handlers.get(transaction.service, ()):
        handler(session, transaction, payment, actor)


@dataclass(frozen=True)
class AmountDue:
    """What a notice costs today: the amount, its window (e.g. "reduced"), the window's last
    day, and how a reader is told which window applies (a message id, translated where shown).
    """

    amount_cents: int
    window: str | None = None
    valid_until: date | None = None
    label: str | None = None


def run_payable_checks(notice: Notice) -> AmountDue | None:
    """Run the service's checks; the amount due today that the last of them returned, if any."""
    due: AmountDue | None = None
    for check in registry().payable_checks.get(notice.service, ()):
        due = check(notice) or due
    return due
