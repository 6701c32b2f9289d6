"""Bookable slots of an office: its opening hours cut into slots, minus what desks hold.

Opening hours are local (Europe/Rome) wall-clock times; slots are stored in UTC. Public
holidays are not modelled yet: an office closed on a weekday it normally opens must be
given other opening hours.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import clock
from ..models import HelpRequest, Office

LEAD_TIME = timedelta(hours=1)  # the office needs a little notice
HORIZON_DAYS = 14


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # UTC
    ends_at: datetime
    free: int

    @property
    def local_start(self) -> datetime:
        return clock.local(self.starts_at)

    @property
    def key(self) -> str:
        return self.starts_at.strftime("%Y-%m-%dT%H:%MZ")


def parse_slot_key(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def office_slot_starts(office: Office, first_day: date, days: int) -> list[datetime]:
    """Every slot start of the office's opening hours over ``days`` days, in UTC."""
    step = timedelta(minutes=office.slot_minutes)
    starts = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        for period in office.hours:
            if period.weekday != day.weekday():
                continue
            at = clock.at(day, period.opens)
            closes = clock.at(day, period.closes)
            while at + step <= closes:
                starts.append(at.astimezone(UTC))
                at += step
    return sorted(starts)


def held_slots(
    session: Session, office_id: int, start: datetime, end: datetime
) -> Counter[datetime]:
    rows = session.execute(
        select(HelpRequest.slot_start, func.count(HelpRequest.id))
        .where(
            HelpRequest.office_id == office_id,
            HelpRequest.slot_start.is_not(None),
            HelpRequest.slot_start >= start,
            HelpRequest.slot_start < end,
        )
        .group_by(HelpRequest.slot_start)
    ).all()
    return Counter({at: int(n) for at, n in rows if at is not None})


def available_slots(
    session: Session, office: Office, *, now: datetime, days: int = HORIZON_DAYS
) -> list[Slot]:
    """The slots from ``now`` + lead time over ``days`` days with at least one free desk."""
    desks = sum(1 for d in office.desks if d.active)
    if not desks:
        return []
    earliest = now + LEAD_TIME
    starts = [s for s in office_slot_starts(office, clock.today(now), days + 1) if s >= earliest]
    if not starts:
        return []
    step = timedelta(minutes=office.slot_minutes)
    held = held_slots(session, office.id, starts[0], starts[-1] + step)
    return [Slot(s, s + step, desks - held[s]) for s in starts if held[s] < desks][: days * 60]


def is_bookable_start(office: Office, starts_at: datetime, *, now: datetime) -> bool:
    """Whether ``starts_at`` is a slot start of the office inside the booking window."""
    if starts_at < now + LEAD_TIME or starts_at > now + timedelta(days=HORIZON_DAYS + 1):
        return False
    day = clock.today(starts_at)
    return starts_at in office_slot_starts(office, day, 1)
