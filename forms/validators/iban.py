"""IBAN (ISO 13616): country length table, MOD 97-10 check digits, Italian CIN.

An Italian (and Sammarinese) IBAN is 27 characters: IT, 2 check digits, CIN (1 letter), ABI
(5 digits), CAB (5 digits), account number (12 letters or digits). The CIN is a national check
letter over ABI+CAB+account computed with the same odd/even tables as the codice fiscale; we check
it too, so a typo in those 22 characters is caught twice. Other countries are checked for length
and MOD 97 only, not for the layout of their national part.
"""

from __future__ import annotations

import re

from forms.errors import InvalidValue
from forms.validators.codice_fiscale import EVEN_VALUES, ODD_VALUES

# Total IBAN length per country (SWIFT IBAN registry).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip
_CIN_COUNTRIES = ("IT", "SM")
_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]+")
_ITALIAN_BBAN = re.compile(r"[A-Z][0-9]{10}[A-Z0-9]{12}")


def _mod97(text: str) -> int:
    # Letters count as 10..35 (int(c, 36) does exactly that for digits and letters).
    return int("".join(str(int(c, 36)) for c in text)) % 97


def iban_check_digits(country: str, bban: str) -> str:
    """The two check digits for a national account number (BBAN) of `country`."""
    return f"{98 - _mod97(bban + country + '00'):02d}"


def italian_cin(abi_cab_account: str) -> str:
    """CIN letter of an Italian account: ABI (5) + CAB (5) + account number (12)."""
    if len(abi_cab_account) != 22:
        raise ValueError("the CIN is computed on exactly 22 characters")
    total = sum(
        ODD_VALUES[c] if i % 2 == 0 else EVEN_VALUES[c] for i, c in enumerate(abi_cab_account)
    )
    return chr(ord("A") + total % 26)


def normalize_iban(value: str) -> str:
    """Return the IBAN in electronic form (upper case, no spaces) or raise `InvalidValue`.

    Codes: `iban.format`, `iban.country`, `iban.length`, `iban.checksum`, `iban.national_check`.
    The prefix "IBAN" that people copy from statements is dropped.
    """
    iban = "".join(value.split()).replace("-", "").upper()
    iban = iban.removeprefix("IBAN")
    if not _SHAPE.fullmatch(iban):
        raise InvalidValue("iban.format")
    country = iban[:2]
    expected = IBAN_LENGTHS.get(country)
    if expected is None:
        raise InvalidValue("iban.country", country=country)
    if len(iban) != expected:
        raise InvalidValue("iban.length", expected=expected, length=len(iban))
    if country in _CIN_COUNTRIES and not _ITALIAN_BBAN.fullmatch(iban[4:]):
        raise InvalidValue("iban.format")
    if _mod97(iban[4:] + iban[:4]) != 1:
        raise InvalidValue("iban.checksum")
    if country in _CIN_COUNTRIES and italian_cin(iban[5:]) != iban[4]:
        raise InvalidValue("iban.national_check")
    return iban


def is_valid_iban(value: str) -> bool:
    """True if `value` normalises to a valid IBAN."""
    try:
        normalize_iban(value)
    except InvalidValue:
        return False
    return True


def format_iban(iban: str) -> str:
    """Print form: groups of four characters."""
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
