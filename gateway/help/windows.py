"""Call-back windows a citizen can choose: the next working days, morning or afternoon."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from .. import clock

WINDOWS = {"am": (time(9), time(13)), "pm": (time(14), time(17))}
DAYS = 5


@dataclass(frozen=True)
class CallbackWindow:
    key: str
    starts_at: datetime
    ends_at: datetime


def callback_windows(now: datetime) -> list[CallbackWindow]:
    """Windows not yet over, on the next ``DAYS`` working days (Monday to Friday)."""
    found: list[CallbackWindow] = []
    day = clock.today(now)
    while len({w.key[:10] for w in found}) < DAYS:
        if day.weekday() < 5:
            for part, (start, end) in WINDOWS.items():
                ends = clock.at(day, end)
                if ends > now:
                    starts = clock.at(day, start)
                    found.append(
                        CallbackWindow(
                            f"{day.isoformat()}-{part}",
                            starts.astimezone(UTC),
                            ends.astimezone(UTC),
                        )
                    )
        day += timedelta(days=1)
    return found


def window_by_key(key: str, now: datetime) -> CallbackWindow | None:
    return next((w for w in callback_windows(now) if w.key == key), None)
