"""Scheduled reminders: once per notice and per appointment time, however often the job runs."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.db import db
from gateway.help import operations as help_ops
from gateway.models import InboxMessage, Notice, OutboxMessage
from gateway.notifications.jobs import run_due
from gateway.transactions.operations import Actor
from printing.codes import make_notice_code

from ..factories import create_transaction
from .help_support import MARIO_CF, MONDAY, create_contact, create_office

NOW = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # Monday 30 November, 07:00 in Villanova


def create_notice(session: Session, n: int, service: str, valid_until: date | None) -> Notice:
    tx = create_transaction(session, service=service)
    notice = Notice(
        code=make_notice_code("01", f"{n:013d}"),
        transaction_id=tx.id,
        service=service,
        creditor_name="Comune di Villanova",
        creditor_fiscal_code="80001234568",
        amount_cents=2940,
        description=f"Notice {n}",
        payer_cf=MARIO_CF,
        payer_name="Mario Rossi",
        due_date=valid_until or date(2027, 1, 31),
        valid_until=valid_until,
        details={"report_number": f"2026/PL/{n:06d}"},
        status="issued",
    )
    session.add(notice)
    session.commit()
    return notice


def test_notice_reminders_are_written_once_per_notice(app: Flask, session: Session) -> None:
    create_contact(session, language="en")
    fine = create_notice(session, 1, "pagamento_multa", date(2026, 12, 2))
    create_notice(session, 2, "certificato_scolastico", date(2026, 12, 3))
    create_notice(session, 3, "certificato_scolastico", date(2026, 12, 20))  # not yet
    create_notice(session, 4, "certificato_scolastico", None)  # no deadline
    create_notice(session, 5, "certificato_scolastico", date(2026, 11, 29))  # past
    factory = db.session_factory(app)
    with app.app_context():
        first = run_due(factory, now=NOW)
        second = run_due(factory, now=NOW + timedelta(hours=6))
    assert (first.notices, second.notices, second.skipped) == (2, 0, 2)
    messages = session.scalars(select(InboxMessage).order_by(InboxMessage.id)).all()
    assert [m.kind for m in messages] == ["reduced_amount_ending", "notice_expiring"]
    assert messages[0].context["report_number"] == "2026/PL/000001"
    emails = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert len(emails) == 2
    assert emails[0].payload["subject"] == "Fine: the reduced amount ends on 2 December 2026"
    assert emails[0].payload["unsubscribe"]  # reminders are optional: they can be stopped
    # A new deadline for the same notice is a new reminder.
    with db.fresh_session(app) as s:
        s.get(Notice, fine.id).valid_until = date(2026, 12, 1)
        s.commit()
    with app.app_context():
        assert run_due(factory, now=NOW).notices == 1


def test_parallel_runs_remind_an_appointment_once(app: Flask, session: Session) -> None:
    create_office(session, desks=1)
    with app.app_context(), db.fresh_session(app) as s:
        booked = help_ops.book_appointment(
            s,
            office_slug="urp",
            starts_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
            citizen=Actor(kind="citizen", id=MARIO_CF, name="Mario Rossi"),
            topic="Residenza",
            now=MONDAY,
        )
        s.commit()
    factory = db.session_factory(app)
    counts: list[int] = []

    def run() -> None:
        with app.app_context():
            counts.append(run_due(factory, now=NOW).appointments)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sum(counts) == 1
    reminders = session.scalars(
        select(InboxMessage).where(InboxMessage.kind == "appointment_reminder")
    ).all()
    assert len(reminders) == 1 and reminders[0].link == f"/area-personale/aiuto/{booked.code}"
    # The day before, nothing was due yet.
    with app.app_context():
        assert run_due(factory, now=NOW - timedelta(days=1)).appointments == 0
