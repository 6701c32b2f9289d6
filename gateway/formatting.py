"""Money, dates and times as people read them, in one place, by Babel's (CLDR) rules.

Every page, e-mail, inbox message and PDF formats through these functions: templates through
the filters ``money`` (cents), ``date``, ``datetime``, ``time``, ``relative`` and ``duration``;
views and e-mails by calling them; ``printing`` and ``forms`` through the
``gateway.i18n.Language`` they are given. Times are shown on Rome's clock (``gateway.clock``)
whatever the zone of the value.

``lang`` is a language code ("it", "en") or a Babel ``Locale``; None means the language of the
current request (Flask-Babel's ``get_locale()``), Italian outside a request. A bare language is
written with the conventions of the region Sportello serves it to: Italian as in Italy, English
as in Europe (``en_GB``: 23 November 2026, 9:15, €86.10). A third language needs nothing here.

What a page shows has one shape per kind, so that two dates on one page never look different:

- a day: ``short`` and ``medium`` are "2 dic 2026" (never a two-digit year), ``long`` is
  "2 dicembre 2026", ``full`` "mercoledì 2 dicembre 2026", ``weekday`` "mercoledì 2 dicembre";
  in Italian the first of a month is "1º dicembre", as it is written and said;
- a time: "9:00" (hours without a leading zero, never seconds or a time-zone name);
- a moment: ``short``/``medium`` "2 dic 2026, 9:00"; ``long``/``full`` "mercoledì 2 dicembre
  2026, ore 9:00"; ``weekday`` "mercoledì 2 dicembre, ore 9:00";
- a moment near now (``format_relative``): "tra 45 minuti", "tra 2 ore", "domani alle 9:00",
  "ieri alle 18:30", then the ``weekday`` shape; a length of time (``format_duration``):
  "45 minuti", "2 ore", "3 giorni".

A CLDR pattern ("EEEE d MMMM") is still accepted where a shape of its own is needed, and
``numeric`` writes the day as digits with a four-digit year ("05/03/2026"), for documents and
forms, with the offset from UTC for a moment on paper.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import Flask

from . import clock

NUMERIC = "numeric"
WEEKDAY = "weekday"
CURRENCY = "EUR"
DEFAULT_LANGUAGE = "it"
# The region whose conventions a bare language code is written with.
REGIONS = dict(it="it_IT", en="en_GB")
# The locale's date style each day shape is written with (``weekday``: the full one, no year).
DAY_SHAPES = dict(short="medium", medium="medium", long="long", full="full", weekday="full")
_YEAR = re.compile(r"[,\s]*\by+\b")
# Under this many of a unit, a span is said in the unit below it ("89 minuti", then "2 ore").
THRESHOLD = 1.5
# Moments closer than this to now are said as a span ("tra 2 ore"), farther as a day and time.
NEAR = dt.timedelta(hours=6)


def N_(message: str) -> str:
    """Marks a message id for the catalogue; ``_words`` translates it in the reader's language."""
    return message


# Translators: a day and a time of an appointment: "mercoledì 2 dicembre, ore 9:00".
DAY_AT = N_("%(day)s at %(time)s")
NOW = N_("now")
TODAY_AT = N_("today at %(time)s")
TOMORROW_AT = N_("tomorrow at %(time)s")
YESTERDAY_AT = N_("yesterday at %(time)s")
# A lone ``d`` (day of month) in a CLDR pattern, outside quoted literals.
_LONE_D = re.compile(r"(?<![d'])d(?![d'])")


def locale_for(lang: str | Locale | None = None) -> Locale:
    """The Babel locale that formats for ``lang`` (see the module docstring)."""
    if lang is None:
        from flask_babel import get_locale

        lang = get_locale() or DEFAULT_LANGUAGE
    locale = lang if isinstance(lang, Locale) else Locale.parse(str(lang).replace("-", "_"))
    if locale.territory is None and locale.language in REGIONS:
        return Locale.parse(REGIONS[locale.language])
    return locale


def _words(locale: Locale, message: str, **values: str) -> str:
    """``message`` from the gateway's catalogue of ``locale``'s language (the connecting words
    of a moment: "alle", "ore", "domani"), filled with ``values``."""
    from .i18n import language

    return language(locale.language).gettext(message, **values)


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


def _day_pattern(style: str, locale: Locale) -> str:
    shape = DAY_SHAPES.get(style)
    if shape is None:
        return style  # a CLDR pattern
    pattern = str(locale.date_formats[shape].pattern)
    return _YEAR.sub("", pattern).strip() if style == WEEKDAY else pattern


