"""The simulated offices keep Italian time: their "today" is the date in Europe/Rome.

The machine's own date (often UTC) is a day behind between midnight and 01:00 or 02:00 in
Rome, when a payment made "today" in Italy would look like a payment from the future.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Europe/Rome")


def today_in_rome() -> date:
    return datetime.now(LOCAL_TIME).date()
