"""The public body (the *ente*) that runs the gateway, as data.

One ``Ente`` record holds everything that names the body: its name, IPA code, creditor fiscal
code and CBILL code for pagoPA, address, contacts, logo, legal pages and the Organization of
its SPID and CIE metadata. It is read from a YAML or TOML file (``SPORTELLO_ENTE_FILE``) and
from ``SPORTELLO_ENTE_<FIELD>`` variables, which win over the file (``SPORTELLO_ENTE_NAME``,
``SPORTELLO_ENTE_CONTACTS_EMAIL``: the field's dotted name in capitals with ``_``). Without a
file the demo municipality's record (``demo/ente.yaml``) is the base; production refuses any
of its values that are left (``demo_value``).

Every part of the gateway reaches the body through ``current_ente()`` (the request's or the
job's application context), never through a module constant, so that one installation can
later serve several bodies; the libraries receive its values as parameters.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from printing.codes import parse_creditor_fiscal_code
from printing.errors import CodeError, DocumentDataError
from printing.logos import load_logo

DEMO_FILE = Path(__file__).parent / "demo" / "ente.yaml"
DEMO_LOGO = Path(__file__).parent / "static" / "img" / "ente-demo.svg"
ENV_PREFIX = "SPORTELLO_ENTE_"
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
LOGO_MAX_BYTES = 512 * 1024


class EnteError(ValueError):
    """The body's record cannot be used; the message names the field in one line."""


@dataclass(frozen=True)
class Address:
    """The body's seat. ``municipality_code`` is the cadastral (Belfiore) code of its comune,
    as ``H501`` for Rome: the CIE federation registers it."""

    street: str
    postal_code: str
    city: str
    province: str
    municipality_code: str
    country: str = "IT"

    def one_line(self) -> str:
        return f"{self.street}, {self.postal_code} {self.city} ({self.province})"


@dataclass(frozen=True)
class Contacts:
    """How citizens reach the body: ``phone`` as printed (``0123 456789``)."""

    email: str
    website: str
    phone: str = ""
    pec: str = ""


@dataclass(frozen=True)
class Organization:
    """The ``md:Organization`` and the ContactPerson of the SPID and CIE metadata."""

    name: str
    display_name: str
    url: str
    contact_email: str
    contact_phone: str  # "+39..." without spaces, as SPID wants it


@dataclass(frozen=True)
class LegalPages:
    """The body's own pages; an empty URL means the gateway's built-in page."""

    privacy_url: str = ""
    accessibility_url: str = ""
    legal_notes_url: str = ""


@dataclass(frozen=True)
class Ente:
    """One public body. ``names`` holds its name in other languages (``{"en": ...}``);
    ``unit`` is the creditor unit printed on notices when a service names none; ``office``
    the public relations office named with the contacts; ``parent_name``/``parent_url`` the
    administration above it shown at the top of every page (optional)."""

    name: str
    ipa_code: str
    creditor_fiscal_code: str
    cbill_code: str
    address: Address
    contacts: Contacts
    organization: Organization
    names: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    unit: str = ""
    office: str = ""
    postal_account: str = ""
    vat_number: str = ""
    ipa_category: str = "L6"
    logo: str = str(DEMO_LOGO)
    parent_name: str = ""
    parent_url: str = ""
    legal: LegalPages = field(default_factory=LegalPages)

    def shown_name(self, locale: str | None) -> str:
        """The name in ``locale`` when the record gives one, else the official name."""
        return self.names.get(locale or "", self.name)

    @property
    def logo_type(self) -> str:
        return LOGO_TYPES[Path(self.logo).suffix.lower()]


# --- checks of single values: each returns the value to keep or raises ValueError ---------