def format_date(
    value: dt.date | dt.datetime | str, style: str = "medium", lang: str | Locale | None = None
) -> str:
    """A day (a datetime gives its day in Rome; ISO strings are read first)."""
    day, locale = _as_date(value), locale_for(lang)
    if style == NUMERIC:
        return babel_dates.format_skeleton("yMMdd", day, locale=locale)
    pattern = _day_pattern(style, locale)
    if day.day == 1 and locale.language == "it":
        pattern = _LONE_D.sub("'1º'", pattern)  # "il 1º dicembre", never "il 1 dicembre"
    return babel_dates.format_date(day, pattern, locale=locale)


def _time_pattern(locale: Locale) -> str:
    """The locale's short time without the leading zero of the hour ("9:00", "18:30")."""
    pattern = str(locale.time_formats["short"].pattern)
    return pattern.replace("HH", "H").replace("hh", "h")


def format_time(
    value: dt.datetime | dt.time | str, style: str = "short", lang: str | Locale | None = None
) -> str:
    """A time of day on Rome's clock ("9:00", "18:30"); ``numeric`` keeps the zero ("09:00")."""
    locale = locale_for(lang)
    moment = value if isinstance(value, dt.time) else _as_moment(value)
    if style == NUMERIC:
        return babel_dates.format_skeleton("Hm", moment, locale=locale)
    pattern = _time_pattern(locale) if style in ("short", "medium", "long", "full") else style
    return babel_dates.format_time(moment, pattern, locale=locale)


def format_datetime(
    value: dt.datetime | str, style: str = "medium", lang: str | Locale | None = None
) -> str:
    """A moment on Rome's clock, in the shapes of the module docstring. ``numeric``, for paper:
    "23/11/2026 10:15 (UTC+01:00)"."""
    moment, locale = _as_moment(value), locale_for(lang)
    if style == NUMERIC:
        day = babel_dates.format_skeleton("yMMdd", moment, locale=locale)
        hour = babel_dates.format_skeleton("Hm", moment, locale=locale)
        offset = babel_dates.format_datetime(moment, "xxx", tzinfo=clock.ROME, locale=locale)
        return f"{day} {hour} (UTC{offset})"
    if style not in DAY_SHAPES:
        return babel_dates.format_datetime(moment, style, tzinfo=clock.ROME, locale=locale)
    day, time = format_date(moment, style, locale), format_time(moment, "short", locale)
    if style in ("short", "medium"):
        return str(locale.datetime_formats["medium"]).format(time, day)
    return _words(locale, DAY_AT, day=day, time=time)


def format_duration(
    span: dt.timedelta, lang: str | Locale | None = None, *, threshold: float = THRESHOLD
) -> str:
    """A length of time, rounded to whole minutes, hours or days: "45 minuti", "2 ore"."""
    seconds = round(abs(span.total_seconds()) / 60) * 60
    return babel_dates.format_timedelta(
        dt.timedelta(seconds=max(seconds, 60)),
        granularity="minute",
        threshold=threshold,
        locale=locale_for(lang),
    )


def format_relative(
    value: dt.datetime | str, now: dt.datetime | None = None, lang: str | Locale | None = None
) -> str:
    """A moment said from ``now``: "tra 45 minuti", "2 ore fa", "oggi alle 15:00", "domani alle
    9:00", "ieri alle 18:30", else "mercoledì 2 dicembre, ore 9:00"."""
    moment, locale = _as_moment(value), locale_for(lang)
    current = clock.local(now) if now is not None else clock.now()
    span = moment - current
    if abs(span) < dt.timedelta(minutes=1):
        return _words(locale, NOW)
    if abs(span) < NEAR:
        minutes = round(span.total_seconds() / 60)
        return babel_dates.format_timedelta(
            dt.timedelta(minutes=minutes),
            granularity="minute",
            threshold=THRESHOLD,
            add_direction=True,
            locale=locale,
        )
    time = format_time(moment, "short", locale)
    days = (moment.date() - current.date()).days
    if days == 0:
        return _words(locale, TODAY_AT, time=time)
    if days == 1:
        return _words(locale, TOMORROW_AT, time=time)
    if days == -1:
        return _words(locale, YESTERDAY_AT, time=time)
    if moment.year != current.year:
        return format_datetime(moment, "full", locale)
    return format_datetime(moment, WEEKDAY, locale)


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
        relative=format_relative,
        duration=format_duration,
    )
