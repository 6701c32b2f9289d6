"""Traffic fines: the citizen's fines from the legacy system, their notices and payments.

A fine is paid through a transaction of service "pagamento_multa" (one per fine and citizen,
reused while it awaits payment) and a notice for the amount due on the day it is issued; the
notice expires when that amount changes (end of the 5-day reduction, of the 60 days). When
the notice is paid, the payment is queued for the fines system through the outbox.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from functools import partial
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors import Fine, FinesConnector, Invalid, NotFound, Unavailable

from ..i18n import TITLES, Language, in_every_language, written
from ..legacy import connector
from ..models import Notice, Payment, Transaction
from ..outbox import enqueue
from ..payments.errors import (
    CreditorUnavailable,
    ExpiredNotice,
    NoticeAlreadyPaid,
    RevokedNotice,
)
from ..payments.notices import DESCRIPTIONS, effective_status, issue_notice, today_local
from ..transactions.operations import Actor, open_transaction
from ..transactions.states import State
from .errors import FineNotPayable, UnknownFine

log = logging.getLogger(__name__)
SERVICE = "pagamento_multa"
TOPIC = "fines.register_payment"
UNIT = "Polizia Locale"
# A fine whose amount never changes again (the increased amount) still gets a due date.
OPEN_ENDED_DUE = timedelta(days=30)


def fines_system(app: Flask | None = None) -> FinesConnector:
    """The municipal police's fines system (this app's connector; the current app's by default)."""
    return connector("fines", FinesConnector, app)


def fines_of(fiscal_code: str) -> list[Fine]:
    return fines_system().list_by_fiscal_code(fiscal_code)


def fine_of(fiscal_code: str, report_number: str) -> Fine:
    """The fine with this report number, only if it is the citizen's own (else UnknownFine)."""
    try:
        fine = fines_system().get_fine(report_number)
    except NotFound as e:
        raise UnknownFine(detail=report_number) from e
    if fine.offender_fiscal_code != fiscal_code:
        raise UnknownFine(detail=f"{report_number} is not {fiscal_code}'s")
    return fine


def open_transaction_for(
    session: Session, fiscal_code: str, report_number: str, *, any_state: bool = False
) -> Transaction | None:
    """The citizen's latest transaction awaiting payment for this fine (in any state with
    ``any_state``), if there is one."""
    query = select(Transaction).where(
        Transaction.subject_cf == fiscal_code, Transaction.service == SERVICE
    )
    if not any_state:
        query = query.where(Transaction.state == State.AWAITING_PAYMENT.value)
    for tx in session.scalars(query.order_by(Transaction.id.desc())):
        if (tx.data or {}).get("report_number") == report_number:
            return tx
    return None


def current_notice(session: Session, tx: Transaction) -> Notice | None:
    """The transaction's latest notice if it can still be paid today."""
    notice = session.scalar(
        select(Notice).where(Notice.transaction_id == tx.id).order_by(Notice.id.desc()).limit(1)
    )
    if notice is None or effective_status(notice) != "issued":
        return None
    return notice


def notice_lines(fine: Fine, words: Language) -> list[list[str]]:
    """What the notice prints about the fine, in ``words``' language."""
    _ = words.gettext
    when = f"{words.date(fine.offence_at)} {words.time(fine.offence_at, 'short')}"
    lines = [
        [_("Report no."), fine.report_number],
        [_("Plate"), fine.plate],
        [_("Date and time of the offence"), when],
        [_("Place"), fine.place],
        [_("Offence"), f"{fine.article} — {fine.description}"],
    ]
    if fine.amount_rule == "reduced" and fine.amount_valid_until is not None:
        condition = _(
            "valid if you pay by %(day)s; then %(amount)s",
            day=words.date(fine.amount_valid_until),
            amount=words.money(fine.base_amount),
        )
        lines.append([_("Amount reduced by 30%"), condition])
    return lines