def _text(limit: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("is empty")
        if len(value) > limit:
            raise ValueError(f"is longer than {limit} characters")
        if any(ord(c) < 32 for c in value):
            raise ValueError("contains control characters")
        return value

    return check


def _pattern(regex: str, what: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        value = value.strip()
        if not re.fullmatch(regex, value):
            raise ValueError(f"must be {what}: {value!r}")
        return value

    return check


def _fiscal_code(value: str) -> str:
    try:
        return parse_creditor_fiscal_code(value.strip())
    except CodeError as e:
        raise ValueError(
            f"must be the body's 11-digit fiscal code with its check digit: {e}"
        ) from e


def _vat_number(value: str) -> str:
    value = value.strip()
    digits = value[2:] if value.startswith("IT") else ""
    try:
        parse_creditor_fiscal_code(digits)
    except CodeError as e:
        raise ValueError(f"must be IT + 11 digits with the check digit: {value!r}") from e
    return value


def _url(value: str) -> str:
    value = value.strip()
    if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\s\"'<>]*)?", value):
        raise ValueError(f"must be an absolute http(s) URL: {value!r}")
    return value


EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+"
_email = _pattern(EMAIL, "an e-mail address")
_phone = _pattern(
    r"\+?[0-9][0-9 ]{4,18}[0-9]", "a phone number (digits and spaces, like 0123 456789)"
)
_spid_phone = _pattern(r"\+39[0-9]{6,12}", "+39 and the number without spaces (SPID)")


@dataclass(frozen=True)
class _Field:
    check: Callable[[str], str]
    required: bool = True


FIELDS: dict[str, _Field] = {
    "name": _Field(_text(200)),
    "ipa_code": _Field(_pattern(r"[a-z0-9][a-z0-9_]{1,19}", "the IPA code in lower case (c_h501)")),
    "creditor_fiscal_code": _Field(_fiscal_code),
    "cbill_code": _Field(_pattern(r"[A-Z0-9]{5}", "5 capital letters or digits")),
    "unit": _Field(_text(200), required=False),
    "office": _Field(_text(200), required=False),
    "postal_account": _Field(_pattern(r"[0-9]{6,12}", "the postal account's 6-12 digits"), False),
    "vat_number": _Field(_vat_number, required=False),
    "ipa_category": _Field(_pattern(r"[A-Z0-9]{1,8}", "an IPA category code (L6)"), False),
    "logo": _Field(_text(500), required=False),
    "parent_name": _Field(_text(200), required=False),
    "parent_url": _Field(_url, required=False),
    "address.street": _Field(_text(200)),
    "address.postal_code": _Field(_pattern(r"[0-9]{5}", "a 5-digit postal code (CAP)")),
    "address.city": _Field(_text(100)),
    "address.province": _Field(_pattern(r"[A-Z]{2}", "the province's two capital letters")),
    "address.municipality_code": _Field(
        _pattern(r"[A-Z][0-9]{3}", "the comune's cadastral code (H501)")
    ),
    "address.country": _Field(_pattern(r"[A-Z]{2}", "ISO 3166-1 alpha-2 (IT)"), required=False),
    "contacts.email": _Field(_email),
    "contacts.website": _Field(_url),
    "contacts.phone": _Field(_phone, required=False),
    "contacts.pec": _Field(_email, required=False),
    "organization.name": _Field(_text(200), required=False),
    "organization.display_name": _Field(_text(200), required=False),
    "organization.url": _Field(_url, required=False),
    "organization.contact_email": _Field(_email, required=False),
    "organization.contact_phone": _Field(_spid_phone, required=False),
    "legal.privacy_url": _Field(_url, required=False),
    "legal.accessibility_url": _Field(_url, required=False),
    "legal.legal_notes_url": _Field(_url, required=False),
}
NAMES_FIELD = "names"  # a table of language code -> name
# What production accepts from the demo's record: values a real body may share with it (a
# "Piazza del Municipio 1", an "Ufficio Relazioni con il Pubblico"); the logo is the default.
SHAREABLE = {"address.country", "address.street", "ipa_category", "logo", "office", "unit"}


def environment_names() -> dict[str, str]:
    """The variable of each field: ``SPORTELLO_ENTE_`` + the dotted name, ``.`` as ``_``."""
    return {name: ENV_PREFIX + name.replace(".", "_").upper() for name in FIELDS}


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(key, str):
            raise EnteError(f"{prefix}{key!r}: field names are text")
        name = prefix + key
        if name == NAMES_FIELD:
            flat[name] = value
        elif isinstance(value, Mapping):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def read_file(path: Path) -> dict[str, Any]:
    """The fields of a YAML (``.yaml``, ``.yml``) or TOML (``.toml``) file, flattened."""
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise EnteError(f"cannot be read: {e}") from e
    try:
        if suffix in (".yaml", ".yml"):
            data = yaml.safe_load(text)
        elif suffix == ".toml":
            data = tomllib.loads(text)
        else:
            raise EnteError("must end in .yaml, .yml or .toml")
    except (yaml.YAMLError, tomllib.TOMLDecodeError) as e:
        detail = " ".join(str(e).split())
        raise EnteError(f"is not valid {suffix[1:].upper()}: {detail}") from e
    if not isinstance(data, Mapping):
        raise EnteError("must hold a table of fields (name: ..., ipa_code: ...)")
    return _flatten(data)


def build_ente(values: Mapping[str, Any], *, base_dir: Path | None = None) -> Ente:
    """The record from flattened ``values``: unknown, missing or malformed fields refused
    (``EnteError`` naming the field); organization fields default to the body's own."""
    unknown = sorted(set(values) - set(FIELDS) - {NAMES_FIELD})
    if unknown:
        raise EnteError(f"{unknown[0]}: unknown field (known: {', '.join(FIELDS)}, names)")
    checked: dict[str, str] = {}
    for name, spec in FIELDS.items():
        raw = values.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip() and not spec.required):
            if spec.required:
                raise EnteError(f"{name}: is required")
            continue
        if not isinstance(raw, str):
            # YAML reads 01234 as a number (and 0123 as octal): codes must be quoted.
            raise EnteError(f"{name}: must be text, not {type(raw).__name__} (quote it)")
        try:
            checked[name] = spec.check(str(raw))
        except ValueError as e:
            raise EnteError(f"{name}: {e}") from e
    names = _names(values.get(NAMES_FIELD))
    checked["logo"] = _logo(checked.get("logo"), base_dir)
    organization = Organization(
        name=checked.get("organization.name", checked["name"]),
        display_name=checked.get("organization.display_name", checked["name"]),
        url=checked.get("organization.url", checked["contacts.website"]),
        contact_email=checked.get("organization.contact_email", checked["contacts.email"]),
        contact_phone=checked.get("organization.contact_phone")
        or _spid_phone_of(checked.get("contacts.phone", "")),
    )

    def group(prefix: str) -> dict[str, str]:
        return {k.split(".", 1)[1]: v for k, v in checked.items() if k.startswith(prefix + ".")}

    top: dict[str, Any] = {k: v for k, v in checked.items() if "." not in k}
    return Ente(
        **top,
        address=Address(**group("address")),
        contacts=Contacts(**group("contacts")),
        legal=LegalPages(**group("legal")),
        organization=organization,
        names=MappingProxyType(names),
    )


