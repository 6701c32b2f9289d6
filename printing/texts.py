"""The language a document is printed in: printing holds no translations of its own.

Every printed text is an English message id, written in the code as ``_("PAYMENT NOTICE")``
with ``_ = lang.gettext`` (or ``N_`` where it is only named), and extracted into the
gateway's catalogues with the rest of Sportello's texts. The caller passes the language to
print in: its catalogue (``gettext``) and its formats for money, days and times, so that a PDF
reads like the pages and messages of the same language. The gateway's ``i18n.Language`` is one.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, Protocol, runtime_checkable
from zoneinfo import ZoneInfo

from printing.errors import DocumentDataError

ROME = ZoneInfo("Europe/Rome")  # the creditor's clock: documents print its local time


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is printed."""
    return message


@runtime_checkable
class DocumentLanguage(Protocol):
    """What a document needs of the language it is printed in."""

    code: str  # BCP 47 language, also the PDF's /Lang

    def gettext(self, message: str, **values: Any) -> str:
        """``message`` translated, with ``%(name)s`` placeholders filled from ``values``."""
        ...

    def pgettext(self, context: str, message: str, **values: Any) -> str:
        """``gettext`` for a ``message`` that reads differently in another ``context``."""
        ...

    def money(self, cents: int) -> str: ...

    def date(self, value: date) -> str: ...

    def time(self, value: datetime | time) -> str: ...

    def datetime(self, value: datetime) -> str: ...


def check_language(lang: object) -> DocumentLanguage:
    """``lang`` if documents can be printed with it, else `DocumentDataError`."""
    if not isinstance(lang, DocumentLanguage):
        raise DocumentDataError(
            f"documents are printed with a language (catalogue and formats), not {lang!r}"
        )
    return lang


class SourceLanguage:
    """The texts as written in the code (English) with ISO 8601 days and "86.10 EUR": what a
    document reads like when no language is given (tools, tests of the layout alone)."""

    code = "en"

    def gettext(self, message: str, **values: Any) -> str:
        return message % values if values else message

    def pgettext(self, context: str, message: str, **values: Any) -> str:
        return self.gettext(message, **values)

    def money(self, cents: int) -> str:
        sign, cents = ("-" if cents < 0 else ""), abs(cents)
        return f"{sign}{cents // 100}.{cents % 100:02d} EUR"

    def date(self, value: date) -> str:
        return value.isoformat()[:10]

    def time(self, value: datetime | time) -> str:
        return value.strftime("%H:%M")

    def datetime(self, value: datetime) -> str:
        """On Rome's clock with its offset, e.g. `2026-11-23 10:15+01:00`."""
        return value.astimezone(ROME).isoformat(sep=" ", timespec="minutes")


SOURCE = SourceLanguage()
