"""Bookable slots of an office: its opening hours cut into slots, minus what desks hold.

Opening hours are local (Europe/Rome) wall-clock times; slots are stored in UTC. Public
holidays are not modelled yet: an office closed on a weekday it normally opens must be
given other opening hours.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import clock
from ..models import HelpRequest, Office

LEAD_TIME = timedelta(hours=1)  # the office needs a little notice
HORIZON_DAYS = 14
SLOT_KEY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}Z")
DAY_KEY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


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


def parse_slot_key(value: object) -> datetime | None:
    """The slot start written in ``value`` ("2026-12-02T08:00Z", UTC), or None."""
    if not isinstance(value, str) or not SLOT_KEY.fullmatch(value):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def parse_day_key(value: object) -> date | None:
    """The day written in ``value`` ("2026-12-02"), or None."""
    if not isinstance(value, str) or not DAY_KEY.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class CalendarDay:
    """One cell of a month grid: a day and how many free times it has (0: not bookable)."""

    day: date
    free: int


@dataclass(frozen=True)
class Month:
    """A month as a grid of weeks; days of the months around it are None."""

    first: date
    weeks: tuple[tuple[CalendarDay | None, ...], ...]


def slots_by_day(slots: list[Slot]) -> dict[date, list[Slot]]:
    """The slots grouped by their day on Rome's clock, in order."""
    days: dict[date, list[Slot]] = {}
    for slot in slots:
        days.setdefault(slot.local_start.date(), []).append(slot)
    return days


def calendar_months(
    free_times: dict[date, int], first: date, last: date, *, first_weekday: int = 0
) -> list[Month]:
    """The month grids from ``first``'s month to ``last``'s, each day with its free times."""
    grid = calendar.Calendar(first_weekday)
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        weeks = tuple(
            tuple(CalendarDay(d, free_times.get(d, 0)) if d.month == month else None for d in week)
            for week in grid.monthdatescalendar(year, month)
        )
        months.append(Month(date(year, month, 1), weeks))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


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
