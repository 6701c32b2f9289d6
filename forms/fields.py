"""Field types: the options each accepts in a definition, how a value is cleaned and displayed.

A cleaned value is what the handler receives: `str`, `int` (amounts in cents), `bool`,
`datetime.date`, or a dict for file metadata. `to_json` turns it into what a draft stores; cleaning
that stored form again gives the same value back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from forms.errors import InvalidValue
from forms.messages import N_, FormLanguage, Money
from forms.validators.amount import parse_euro_cents
from forms.validators.basic import clean_choice, clean_text, parse_bool, parse_integer
from forms.validators.codice_fiscale import normalize_codice_fiscale
from forms.validators.dates import check_date_rules, parse_date
from forms.validators.email import normalize_email
from forms.validators.files import clean_file_meta, format_size
from forms.validators.iban import IBAN_LENGTHS, format_iban, normalize_iban
from forms.validators.phone import PHONE_KINDS, normalize_phone
from forms.validators.plate import PLATE_PATTERNS, format_plate, normalize_plate


@dataclass(frozen=True)
class CleanContext:
    """What cleaning may depend on besides the value: today's date and the allowed choices."""

    today: dt.date
    allowed: Collection[str] = ()


@dataclass(frozen=True)
class Option:
    """A type option in a definition file: how to check it, and its default."""

    check: Callable[[Any], bool]
    expects: str
    default: Any = None
    required: bool = False


def _int(minimum: int) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= minimum


def _any_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _flag(v: Any) -> bool:
    return isinstance(v, bool)


def _subset(allowed: Collection[str]) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, list) and bool(v) and all(x in allowed for x in v)


def _content_types(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, str) and "/" in x for x in v)


@dataclass(frozen=True)
class FieldKind:
    """A field type. `clean` raises `InvalidValue`; `satisfies_required` says if a cleaned value
    counts as an answer (an unticked required checkbox does not)."""

    clean: Callable[[Any, Mapping[str, Any], CleanContext], Any]
    options: Mapping[str, Option] = field(default_factory=dict)
    display: Callable[[Any, FormLanguage], str] = lambda value, lang: str(value)
    to_json: Callable[[Any], Any] = lambda value: value
    unset: Any = None
    satisfies_required: Callable[[Any], bool] = lambda value: True


def _clean_amount(value: Any, opts: Mapping[str, Any], ctx: CleanContext) -> int:
    cents = parse_euro_cents(value)
    if opts.get("min_cents") is not None and cents < opts["min_cents"]:
        raise InvalidValue("amount.min", min=Money(opts["min_cents"]))
    if opts.get("max_cents") is not None and cents > opts["max_cents"]:
        raise InvalidValue("amount.max", max=Money(opts["max_cents"]))
    return cents


def _clean_date(value: Any, opts: Mapping[str, Any], ctx: CleanContext) -> dt.date:
    day = parse_date(value)
    check_date_rules(
        day,
        today=ctx.today,
        not_future=opts.get("not_future", False),
        not_past=opts.get("not_past", False),
        min_age=opts.get("min_age"),
        max_age=opts.get("max_age"),
        min_days_from_today=opts.get("min_days_from_today"),
        max_days_from_today=opts.get("max_days_from_today"),
    )
    return day


def _clean_iban(value: Any, opts: Mapping[str, Any], ctx: CleanContext) -> str:
    if not isinstance(value, str):
        raise InvalidValue("iban.format")
    iban = normalize_iban(value)
    if opts.get("countries") and iban[:2] not in opts["countries"]:
        raise InvalidValue("iban.country", country=iban[:2])
    return iban


def _str_only(code: str, func: Callable[[str], str]) -> Callable[[Any], str]:
    def clean(value: Any) -> str:
        if not isinstance(value, str):
            raise InvalidValue(code)
        return func(value)

    return clean


_cf = _str_only("cf.format", normalize_codice_fiscale)
_email = _str_only("email.format", normalize_email)

# How a yes/no answer reads (translated when shown).
YES, NO = N_("Yes"), N_("No")

_TEXT_OPTIONS = {"min_length": Option(_int(0), "an integer >= 0", 0)}

FIELD_KINDS: dict[str, FieldKind] = {
    "text": FieldKind(
        clean=lambda v, o, c: clean_text(v, max_length=o["max_length"], min_length=o["min_length"]),
        options={"max_length": Option(_int(1), "an integer >= 1", 200), **_TEXT_OPTIONS},
    ),
    "textarea": FieldKind(
        clean=lambda v, o, c: clean_text(
            v, max_length=o["max_length"], min_length=o["min_length"], multiline=True
        ),
        options={"max_length": Option(_int(1), "an integer >= 1", 2000), **_TEXT_OPTIONS},
    ),
    "email": FieldKind(clean=lambda v, o, c: _email(v)),
    "phone": FieldKind(
        clean=lambda v, o, c: _str_only("phone.format", lambda s: normalize_phone(s, o["kind"]))(v),
        options={"kind": Option(lambda v: v in PHONE_KINDS, f"one of {PHONE_KINDS}", "any")},
    ),
    "codice_fiscale": FieldKind(clean=lambda v, o, c: _cf(v)),
    "plate": FieldKind(
        clean=lambda v, o, c: _str_only(
            "plate.format", lambda s: normalize_plate(s, o["vehicles"])
        )(v),
        options={
            "vehicles": Option(
                _subset(PLATE_PATTERNS), f"a list of {sorted(PLATE_PATTERNS)}", ["auto"]
            )
        },
        display=lambda v, lang: format_plate(v),
    ),
    "iban": FieldKind(
        clean=_clean_iban,
        options={"countries": Option(_subset(IBAN_LENGTHS), "a list of IBAN country codes")},
        display=lambda v, lang: format_iban(v),
    ),
    "date": FieldKind(
        clean=_clean_date,
        options={
            "not_future": Option(_flag, "true or false", False),
            "not_past": Option(_flag, "true or false", False),
            "min_age": Option(_int(0), "an integer >= 0"),
            "max_age": Option(_int(0), "an integer >= 0"),
            "min_days_from_today": Option(_any_int, "an integer"),
            "max_days_from_today": Option(_any_int, "an integer"),
        },
        display=lambda v, lang: lang.date(v),
        to_json=lambda v: v.isoformat(),
    ),
    "amount": FieldKind(
        clean=_clean_amount,
        options={
            "min_cents": Option(_int(0), "an integer >= 0"),
            "max_cents": Option(_int(0), "an integer >= 0"),
        },
        display=lambda v, lang: lang.money(v),
    ),
    "integer": FieldKind(
        clean=lambda v, o, c: parse_integer(v, minimum=o.get("min"), maximum=o.get("max")),
        options={"min": Option(_any_int, "an integer"), "max": Option(_any_int, "an integer")},
    ),
    "choice": FieldKind(clean=lambda v, o, c: clean_choice(v, c.allowed)),
    "boolean": FieldKind(
        clean=lambda v, o, c: parse_bool(v),
        display=lambda v, lang: lang.gettext(YES if v else NO),
        unset=False,
        satisfies_required=lambda v: v is True,
    ),
    "file": FieldKind(
        clean=lambda v, o, c: clean_file_meta(v, accept=o["accept"], max_size=o["max_size"]),
        options={
            "accept": Option(_content_types, "a list of content types", required=True),
            "max_size": Option(_int(1), "a size in bytes", required=True),
        },
        display=lambda v, lang: f"{v['name']} ({format_size(v['size'])})",
    ),
}

# Types a condition may test: their values are few and known.
CONDITION_TYPES = frozenset({"choice", "boolean"})