def request_fine_notice(
    session: Session, *, fiscal_code: str, payer_name: str, report_number: str, actor: Actor
) -> Notice:
    """The notice to pay this fine today: the current one, or a new one (and its transaction).

    Raises UnknownFine, FineNotPayable (paid, cancelled, disputed) or a ConnectorError when the
    fines system cannot be read. The caller commits.
    """
    fine = fine_of(fiscal_code, report_number)
    if not fine.payable or fine.amount_due <= 0:
        raise FineNotPayable(detail=f"{report_number} is {fine.status}")
    tx = open_transaction_for(session, fiscal_code, report_number)
    if tx is not None:
        notice = current_notice(session, tx)
        if notice is not None and notice.amount_cents == fine.amount_due:
            return notice
    else:
        title, titles = written(
            lambda words: words.gettext(
                "Payment of fine report no. %(number)s", number=fine.report_number
            )
        )
        tx = open_transaction(
            session,
            service=SERVICE,
            title=title,
            subject_cf=fiscal_code,
            actor=actor,
            state=State.AWAITING_PAYMENT,
            amount_cents=fine.amount_due,
            data={"report_number": fine.report_number, "plate": fine.plate, TITLES: titles},
        )
        session.flush()
    valid_until = fine.amount_valid_until
    description, descriptions = written(
        lambda words: words.gettext(
            "Traffic Code fine — report no. %(number)s", number=fine.report_number
        )
    )
    return issue_notice(
        session,
        transaction=tx,
        amount_cents=fine.amount_due,
        description=description,
        payer_cf=fiscal_code,
        payer_name=payer_name,
        due_date=valid_until or today_local() + OPEN_ENDED_DUE,
        valid_until=valid_until,
        details={
            "lines": in_every_language(partial(notice_lines, fine)),
            DESCRIPTIONS: descriptions,
            "unit": UNIT,
            "report_number": fine.report_number,
            "plate": fine.plate,
        },
        actor=actor,
    )


def check_fine_still_owed(notice: Notice) -> None:
    """Before a counter reserves a fine's notice: ask the fines system that it is still owed.

    When the fines system does not answer, the notice itself is enough: it was issued from
    the fines system's own amount and expires when that amount changes, and the payment
    reaches the fines system later through the outbox. So an outage does not stop counters.
    An answer that makes no sense (a refused call, a contract error) is CREDITOR_UNAVAILABLE.
    """
    report_number = str((notice.details or {}).get("report_number", ""))
    try:
        fine = fines_system().get_fine(report_number)
    except NotFound as e:
        raise RevokedNotice(detail=f"fine {report_number} no longer exists") from e
    except Unavailable:
        log.warning("fines system unavailable: notice %s accepted on its own record", notice.code)
        return
    except Invalid as e:
        raise CreditorUnavailable(detail=f"fines system: {e.legacy_code or e.message}") from e
    if fine.status == "paid":
        raise NoticeAlreadyPaid(detail=f"fine {report_number} is paid in the fines system")
    if fine.status != "open":
        raise RevokedNotice(detail=f"fine {report_number} is {fine.status}")
    if fine.amount_due != notice.amount_cents:
        raise ExpiredNotice(detail=f"amount due is now {fine.amount_due}")


def queue_for_fines_system(
    session: Session, tx: Transaction, payment: Payment, actor: Actor
) -> None:
    """Paid hook: tell the fines system through the outbox (the notice code makes the call
    idempotent)."""
    notice = payment.notice
    assert payment.closed_at is not None
    enqueue(
        session,
        topic=TOPIC,
        key=f"{TOPIC}:{notice.code}",
        payload=payment_message(notice, payment.amount_cents, today_local(payment.closed_at)),
        transaction_id=tx.id,
    )


def payment_message(notice: Notice, amount_cents: int, paid_on: date) -> dict[str, Any]:
    return {
        "report_number": (notice.details or {}).get("report_number"),
        "amount_cents": amount_cents,
        "payment_date": paid_on.isoformat(),
        "notice_code": notice.code,
        "payer_cf": notice.payer_cf,
        "transaction_id": notice.transaction_id,
    }
