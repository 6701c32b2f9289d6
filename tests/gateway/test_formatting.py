"""Money, dates and times in one place, on Rome's clock, by the language of the reader."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from flask import Flask, render_template_string

from gateway import clock
from gateway.formatting import (
    format_date,
    format_datetime,
    format_duration,
    format_money,
    format_relative,
    format_time,
)


@pytest.mark.parametrize(
    ("cents", "italian", "english"),
    [
        (0, "0,00\xa0€", "€0.00"),
        (5, "0,05\xa0€", "€0.05"),
        (123_456, "1.234,56\xa0€", "€1,234.56"),
        (123_456_789, "1.234.567,89\xa0€", "€1,234,567.89"),
        (-1_050, "-10,50\xa0€", "-€10.50"),
    ],
)
def test_money_in_cents(cents: int, italian: str, english: str) -> None:
    assert format_money(cents, "it") == italian
    assert format_money(cents, "en") == english


def test_dates_in_each_style() -> None:
    day = date(2026, 3, 5)
    assert format_date(day, "numeric", "it") == "05/03/2026"
    assert format_date(day, "numeric", "en") == "05/03/2026"
    assert format_date(day, "long", "it") == "5 marzo 2026"
    assert format_date(day, "long", "en") == "5 March 2026"  # English as written in Europe
    assert format_date("2026-03-05", "long", "en") == "5 March 2026"
    assert format_date(day, "EEEE d MMMM", "it") == "giovedì 5 marzo"


def test_one_shape_per_kind_on_pages_without_seconds_zones_or_two_digit_years() -> None:
    nine = datetime(2026, 12, 2, 8, 0, 46, tzinfo=UTC)  # 9:00 in Rome, with seconds
    assert format_datetime(nine, "short", "it") == "2 dic 2026, 9:00"
    assert format_datetime(nine, "medium", "it") == "2 dic 2026, 9:00"  # the same shape
    assert format_datetime(nine, "full", "it") == "mercoledì 2 dicembre 2026, ore 9:00"
    assert format_datetime(nine, "weekday", "it") == "mercoledì 2 dicembre, ore 9:00"
    assert format_datetime(nine, "weekday", "en") == "Wednesday, 2 December at 9:00"
    assert format_datetime(nine, "medium", "en") == "2 Dec 2026, 9:00"
    assert format_date(nine, "short", "it") == format_date(nine, "medium", "it") == "2 dic 2026"
    assert format_time(nine, "full", "it") == "9:00"  # never "09:00:00 Ora standard ..."


def test_the_first_of_the_month_is_written_as_italians_write_it() -> None:
    first = date(2026, 12, 1)
    assert format_date(first, "long", "it") == "1º dicembre 2026"  # "entro il 1º dicembre"
    assert format_date(first, "weekday", "it") == "martedì 1º dicembre"
    assert format_date(first, "numeric", "it") == "01/12/2026"
    assert format_date(first, "long", "en") == "1 December 2026"
    assert format_date(date(2026, 12, 11), "long", "it") == "11 dicembre 2026"


def test_moments_near_now_are_said_as_people_say_them() -> None:
    now = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # 11:00 in Rome
    said = {
        "it": [
            "tra 45 minuti",
            "tra 89 minuti",
            "tra 2 ore",
            "domani alle 9:00",
            "ieri alle 18:30",
            "oggi alle 21:00",
            "lunedì 7 dicembre, ore 9:00",
            "adesso",
        ],
        "en": [
            "in 45 minutes",
            "in 89 minutes",
            "in 2 hours",
            "tomorrow at 9:00",
            "yesterday at 18:30",
            "today at 21:00",
            "Monday, 7 December at 9:00",
            "now",
        ],
    }
    moments = [
        now + timedelta(minutes=45),
        now + timedelta(minutes=89),
        now + timedelta(minutes=100),
        datetime(2026, 12, 2, 8, 0, tzinfo=UTC),
        datetime(2026, 11, 30, 17, 30, tzinfo=UTC),
        datetime(2026, 12, 1, 20, 0, tzinfo=UTC),
        datetime(2026, 12, 7, 8, 0, tzinfo=UTC),
        now + timedelta(seconds=20),
    ]
    for lang, expected in said.items():
        assert [format_relative(m, now, lang) for m in moments] == expected
    assert format_relative(now - timedelta(minutes=762), now, "it") == "ieri alle 22:18"
    assert format_duration(timedelta(minutes=762), "it") == "13 ore"  # never "762 min"
    assert format_duration(timedelta(minutes=45), "en") == "45 minutes"


def test_moments_are_shown_on_romes_clock_in_winter_and_summer() -> None:
    winter = datetime(2026, 11, 23, 9, 15, tzinfo=UTC)
    summer = datetime(2026, 7, 1, 9, 15, tzinfo=UTC)
    assert format_datetime(winter, "numeric", "it") == "23/11/2026 10:15 (UTC+01:00)"
    assert format_datetime(summer, "numeric", "en") == "01/07/2026 11:15 (UTC+02:00)"
    assert format_time(summer, "short", "it") == "11:15"
    # The database gives naive UTC values back on SQLite: they are UTC, not Rome.
    assert format_time(datetime(2026, 7, 1, 9, 15), "short", "it") == "11:15"
    assert format_time(time(8, 5), "short", "en") == "8:05"  # no leading zero on a page
    assert format_time(time(8, 5), "numeric", "en") == "08:05"  # on paper, the digits


def test_a_moment_late_in_the_evening_in_utc_is_already_tomorrow_in_rome() -> None:
    new_year = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert clock.today(new_year) == date(2027, 1, 1)
    assert format_date(new_year, "numeric", "it") == "01/01/2027"
    assert clock.local(new_year).hour == 0


def test_the_day_ends_at_midnight_in_rome() -> None:
    end = clock.end_of_day(date(2026, 3, 28))  # the night before summer time starts
    assert end == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert clock.end_of_day(date(2026, 3, 29)) == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    assert clock.at(date(2026, 12, 3), time(10, 40)).utcoffset().total_seconds() == 3600


def test_a_wall_clock_typed_in_a_form_is_read_as_rome_time() -> None:
    assert clock.from_wall_clock("2026-07-01T11:15") == datetime(2026, 7, 1, 9, 15, tzinfo=UTC)
    assert clock.from_wall_clock("tomorrow") is None


def test_templates_have_one_set_of_filters_in_the_request_language(app: Flask) -> None:
    source = "{{ 8610 | money }} · {{ day | date('long') }} · {{ at | datetime('short') }}"
    at = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    values = {"day": date(2026, 12, 2), "at": at}
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert render_template_string(source, **values) == "€86.10 · 2 December 2026 · " + (
            format_datetime(at, "short", "en")
        )
    with app.test_request_context(headers={"Accept-Language": "it"}):
        assert render_template_string(source, **values).startswith("86,10\xa0€ · 2 dicembre")
    for removed in ("currencyformat", "datetimeformat", "dateformat", "timeformat"):
        assert removed not in app.jinja_env.filters


def test_one_clock_and_one_formatter_in_the_gateway() -> None:
    """No module but ``gateway.clock`` builds a time zone, and none but ``gateway.formatting``
    formats money or dates with Babel (Flask-Babel's ``format_*`` included)."""
    root = Path(__file__).resolve().parents[2] / "gateway"
    offenders = []
    for path in root.rglob("*.py"):
        name = path.relative_to(root).as_posix()
        source = path.read_text(encoding="utf-8")
        if "ZoneInfo(" in source and name != "clock.py":
            offenders.append(f"{name} builds a time zone")
        imports = re.search(r"from (babel\.(numbers|dates)|flask_babel) import .*format_", source)
        if imports and name != "formatting.py":
            offenders.append(f"{name} formats with Babel directly")
    assert offenders == []
