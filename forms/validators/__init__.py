"""Italian validators: each cleans one value or raises `InvalidValue` with a stable code."""

from forms.validators.amount import parse_euro_cents
from forms.validators.basic import clean_choice, clean_text, parse_bool, parse_integer
from forms.validators.codice_fiscale import (
    birth_date_from_codice_fiscale,
    codice_fiscale_check_char,
    decode_omocodia,
    is_valid_codice_fiscale,
    normalize_codice_fiscale,
    sex_from_codice_fiscale,
)
from forms.validators.dates import age_on, check_date_rules, parse_date
from forms.validators.email import normalize_email
from forms.validators.files import clean_file_meta, format_size
from forms.validators.iban import (
    format_iban,
    iban_check_digits,
    is_valid_iban,
    italian_cin,
    normalize_iban,
)
from forms.validators.phone import normalize_phone
from forms.validators.plate import format_plate, normalize_plate

__all__ = [
    "age_on",
    "birth_date_from_codice_fiscale",
    "check_date_rules",
    "clean_choice",
    "clean_file_meta",
    "clean_text",
    "codice_fiscale_check_char",
    "decode_omocodia",
    "format_iban",
    "format_plate",
    "format_size",
    "iban_check_digits",
    "is_valid_codice_fiscale",
    "is_valid_iban",
    "italian_cin",
    "normalize_codice_fiscale",
    "normalize_email",
    "normalize_iban",
    "normalize_phone",
    "normalize_plate",
    "parse_bool",
    "parse_date",
    "parse_euro_cents",
    "parse_integer",
    "sex_from_codice_fiscale",
]
