"""Scheduled reminders, written by ``flask jobs run`` (with the retention purge).

Each run looks for what is due and notifies once per item: the dedupe key of each reminder
names the item and the date it is about, so running the job again, or two runs at once,
never sends a reminder twice (the loser of a race hits the unique key and skips). Each item
is written in its own short transaction.

- Payment notices still payable whose last day (``valid_until``) is within ``NOTICE_DAYS``:
  ``notice_expiring``; notices that stay valid while their amount changes (fines) whose
  current amount ends (``amount_until``, moved on along the stored windows) within
  ``NOTICE_DAYS``: ``reduced_amount_ending``.
- Appointments starting within ``APPOINTMENT_HOURS``: ``appointment_reminder`` (a moved
  appointment is reminded again for its new time).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from printing.codes import format_notice_code

from .. import clock
from ..models import HelpRequest, Notice, Office, Transaction, utcnow
from ..payments.notices import window_on
from .service import notify

NOTICE_DAYS = 3
APPOINTMENT_HOURS = 24
FINES_SERVICE = "pagamento_multa"


@dataclass
class DueStats:
    notices: int = 0
    appointments: int = 0
    skipped: int = 0


def _once(factory: sessionmaker[Session], write: Callable[[Session], object | None]) -> bool:
    with factory() as session:
        try:
            created = write(session)
            session.commit()
        except IntegrityError:  # another run wrote the same reminder first
            session.rollback()
            return False
        return created is not None


def run_due(factory: sessionmaker[Session], *, now: datetime | None = None) -> DueStats:
    """Write the reminders that are due at ``now`` (default: the current time)."""
    now = now or utcnow()
    today = clock.today(now)
    stats = DueStats()
    with factory() as session:
        notice_ids = list(
            session.scalars(
                select(Notice.id).where(
                    Notice.status == "issued",
                    or_(
                        and_(
                            Notice.valid_until.is_not(None),
                            Notice.valid_until >= today,
                            Notice.valid_until <= today + timedelta(days=NOTICE_DAYS),
                        ),
                        and_(
                            Notice.amount_until.is_not(None),
                            Notice.amount_until <= today + timedelta(days=NOTICE_DAYS),
                        ),
                    ),
                )
            )
        )
        appointment_ids = list(
            session.scalars(
                select(HelpRequest.id).where(
                    HelpRequest.kind == "appointment",
                    HelpRequest.status == "waiting",
                    HelpRequest.citizen_cf.is_not(None),
                    HelpRequest.starts_at > now,
                    HelpRequest.starts_at <= now + timedelta(hours=APPOINTMENT_HOURS),
                )
            )
        )
    for notice_id in notice_ids:
        remind = lambda s, i=notice_id: _remind_notice(s, i, today)  # noqa: E731
        if _once(factory, remind):
            stats.notices += 1
        else:
            stats.skipped += 1
    for request_id in appointment_ids:
        if _once(factory, lambda s, i=request_id: _remind_appointment(s, i)):  # type: ignore[misc]
            stats.appointments += 1
        else:
            stats.skipped += 1
    return stats


def _last_day(session: Session, notice: Notice, today: date) -> tuple[date, int] | None:
    """The day the reminder is about and the amount due until then, or None."""
    if notice.valid_until is not None:
        return notice.valid_until, notice.amount_cents
    if notice.amount_until is not None and notice.amount_until < today:
        # The window the notice last knew has passed: move on to today's stored window.
        window = window_on(notice, today)
        notice.amount_until = window.valid_until if window else None
        if window is not None:
            notice.amount_cents = window.amount_cents
    if notice.amount_until is None or notice.amount_until > today + timedelta(days=NOTICE_DAYS):
        return None
    return notice.amount_until, notice.amount_cents


def _remind_notice(session: Session, notice_id: int, today: date) -> object | None:
    notice = session.get(Notice, notice_id)
    if notice is None:
        return None
    found = _last_day(session, notice, today)
    if found is None:
        return None
    last_day, amount = found
    tx = session.get(Transaction, notice.transaction_id)
    is_fine = notice.service == FINES_SERVICE
    context = {
        "description": notice.description,
        "amount_cents": amount,
        "valid_until": last_day.isoformat(),
        "notice_code": format_notice_code(notice.code),
        "report_number": str((notice.details or {}).get("report_number", "")),
    }
    return notify(
        session,
        citizen_cf=notice.payer_cf,
        kind="reduced_amount_ending" if is_fine else "notice_expiring",
        context=context,
        link=f"/area-personale/pratiche/{tx.reference}" if tx else None,
        mandatory=False,
        dedupe_key=f"notice:{notice.id}:{last_day.isoformat()}",
        transaction_id=notice.transaction_id,
    )


def _remind_appointment(session: Session, request_id: int) -> object | None:
    from ..help.operations import appointment_context

    found = session.get(HelpRequest, request_id)
    if found is None or found.citizen_cf is None or found.office_id is None:
        return None
    office = session.get(Office, found.office_id)
    assert office is not None
    return notify(
        session,
        citizen_cf=found.citizen_cf,
        kind="appointment_reminder",
        context=appointment_context(found, office),
        link=f"/area-personale/aiuto/{found.code}",
        mandatory=False,
        dedupe_key=f"{found.code}:{found.sequence}",
        transaction_id=found.transaction_id,
    )
