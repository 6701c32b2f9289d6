"""The simulated offices keep Italian time: their "today" is the date in Europe/Rome.

The machine's own date (often UTC) is a day behind between midnight and 01:00 or 02:00 in
Rome, when a payment made "today" in Italy would look like a payment from the future.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Europe/Rome")


def today_in_rome() -> date:
    return datetime.now(LOCAL_TIME).date()


MAX_DAYS_AHEAD = 3650


class SimulatedClock:
    """The offices' "today", which a demo or a test can move forward (``days_ahead``).

    Moving the clock does not reload the seed: a fine notified two days ago is notified nine
    days ago once the clock is a week ahead, as if the week had passed. Thread-safe (an int
    read and written whole).
    """

    def __init__(self, today: Callable[[], date] = today_in_rome) -> None:
        self._real_today = today
        self.days_ahead = 0

    def today(self) -> date:
        return self._real_today() + timedelta(days=self.days_ahead)

    def move(self, days_ahead: object) -> None:
        """Put the clock ``days_ahead`` days after the real date (0 brings it back)."""
        if (
            not isinstance(days_ahead, int)
            or isinstance(days_ahead, bool)
            or not 0 <= days_ahead <= MAX_DAYS_AHEAD
        ):
            raise ValueError(f"days_ahead must be an integer from 0 to {MAX_DAYS_AHEAD}")
        self.days_ahead = days_ahead

    def snapshot(self) -> dict[str, object]:
        return {"days_ahead": self.days_ahead, "today": self.today().isoformat()}
