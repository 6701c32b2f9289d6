"""Identifiers a request may carry, each checked once, strictly, by a full match.

Routes name their variables with one of the converters below (``<reference:reference>``,
``<id:delegation_id>``, ...): a value that is not exactly of its kind never reaches the view, it
is a 404. ``to_python`` returns the matched text unchanged (``id`` returns the number), so the
view works on the very value that passed; no later strip, upper-casing or re-parsing may change
it. Query-string and form fields use the ``valid_*`` functions (the same checks) and the typed
forms ``typed_*`` for what people type by hand, which first remove the separators and case a
person may add and then apply the same strict check.

Werkzeug anchors a converter's regex with ``\\Z``, and the functions here use ``re.fullmatch``:
``$`` would also match before a trailing newline, and a value with one would pass the check
and then differ from what a later layer (a connector that strips) actually looks up.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from flask import Flask
from werkzeug.routing import BaseConverter, ValidationError

from forms.errors import InvalidResumeCode, InvalidValue
from forms.resume import ALPHABET as CODE_ALPHABET
from forms.resume import RESUME_CODE_LENGTH, SESSION_CODE_LENGTH, normalize_code
from forms.validators import normalize_codice_fiscale
from printing.codes import parse_notice_code
from printing.errors import InvalidNoticeCode

from .transactions.reference import ALPHABET as REFERENCE_ALPHABET

# Codice fiscale of a person: omocodia letters may replace any of the seven digits; the
# month is one of its twelve letters. The check character is verified in `valid_fiscal_code`.
_D = "[0-9LMNPQRSTUV]"
FISCAL_CODE = rf"[A-Z]{{6}}{_D}{{2}}[ABCDEHLMPRST]{_D}{{2}}[A-Z]{_D}{{3}}[A-Z]"
# Documents of the regional health record: the DocumentId type of its WSDL contract.
HEALTH_DOCUMENT_ID = r"[A-Z0-9][A-Z0-9.\-]{0,63}"
# pagoPA notice code: 18 digits (aux digit 3 and check digits verified in `valid_notice_code`).
NOTICE_CODE = r"[0-9]{18}"
# Transaction references as `transactions.reference.new_reference` draws them: SP-7KQ4-MX2D.
_R = f"[{REFERENCE_ALPHABET}]"
REFERENCE = rf"SP-{_R}{{4}}-{_R}{{4}}"
# Report numbers of the fines system (ReportNumber in its WSDL contract): VL-2026-004117.
REPORT_NUMBER = r"[A-Z]{2}-[0-9]{4}-[0-9]{6}"
# Resume codes (8 characters + check), compact or as printed in groups: 7KQM4X9RD, 7KQ-M4X-9RD.
_C = f"[{CODE_ALPHABET}]"
RESUME_CODE = rf"{_C}{{9}}|{_C}{{3}}-{_C}{{3}}-{_C}{{3}}"
# Phone session codes and help booking codes (6 characters + check), compact: 7KQM4X9.
SESSION_CODE = rf"{_C}{{7}}"
# Payment tokens: secrets.token_urlsafe(24), 32 characters of the URL-safe base64 alphabet.
PAYMENT_TOKEN = r"[A-Za-z0-9_\-]{32}"  # noqa: S105 - a pattern, no secret
# Unsubscribe links: itsdangerous' URLSafeSerializer, payload (a leading dot when compressed)
# then the HMAC-SHA1 signature, 27 characters.
UNSUBSCRIBE_TOKEN = r"\.?[A-Za-z0-9_\-]{2,128}\.[A-Za-z0-9_\-]{27}"  # noqa: S105 - a pattern
# Service names: the id of a form definition (forms.loader), e.g. certificato_scolastico.
SERVICE = r"[a-z][a-z0-9_]{0,63}"
# Interface languages: two lower-case letters ("it", "en").
LOCALE = r"[a-z]{2}"
# Row ids: no sign, no leading zero, at most the largest primary key the tables can hold. The
# keys are INTEGER columns: 64-bit on SQLite but 32-bit on PostgreSQL, where SQLAlchemy binds
# the value as ``::INTEGER`` and 2**31 is already a database error (a 500), not a missing row.
# Raise MAX_ID with the migration that turns the keys into BIGINT.
ID = r"[1-9][0-9]{0,9}"
MAX_ID = 2**31 - 1


def _full(pattern: str, value: object) -> str | None:
    if isinstance(value, str) and re.fullmatch(pattern, value):
        return value
    return None


def valid_fiscal_code(value: object) -> str | None:
    """``value`` if it is a person's codice fiscale as stored: upper case, check character right."""
    code = _full(FISCAL_CODE, value)
    try:
        return code if code is not None and normalize_codice_fiscale(code) == code else None
    except InvalidValue:
        return None


def valid_health_document_id(value: object) -> str | None:
    """``value`` if it is a document id of the regional health record (DOC-BNC-0009)."""
    return _full(HEALTH_DOCUMENT_ID, value)


def valid_notice_code(value: object) -> str | None:
    """``value`` if it is an 18-digit notice code with aux digit 3 and the right check digits."""
    code = _full(NOTICE_CODE, value)
    try:
        return code if code is not None and parse_notice_code(code).code == code else None
    except InvalidNoticeCode:
        return None


def valid_reference(value: object) -> str | None:
    """``value`` if it is a transaction reference in its canonical form (SP-7KQ4-MX2D)."""
    return _full(REFERENCE, value)


def valid_report_number(value: object) -> str | None:
    """``value`` if it is a report number of the fines system (VL-2026-004117)."""
    return _full(REPORT_NUMBER, value)


