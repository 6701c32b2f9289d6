"""The one clock of the municipality: Rome's civil time.

Instants are stored in UTC (``models.base.UTCDateTime``); days and wall-clock times are Rome's:
a notice "valid until 30 November" ends at midnight in Villanova, not in Greenwich, and an
appointment at 10:40 is 10:40 on the office's clock. Every conversion between the two goes
through here, so no module builds its own time zone (the simulators of the legacy offices
keep theirs in ``connectors.simulators.clock``: they stand for other systems).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ROME = ZoneInfo("Europe/Rome")


def now() -> datetime:
    """The current instant on Rome's clock (aware)."""
    return datetime.now(ROME)


def local(moment: datetime) -> datetime:
    """``moment`` on Rome's clock; a naive value is taken as UTC, as the database keeps it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ROME)


def today(at: datetime | None = None) -> date:
    """The civil date in Rome now, or at the instant ``at``."""
    return local(at).date() if at is not None else now().date()


def at(day: date, wall_clock: time = time(0)) -> datetime:
    """The instant when Rome's clock shows ``wall_clock`` on ``day`` (aware)."""
    return datetime.combine(day, wall_clock, tzinfo=ROME)


def end_of_day(day: date) -> datetime:
    """The first instant after ``day`` in Rome: a limit "until ``day``" is ``< end_of_day``."""
    return at(day + timedelta(days=1))


def from_wall_clock(text: str) -> datetime | None:
    """An ISO date-time typed without a zone (an HTML ``datetime-local`` field) read on Rome's
    clock, as an aware UTC datetime; None if it is not one."""
    try:
        typed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return typed.replace(tzinfo=ROME).astimezone(UTC)
