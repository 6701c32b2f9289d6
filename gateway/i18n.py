"""Languages: Italian first, English too; chosen by the user, else by Accept-Language.

Translations come only from the catalogues in ``translations/`` (see ``tools/i18n.py``). Pages
use Flask-Babel's ``_()`` / ``lazy_gettext``; what is written outside a page's language — a
PDF, an e-mail to someone who chose another language — uses a ``Language``: the catalogue and
the formats of one language, which is also what ``forms`` and ``printing`` are given to write
with (they stay free of Flask and hold no texts of their own, only English message ids).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TypeVar

from babel import Locale, UnknownLocaleError
from babel.support import NullTranslations, Translations
from flask import Flask, current_app, has_app_context, request, session
from flask_babel import Babel, force_locale, get_locale, get_translations

from . import formatting
from .clock import ROME
from .formatting import NUMERIC

babel = Babel()
T = TypeVar("T")
CATALOGUES = Path(__file__).parent / "translations"
TITLES = "titles"  # key of a transaction's data: its title in every offered language
DOMAIN = "messages"


def select_locale() -> str:
    config = current_app.config["SPORTELLO"]
    chosen = session.get("lang") if session else None
    if chosen in config.locales:
        return str(chosen)
    best = request.accept_languages.best_match(config.locales)
    return best or config.default_locale


def init_i18n(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, default_timezone=ROME.key)
    formatting.register_filters(app)


def add_catalogues(app: Flask, directory: Path) -> None:
    """Look for catalogues in ``directory`` too (``<lang>/LC_MESSAGES/messages.mo``), before
    the built-in ones: how an installation adds or overrides a language without code."""
    app.extensions["babel"].translation_directories.insert(0, str(directory))


def _built_in() -> list[str]:
    """The languages of the catalogues shipped with the gateway."""
    return sorted(p.parts[-3] for p in CATALOGUES.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))


def locales() -> tuple[str, ...]:
    """The languages this installation offers, default first (outside an app context: those
    of the built-in catalogues)."""
    if not has_app_context():
        rest = tuple(c for c in _built_in() if c != formatting.DEFAULT_LANGUAGE)
        return (formatting.DEFAULT_LANGUAGE, *rest)
    config = current_app.config["SPORTELLO"]
    rest = tuple(code for code in config.locales if code != config.default_locale)
    return (config.default_locale, *rest)


def language_name(code: str) -> str:
    """A language's own name for itself (Italiano, English, Esperanto), from CLDR: a menu of
    languages is read by whoever looks for theirs, so each name is in its own language."""
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]


def offered_languages() -> list[tuple[str, str]]:
    """(code, own name) of each language the installation offers, default first."""
    return [(code, language_name(code)) for code in locales()]


def default_locale() -> str:
    """The installation's default language code."""
    if not has_app_context():
        return formatting.DEFAULT_LANGUAGE
    return str(current_app.config["SPORTELLO"].default_locale)


def supported(lang: str | None) -> str:
    """``lang`` if the installation offers it, else the default language. Outside an app
    context, the languages offered are those of the built-in catalogues."""
    if not has_app_context():
        return str(lang) if lang in _built_in() else formatting.DEFAULT_LANGUAGE
    config = current_app.config["SPORTELLO"]
    return str(lang) if lang in config.locales else str(config.default_locale)


class Language:
    """One language's catalogue and formats: what a document or a message is written with.

    ``gettext``/``pgettext``/``ngettext`` fill ``%(name)s`` placeholders from keyword values, like
    Flask-Babel's; ``money``, ``date``, ``time`` and ``datetime`` are ``gateway.formatting``'s
    for this language (``numeric`` dates unless a style is given).
    """

    def __init__(self, code: str, translations: NullTranslations) -> None:
        self.code = code
        self.translations = translations

    def __repr__(self) -> str:
        return f"Language({self.code!r})"

    def gettext(self, message: str, **values: Any) -> str:
        text = self.translations.ugettext(message)
        return text % values if values else text

    def pgettext(self, context: str, message: str, **values: Any) -> str:
        text = self.translations.upgettext(context, message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        values.setdefault("num", n)
        return self.translations.ungettext(singular, plural, n) % values

    def money(self, cents: int) -> str:
        return formatting.format_money(cents, self.code)

    def date(self, value: date | datetime, style: str = NUMERIC) -> str:
        return formatting.format_date(value, style, self.code)

    def time(self, value: datetime | time, style: str = NUMERIC) -> str:
        return formatting.format_time(value, style, self.code)

    def datetime(self, value: datetime, style: str = NUMERIC) -> str:
        return formatting.format_datetime(value, style, self.code)


def current_language() -> Language:
    """The language of the current request (or of the innermost ``force_locale``)."""
    return Language(str(get_locale() or formatting.DEFAULT_LANGUAGE), get_translations())


def language(code: str | None = None, app: Flask | None = None) -> Language:
    """The app's catalogue for ``code`` (an offered language; None: the request's), usable
    outside a request too: give ``app`` where there is no app context (an outbox job). With
    neither, the built-in catalogue of ``code``."""
    if app is None and not has_app_context():
        return load_language(supported(code))
    if app is not None:
        with app.app_context():
            return language(code)
    if code is None:
        return current_language()
    with force_locale(supported(code)):
        return current_language()


def default_language(app: Flask | None = None) -> Language:
    """The installation's default language: what records are written in (a transaction's
    title, a notice's subject) when they are kept in one language only."""
    config = (app or current_app).config["SPORTELLO"]
    return language(str(config.default_locale), app)


def written(write: Callable[[Language], str]) -> tuple[str, dict[str, str]]:
    """A record's text in the default language (its column) and in every offered language
    (kept beside it, shown with `localized`):
    ``title, titles = written(lambda words: words.gettext("..."))``."""
    texts = in_every_language(write)
    return texts[default_locale()], texts


def localized(texts: Mapping[str, str] | None, fallback: str, lang: str | None = None) -> str:
    """The text for ``lang`` (default: the current language) out of those `written` kept,
    else ``fallback`` (the record's column, e.g. a record from before they were kept)."""
    if texts:
        current = lang or str(get_locale() or default_locale())
        found = texts.get(current)
        if isinstance(found, str) and found:
            return found
    return fallback


def shown_title(transaction: Any) -> str:
    """A transaction's title in the reader's language (templates: ``shown_title(tx)``)."""
    return localized((transaction.data or {}).get(TITLES), transaction.title)


def load_language(code: str, directories: Iterable[Path] = (CATALOGUES,)) -> Language:
    """A ``Language`` straight from compiled catalogues, with no app (library tests, tools)."""
    merged: NullTranslations = NullTranslations()
    for directory in directories:
        found = Translations.load(str(directory), [code], DOMAIN)
        if not isinstance(found, Translations):
            continue
        if isinstance(merged, Translations):
            merged.merge(found)
        else:
            merged = found
    return Language(code, merged)


def in_every_language(write: Callable[[Language], T]) -> dict[str, T]:
    """``write(words)`` once per offered language, ``words`` being that ``Language`` (and the
    current locale too, inside an app context): for texts stored with a record (a notice's
    lines, a proposal's wording) that readers see in their own language."""
    texts = {}
    for code in locales():
        if has_app_context():
            with force_locale(code):
                texts[code] = write(current_language())
        else:
            texts[code] = write(load_language(code))
    return texts
