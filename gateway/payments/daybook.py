"""A counter's day book: its recent transactions, the end-of-day report (PDF and CSV) and
what a person owes (looked up by the fiscal code on their card).

A terminal sees its own payments only; the shop report adds the other terminals of the same
shop (same network, shop name and address), as a shop keeper closing the till needs.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from printing import DayReport, DayReportLine, day_report_rows, render_day_report
from printing.receipt import METHOD_LABELS

from .. import clock
from ..audit import append_audit
from ..i18n import language
from ..models import Notice, Payment, Terminal, utcnow
from .notices import effective_status

LISTED = 30
LISTED_DAYS = 30


def recent_payments(
    session: Session, terminal: Terminal, *, page: int, page_size: int
) -> tuple[list[Payment], int]:
    """One page of the terminal's last LISTED payments of the last LISTED_DAYS days (newest
    first), and how many there are in all (at most LISTED)."""
    since = utcnow() - timedelta(days=LISTED_DAYS)
    mine = (Payment.terminal_id == terminal.id, Payment.activated_at >= since)
    total = min(session.scalar(select(func.count()).where(*mine)) or 0, LISTED)
    offset = (page - 1) * page_size
    if offset >= total:
        return [], total
    payments = session.scalars(
        select(Payment)
        .where(*mine)
        .order_by(Payment.activated_at.desc(), Payment.id.desc())
        .offset(offset)
        .limit(min(page_size, total - offset))
    ).all()
    return list(payments), total


def shop_terminals(session: Session, terminal: Terminal) -> list[Terminal]:
    """The terminals of ``terminal``'s shop, itself included."""
    return list(
        session.scalars(
            select(Terminal)
            .where(
                Terminal.network == terminal.network,
                Terminal.shop_name == terminal.shop_name,
                Terminal.shop_address == terminal.shop_address,
            )
            .order_by(Terminal.id)
        )
    )


def day_report(session: Session, terminal: Terminal, day: date, scope: str) -> DayReport:
    """What ``terminal`` (scope "terminal") or its shop (scope "shop") took on ``day``."""
    terminals = shop_terminals(session, terminal) if scope == "shop" else [terminal]
    ids = [t.id for t in terminals]
    payments = session.scalars(
        select(Payment)
        .where(
            Payment.terminal_id.in_(ids),
            Payment.status == "paid",
            Payment.closed_at >= clock.at(day),
            Payment.closed_at < clock.at(day + timedelta(days=1)),
        )
        .order_by(Payment.closed_at, Payment.id)
    ).all()
    lines = []
    for p in payments:
        assert p.closed_at is not None and p.terminal_id is not None
        lines.append(
            DayReportLine(
                paid_at=p.closed_at,
                terminal_id=p.terminal_id,
                notice_code=p.notice.code,
                subject=p.notice.description,
                amount_cents=p.amount_cents,
                payment_method=p.payment_method or "other",
                transaction_ref=p.external_ref or "",
                receipt_id=p.receipt_id or "",
            )
        )
    return DayReport(
        day=day,
        shop_name=terminal.shop_name,
        shop_address=terminal.shop_address,
        terminal_ids=tuple(ids),
        lines=tuple(lines),
    )


def report_pdf(report: DayReport, lang: str = "it") -> bytes:
    doc_lang = language(lang)
    labels = {m.value: doc_lang.gettext(label) for m, label in METHOD_LABELS.items()}
    return render_day_report(report, labels, doc_lang)


def report_csv(report: DayReport) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(day_report_rows(report))
    return out.getvalue().encode("utf-8")


def open_notices(
    session: Session, terminal: Terminal, fiscal_code: str, read_from: str
) -> list[Notice]:
    """The notices ``fiscal_code`` can pay now, of every service, for a terminal that read the
    person's card (``read_from``); every look-up is audited, whatever it finds."""
    notices = [
        n
        for n in session.scalars(
            select(Notice)
            .where(Notice.payer_cf == fiscal_code, Notice.status == "issued")
            .order_by(Notice.due_date, Notice.id)
        )
        if effective_status(n) == "issued"
    ]
    append_audit(
        session,
        actor=f"terminal:{terminal.id}",
        action="counter.debts_looked_up",
        subject=fiscal_code,
        channel="counter",
        data={"read_from": read_from, "notices": [n.code for n in notices]},
    )
    return notices