def _code_with_check(pattern: str, length: int, value: object) -> str | None:
    code = _full(pattern, value)
    if code is None:
        return None
    try:
        normalize_code(code, length)
    except InvalidResumeCode:
        return None
    return code


def valid_resume_code(value: object) -> str | None:
    """``value`` if it is a resume code, compact or grouped, whose check character agrees."""
    return _code_with_check(RESUME_CODE, RESUME_CODE_LENGTH, value)


def valid_session_code(value: object) -> str | None:
    """``value`` if it is a compact session or booking code whose check character agrees."""
    return _code_with_check(SESSION_CODE, SESSION_CODE_LENGTH, value)


def valid_payment_token(value: object) -> str | None:
    """``value`` if it has the form of a payment token."""
    return _full(PAYMENT_TOKEN, value)


def valid_unsubscribe_token(value: object) -> str | None:
    """``value`` if it has the form of a signed unsubscribe token (the signature is not checked)."""
    return _full(UNSUBSCRIBE_TOKEN, value)


def valid_service(value: object) -> str | None:
    """``value`` if it has the form of a service name (the registry says whether it exists)."""
    return _full(SERVICE, value)


def valid_locale(value: object) -> str | None:
    """``value`` if it has the form of a language code."""
    return _full(LOCALE, value)


def valid_id(value: object) -> int | None:
    """The row id written in ``value`` (ASCII digits, 1 to MAX_ID), or None."""
    digits = _full(ID, value)
    if digits is None or int(digits) > MAX_ID:
        return None
    return int(digits)


# --- what people type -----------------------------------------------------------------------


def typed_fiscal_code(text: object) -> str | None:
    """The codice fiscale a person typed (spaces and lower case allowed), canonical, or None."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    return valid_fiscal_code("".join(text.split()).upper())


def _typed_code(text: object, length: int) -> str | None:
    if not isinstance(text, str) or len(text) > 64:
        return None
    try:
        return normalize_code(text, length)
    except InvalidResumeCode:
        return None


def typed_resume_code(text: object) -> str | None:
    """The resume code a person typed or read aloud (separators, case, S/U allowed), compact."""
    return valid_resume_code(_typed_code(text, RESUME_CODE_LENGTH))


def typed_session_code(text: object) -> str | None:
    """The session or booking code a person typed or read aloud, compact, or None."""
    return valid_session_code(_typed_code(text, SESSION_CODE_LENGTH))


# --- routing converters ---------------------------------------------------------------------


class StrictConverter(BaseConverter):
    """A path segment that is exactly of one kind; anything else does not match (404).

    ``to_python`` returns the matched text unchanged; ``to_url`` refuses to build an address
    that the same converter would refuse, so a wrong link fails where it is made.
    """

    check: ClassVar[Any]

    def to_python(self, value: str) -> Any:
        checked = type(self).check(value)
        if checked is None:
            raise ValidationError()
        return checked

    def to_url(self, value: Any) -> str:
        text = str(value)
        if type(self).check(text) is None:
            raise ValueError(f"{text!r} is not a valid {type(self).__name__}")
        return super().to_url(text)


class FiscalCodeConverter(StrictConverter):
    regex = FISCAL_CODE
    check = staticmethod(valid_fiscal_code)


class HealthDocumentConverter(StrictConverter):
    regex = HEALTH_DOCUMENT_ID
    check = staticmethod(valid_health_document_id)


class NoticeCodeConverter(StrictConverter):
    regex = NOTICE_CODE
    check = staticmethod(valid_notice_code)


class ReferenceConverter(StrictConverter):
    regex = REFERENCE
    check = staticmethod(valid_reference)


class ReportNumberConverter(StrictConverter):
    regex = REPORT_NUMBER
    check = staticmethod(valid_report_number)


class ResumeCodeConverter(StrictConverter):
    regex = RESUME_CODE
    check = staticmethod(valid_resume_code)


class SessionCodeConverter(StrictConverter):
    regex = SESSION_CODE
    check = staticmethod(valid_session_code)


class PaymentTokenConverter(StrictConverter):
    regex = PAYMENT_TOKEN
    check = staticmethod(valid_payment_token)


class UnsubscribeTokenConverter(StrictConverter):
    regex = UNSUBSCRIBE_TOKEN
    check = staticmethod(valid_unsubscribe_token)


class ServiceConverter(StrictConverter):
    regex = SERVICE
    check = staticmethod(valid_service)


class LocaleConverter(StrictConverter):
    regex = LOCALE
    check = staticmethod(valid_locale)


class IdConverter(StrictConverter):
    """A row id; the view receives an ``int`` between 1 and MAX_ID."""

    regex = ID
    weight = 50  # like werkzeug's int: a number is tried before a free-form segment
    check = staticmethod(valid_id)

    def to_url(self, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError(f"{value!r} is not a valid id")
        return super().to_url(value)


CONVERTERS: dict[str, type[StrictConverter]] = {
    "fiscal_code": FiscalCodeConverter,
    "health_document": HealthDocumentConverter,
    "notice_code": NoticeCodeConverter,
    "reference": ReferenceConverter,
    "report_number": ReportNumberConverter,
    "resume_code": ResumeCodeConverter,
    "session_code": SessionCodeConverter,
    "payment_token": PaymentTokenConverter,
    "unsubscribe_token": UnsubscribeTokenConverter,
    "service": ServiceConverter,
    "locale": LocaleConverter,
    "id": IdConverter,
}


def init_identifiers(app: Flask) -> None:
    """Make the converters available to the app's routes (before blueprints are registered)."""
    app.url_map.converters.update(CONVERTERS)