def _names(raw: Any) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise EnteError(f"{NAMES_FIELD}: must be a table of language code -> name (en: ...)")
    names = {}
    for code, value in raw.items():
        if not isinstance(code, str) or not re.fullmatch(r"[a-z]{2,3}", code):
            raise EnteError(f"{NAMES_FIELD}: {code!r} is not a language code (en)")
        if not isinstance(value, str):
            raise EnteError(f"{NAMES_FIELD}.{code}: must be text")
        try:
            names[code] = _text(200)(value)
        except ValueError as e:
            raise EnteError(f"{NAMES_FIELD}.{code}: {e}") from e
    return names


def _logo(value: str | None, base_dir: Path | None) -> str:
    if value is None:
        return str(DEMO_LOGO)
    path = Path(value)
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    if path.suffix.lower() not in LOGO_TYPES:
        raise EnteError(f"logo: must be an .svg or .png file: {value!r}")
    if not path.is_file():
        raise EnteError(f"logo: no such file: {str(path)!r}")
    if path.stat().st_size > LOGO_MAX_BYTES:
        raise EnteError(f"logo: larger than {LOGO_MAX_BYTES // 1024} KiB: {str(path)!r}")
    try:
        load_logo(path)  # the notices print it: refuse at start-up what they could not draw
    except DocumentDataError as e:
        raise EnteError(f"logo: {e}") from e
    return str(path.resolve())


def _spid_phone_of(phone: str) -> str:
    digits = phone.replace(" ", "")
    if not digits:
        raise EnteError("organization.contact_phone: is required when contacts.phone is not set")
    return digits if digits.startswith("+") else "+39" + digits


def load_ente(path: str | None, environ: Mapping[str, str]) -> Ente:
    """The record from the file at ``path`` (the demo's when None) and the environment.

    Errors are one line naming the file or variable and the field.
    """
    source = Path(path) if path else DEMO_FILE
    where = f"SPORTELLO_ENTE_FILE={path!r}" if path else "the demo's ente.yaml"
    overrides = {name: environ[var] for name, var in environment_names().items() if var in environ}
    if not path and not overrides:
        return demo_ente()
    try:
        values = read_file(source)
    except EnteError as e:
        raise EnteError(f"{where}: {e}") from e
    if not path and "name" in overrides:
        values.pop(NAMES_FIELD, None)  # the demo's translations are of the demo's name
    values.update(overrides)
    try:
        return build_ente(values, base_dir=source.parent)
    except EnteError as e:
        field_name = str(e).split(":", 1)[0]
        variable = environment_names().get(field_name)
        origin = variable if field_name in overrides and variable else where
        raise EnteError(f"{origin}: {e}") from e


@cache
def demo_ente() -> Ente:
    """The demo municipality (Comune di Villanova, fictional)."""
    return build_ente(read_file(DEMO_FILE), base_dir=DEMO_FILE.parent)


def _leaves(value: Any, prefix: str = "") -> dict[str, Any]:
    if is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in fields(value):
            out.update(_leaves(getattr(value, f.name), prefix + f.name + "."))
        return out
    return {prefix.rstrip("."): value}


def demo_value(ente: Ente) -> str | None:
    """The first field of ``ente`` that still holds the demo's value (None: none does)."""
    demo = _leaves(demo_ente())
    for name, value in _leaves(ente).items():
        if name in SHAREABLE or name == NAMES_FIELD or not value:
            continue
        if value == demo.get(name):
            return name
    for code, value in ente.names.items():
        if demo_ente().names.get(code) == value:
            return f"{NAMES_FIELD}.{code}"
    return None


def current_ente() -> Ente:
    """The body the current request or job works for (today: the installation's one)."""
    from flask import current_app, g

    chosen = g.get("ente")
    if isinstance(chosen, Ente):
        return chosen
    ente: Ente = current_app.config["SPORTELLO"].ente
    return ente


def getattr_path(ente: Ente, dotted: str) -> Any:
    """The value of a dotted field name (``contacts.email``; ``names.en``)."""
    value: Any = ente
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, Mapping) else getattr(value, part)
    return value
