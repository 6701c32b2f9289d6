"""Calendar dates: parsing of what people type and rules relative to today.

Accepted: `datetime.date` values (a `datetime` is cut to its date), ISO 8601 "2024-01-31" (what
HTML date inputs send) and the Italian "31/01/2024", also with "-" or "." and one-digit day or
month. Two-digit years are refused: "01/02/03" is ambiguous on paper and on the phone.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from forms.errors import InvalidValue

_ISO = re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})")
_ITALIAN = re.compile(r"(?P<d>[0-9]{1,2})(?P<sep>[/.\-])(?P<m>[0-9]{1,2})(?P=sep)(?P<y>[0-9]{4})")


def parse_date(value: Any) -> dt.date:
    """Return a `date` or raise `InvalidValue` (`date.format`, or `date.invalid` for 30/02)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise InvalidValue("date.format")
    text = value.strip()
    match = _ISO.fullmatch(text) or _ITALIAN.fullmatch(text)
    if not match:
        raise InvalidValue("date.format")
    try:
        return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError as e:
        raise InvalidValue("date.invalid") from e


def age_on(born: dt.date, day: dt.date) -> int:
    """Completed years of a person born on `born`, on `day`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def check_date_rules(
    day: dt.date,
    *,
    today: dt.date,
    not_future: bool = False,
    not_past: bool = False,
    min_age: int | None = None,
    max_age: int | None = None,
    min_days_from_today: int | None = None,
    max_days_from_today: int | None = None,
) -> None:
    """Raise `InvalidValue` if `day` breaks a rule; `today` is passed in so tests can fix it.

    `min_age`/`max_age` treat `day` as a date of birth. The day offsets bound the date to a window
    around today (negative = in the past). Codes: `date.future_not_allowed`,
    `date.past_not_allowed`, `date.min_age`, `date.max_age`, `date.too_early`, `date.too_late`.
    """
    if not_future and day > today:
        raise InvalidValue("date.future_not_allowed")
    if not_past and day < today:
        raise InvalidValue("date.past_not_allowed")
    if min_age is not None and (day > today or age_on(day, today) < min_age):
        raise InvalidValue("date.min_age", years=min_age)
    if max_age is not None and age_on(day, today) > max_age:
        raise InvalidValue("date.max_age", years=max_age)
    if min_days_from_today is not None:
        earliest = today + dt.timedelta(days=min_days_from_today)
        if day < earliest:
            raise InvalidValue("date.too_early", date=earliest)
    if max_days_from_today is not None:
        latest = today + dt.timedelta(days=max_days_from_today)
        if day > latest:
            raise InvalidValue("date.too_late", date=latest)
