"""Independent reference computations and hypothesis strategies for the forms tests.

The tables are typed in again from the official descriptions rather than imported, so that a
mistake in `forms.validators` cannot hide behind the same mistake here.
"""

from __future__ import annotations

import string

from hypothesis import strategies as st

# Agenzia delle Entrate, check character of the codice fiscale: "caratteri dispari".
CF_ODD = {
    "0": 1, "1": 0, "2": 5, "3": 7, "4": 9, "5": 13, "6": 15, "7": 17, "8": 19, "9": 21,
    "A": 1, "B": 0, "C": 5, "D": 7, "E": 9, "F": 13, "G": 15, "H": 17, "I": 19, "J": 21,
    "K": 2, "L": 4, "M": 18, "N": 20, "O": 11, "P": 3, "Q": 6, "R": 8, "S": 12, "T": 14,
    "U": 16, "V": 10, "W": 22, "X": 25, "Y": 24, "Z": 23,
}  # fmt: skip
CF_EVEN = {
    c: (int(c) if c.isdigit() else ord(c) - 65) for c in string.digits + string.ascii_uppercase
}
MONTHS = {"A": 31, "B": 28, "C": 31, "D": 30, "E": 31, "H": 30, "L": 31, "M": 31, "P": 30,
          "R": 31, "S": 30, "T": 31}  # fmt: skip
OMOCODIA = "LMNPQRSTUV"
OMOCODIA_POSITIONS = (6, 7, 9, 10, 12, 13, 14)


def ref_cf_check(first15: str) -> str:
    odd = sum(CF_ODD[c] for c in first15[0::2])
    even = sum(CF_EVEN[c] for c in first15[1::2])
    return chr(65 + (odd + even) % 26)


def with_check(first15: str) -> str:
    return first15 + ref_cf_check(first15)


def omocodic(cf: str, positions: set[int] | frozenset[int]) -> str:
    chars = list(cf[:15])
    for p in positions:
        chars[p] = OMOCODIA[int(chars[p])]
    return with_check("".join(chars))


@st.composite
def codici_fiscali(draw: st.DrawFn, omocodia: bool = True) -> str:
    names = draw(st.text(alphabet=string.ascii_uppercase, min_size=6, max_size=6))
    year = draw(st.integers(0, 99))
    month = draw(st.sampled_from(sorted(MONTHS)))
    day = draw(st.integers(1, MONTHS[month])) + draw(st.sampled_from([0, 40]))
    place = draw(st.sampled_from(string.ascii_uppercase)) + f"{draw(st.integers(0, 999)):03d}"
    cf = with_check(f"{names}{year:02d}{month}{day:02d}{place}")
    if omocodia:
        cf = omocodic(cf, draw(st.sets(st.sampled_from(OMOCODIA_POSITIONS))))
    return cf


def ref_mod97(text: str) -> int:
    # Piecewise, as ISO 7064 describes it for long numbers: a few digits at a time.
    digits = "".join(str(int(c, 36)) for c in text)
    remainder = 0
    for i in range(0, len(digits), 7):
        remainder = int(f"{remainder}{digits[i : i + 7]}") % 97
    return remainder


def ref_iban(country: str, bban: str) -> str:
    check = 98 - ref_mod97(bban + country + "00")
    return f"{country}{check:02d}{bban}"


def ref_cin(abi_cab_account: str) -> str:
    # Same odd/even tables as the codice fiscale, over ABI + CAB + account.
    odd = sum(CF_ODD[c] for c in abi_cab_account[0::2])
    even = sum(CF_EVEN[c] for c in abi_cab_account[1::2])
    return chr(65 + (odd + even) % 26)


# Lengths of a few countries' IBANs (SWIFT registry), with digit-only national parts.
SOME_LENGTHS = {"DE": 22, "FR": 27, "ES": 24, "AT": 20, "BE": 16, "NO": 15, "PT": 25, "PL": 28}


@st.composite
def ibans(draw: st.DrawFn) -> str:
    country = draw(st.sampled_from(["IT", *SOME_LENGTHS]))
    if country == "IT":
        national = draw(st.text(alphabet=string.digits, min_size=10, max_size=10))
        account = draw(st.text(alphabet=string.digits + string.ascii_uppercase, min_size=12,
                               max_size=12))  # fmt: skip
        return ref_iban("IT", ref_cin(national + account) + national + account)
    size = SOME_LENGTHS[country] - 4
    return ref_iban(country, draw(st.text(alphabet=string.digits, min_size=size, max_size=size)))
