"""Traffic fines: the citizen's fines from the legacy system, their notices and payments.

A fine is paid through a transaction of service "pagamento_multa" (one per fine and citizen,
reused while it awaits payment) and one notice that stays valid while the amount changes (30%
off within 5 days of notification, the full amount within 60, more after): as pagoPA does,
the notice code names the debt, the notice prints every amount window, and a counter's
verification and activation get the amount due that day from the fines system. When the
notice is paid, the payment is queued for the fines system through the outbox.
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

from ..ente import current_ente
from ..i18n import TITLES, Language, in_every_language, written
from ..legacy import connector
from ..models import Notice, Payment, Transaction
from ..outbox import enqueue
from ..payments.errors import (
    CreditorUnavailable,
    NoticeAlreadyPaid,
    RevokedNotice,
)
from ..payments.hooks import AmountDue
from ..payments.notices import (
    AMOUNT_WINDOWS,
    DESCRIPTIONS,
    effective_status,
    issue_notice,
    today_local,
    window_on,
)
from ..transactions.operations import Actor, open_transaction
from ..transactions.states import State
from .errors import FineNotPayable, UnknownFine

log = logging.getLogger(__name__)
SERVICE = "pagamento_multa"
TOPIC = "fines.register_payment"
UNIT = "Polizia Locale"
# A fine whose amount never changes again (the increased amount) still gets a due date.
OPEN_ENDED_DUE = timedelta(days=30)
# The fines system's amount windows as the notice names them: message ids, extracted where
# the fines page shows them too (views.AMOUNT_RULES).
WINDOW_LABELS = {
    "reduced": "reduced by 30% (paid within 5 days of notification)",
    "base": "full amount (within 60 days of notification)",
    "increased": "increased (more than 60 days after notification)",
}


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
        select(Notice)
        .where(Notice.transaction_id == tx.id, Notice.primary_notice_id.is_(None))
        .order_by(Notice.id.desc())
        .limit(1)
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
        if notice is not None and (notice.details or {}).get(AMOUNT_WINDOWS):
            return notice  # it stays valid: the counter gets today's amount
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
    description, descriptions = written(
        lambda words: words.gettext(
            "Traffic Code fine — report no. %(number)s", number=fine.report_number
        )
    )
    alternative = alternative_code_for(fine)
    amount, amount_until = fine.amount_due, fine.amount_valid_until
    if alternative is not None:
        # The reduced amount has its own code: this one prints the full amount of its window.
        base = next((w for w in fine.windows if w.rule == "base"), None)
        if base is not None:
            amount, amount_until = base.amount, base.valid_until
    return issue_notice(
        session,
        transaction=tx,
        amount_cents=amount,
        description=description,
        payer_cf=fiscal_code,
        payer_name=payer_name,
        due_date=due_date(fine),
        amount_until=amount_until,
        alternative=alternative,
        details={
            "lines": in_every_language(partial(notice_lines, fine)),
            AMOUNT_WINDOWS: [
                {
                    "rule": w.rule,
                    "amount_cents": w.amount,
                    "from": w.valid_from.isoformat(),
                    "until": w.valid_until.isoformat() if w.valid_until else None,
                    "label": WINDOW_LABELS.get(w.rule),
                }
                for w in fine.windows
            ],
            DESCRIPTIONS: descriptions,
            "unit": UNIT,
            "report_number": fine.report_number,
            "plate": fine.plate,
        },
        actor=actor,
    )


def alternative_code_for(fine: Fine) -> tuple[int, date] | None:
    """The reduced amount's own notice code, (amount, last day), when one is needed: while the
    30% reduction lasts, for a creditor that prints the Poste slip. A code printed on a slip
    whose data matrix carries a fixed amount (as SEND's notifications carry one amount per
    code) cannot follow the windows, so the guidelines give the reduced amount its own code
    and page, beside the code of the full amount."""
    if not current_ente().postal_account:
        return None
    today = today_local()
    for window in fine.windows:
        if window.rule == "reduced" and window.valid_until and window.valid_until >= today:
            return window.amount, window.valid_until
    return None


def due_date(fine: Fine) -> date:
    """The notice's "single instalment by" day: the end of the full-amount window."""
    ends = [w.valid_until for w in fine.windows if w.rule == "base" and w.valid_until]
    today = today_local()
    if ends and ends[0] >= today:
        return ends[0]
    return fine.amount_valid_until or today + OPEN_ENDED_DUE


def check_fine_still_owed(notice: Notice) -> AmountDue | None:
    """When a counter verifies or reserves a fine's notice: ask the fines system that it is
    still owed, and what is due today.

    When the fines system does not answer, the notice itself is enough: it holds the fines
    system's own amount windows, and the payment reaches the fines system later through the
    outbox. So an outage does not stop counters. An answer that makes no sense (a refused
    call, a contract error) is CREDITOR_UNAVAILABLE.
    """
    report_number = str((notice.details or {}).get("report_number", ""))
    try:
        fine = fines_system().get_fine(report_number)
    except NotFound as e:
        raise RevokedNotice(detail=f"fine {report_number} no longer exists") from e
    except Unavailable:
        log.warning("fines system unavailable: notice %s accepted on its own record", notice.code)
        return window_on(notice, today_local())
    except Invalid as e:
        raise CreditorUnavailable(detail=f"fines system: {e.legacy_code or e.message}") from e
    if fine.status == "paid":
        raise NoticeAlreadyPaid(detail=f"fine {report_number} is paid in the fines system")
    if fine.status != "open":
        raise RevokedNotice(detail=f"fine {report_number} is {fine.status}")
    return AmountDue(
        fine.amount_due,
        fine.amount_rule,
        fine.amount_valid_until,
        WINDOW_LABELS.get(fine.amount_rule),
    )


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
