"""Money, dates and times as people read them, in one place, by Babel's (CLDR) rules.

Every page, e-mail, inbox message and PDF formats through these functions: templates through
the filters ``money`` (cents), ``date``, ``datetime`` and ``time``; views and e-mails by calling
them; ``printing`` and ``forms`` through the ``gateway.i18n.Language`` they are given. Times
are shown on Rome's clock (``gateway.clock``) whatever the zone of the value.

``lang`` is a language code ("it", "en") or a Babel ``Locale``; None means the language of the
current request (Flask-Babel's ``get_locale()``), Italian outside a request. A bare language is
written with the conventions of the region Sportello serves it to: Italian as in Italy, English
as in Europe (``en_GB``: 23 November 2026, 10:15, €86.10). A third language needs nothing here.

Styles: Babel's ``short``, ``medium``, ``long``, ``full``, a CLDR pattern ("EEEE d MMMM"), or
``numeric``: the day as digits with a four-digit year ("05/03/2026"), for documents and forms.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import Flask

from . import clock

NUMERIC = "numeric"
CURRENCY = "EUR"
DEFAULT_LANGUAGE = "it"
# The region whose conventions a bare language code is written with.
REGIONS = dict(it="it_IT", en="en_GB")


def locale_for(lang: str | Locale | None = None) -> Locale:
    """The Babel locale that formats for ``lang`` (see the module docstring)."""
    if lang is None:
        from flask_babel import get_locale

        lang = get_locale() or DEFAULT_LANGUAGE
    locale = lang if isinstance(lang, Locale) else Locale.parse(str(lang).replace("-", "_"))
    if locale.territory is None and locale.language in REGIONS:
        return Locale.parse(REGIONS[locale.language])
    return locale


def format_money(cents: int, lang: str | Locale | None = None) -> str:
    """An amount in euro cents: "1.234,56 €" in Italian, "€1,234.56" in English."""
    amount = Decimal(int(cents)).scaleb(-2)
    return babel_numbers.format_currency(amount, CURRENCY, locale=locale_for(lang))


def _as_date(value: dt.date | dt.datetime | str) -> dt.date:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        return clock.local(value).date()
    return value


def _as_moment(value: dt.datetime | str) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return clock.local(value)


def format_date(
    value: dt.date | dt.datetime | str, style: str = "medium", lang: str | Locale | None = None
) -> str:
    """A day (a datetime gives its day in Rome; ISO strings are read first)."""
    day, locale = _as_date(value), locale_for(lang)
    if style == NUMERIC:
        return babel_dates.format_skeleton("yMMdd", day, locale=locale)
    return babel_dates.format_date(day, style, locale=locale)


def format_time(
    value: dt.datetime | dt.time | str, style: str = "short", lang: str | Locale | None = None
) -> str:
    """A time of day on Rome's clock (``short``: 10:15)."""
    locale = locale_for(lang)
    moment = value if isinstance(value, dt.time) else _as_moment(value)
    if style == NUMERIC:
        return babel_dates.format_skeleton("Hm", moment, locale=locale)
    return babel_dates.format_time(moment, style, locale=locale)


def format_datetime(
    value: dt.datetime | str, style: str = "medium", lang: str | Locale | None = None
) -> str:
    """A moment on Rome's clock. ``numeric``, for paper: "23/11/2026 10:15 (UTC+01:00)"."""
    moment, locale = _as_moment(value), locale_for(lang)
    if style == NUMERIC:
        day = babel_dates.format_skeleton("yMMdd", moment, locale=locale)
        hour = babel_dates.format_skeleton("Hm", moment, locale=locale)
        offset = babel_dates.format_datetime(moment, "xxx", tzinfo=clock.ROME, locale=locale)
        return f"{day} {hour} (UTC{offset})"
    return babel_dates.format_datetime(moment, style, tzinfo=clock.ROME, locale=locale)


def register_filters(app: Flask) -> None:
    """The template filters; Flask-Babel's own (UTC-default, euros as floats) are removed so
    that templates have one way to show money and time."""
    for name in ("datetimeformat", "dateformat", "timeformat", "currencyformat"):
        app.jinja_env.filters.pop(name, None)
    app.jinja_env.filters.update(
        money=format_money,
        date=format_date,
        datetime=format_datetime,
        time=format_time,
    )
