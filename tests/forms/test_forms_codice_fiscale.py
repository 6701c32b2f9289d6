import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forms.errors import InvalidValue
from forms.validators.codice_fiscale import (
    birth_date_from_codice_fiscale,
    codice_fiscale_check_char,
    decode_omocodia,
    is_valid_codice_fiscale,
    normalize_codice_fiscale,
    sex_from_codice_fiscale,
)

from .forms_reference import (
    OMOCODIA_POSITIONS,
    codici_fiscali,
    omocodic,
    ref_cf_check,
)

# The demo cast, with birth data as the registry knows it.
DEMO_CAST = [
    ("RSSMRA80A01H501U", dt.date(1980, 1, 1), "M"),
    ("RSSSFO12P50H501K", dt.date(2012, 9, 10), "F"),
    ("RSSMRC15D22H501V", dt.date(2015, 4, 22), "M"),
    ("BNCGLI85C55F205C", dt.date(1985, 3, 15), "F"),
    ("VRDLCU90L20F839Q", dt.date(1990, 7, 20), "M"),
    ("SPSNNA75S70L219W", dt.date(1975, 11, 30), "F"),
    ("FRRPLA70E12A944T", dt.date(1970, 5, 12), "M"),
    ("RMNCHR95B68D612V", dt.date(1995, 2, 28), "F"),
    ("CNTGPP62M10G273O", dt.date(1962, 8, 10), "M"),
    ("GLLFNC48T47C351T", dt.date(1948, 12, 7), "F"),
]
TODAY = dt.date(2026, 11, 23)
CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@pytest.mark.parametrize(("cf", "born", "sex"), DEMO_CAST)
def test_demo_cast_is_valid_and_decodes(cf, born, sex):
    assert normalize_codice_fiscale(cf) == cf
    assert birth_date_from_codice_fiscale(cf, today=TODAY) == born
    assert sex_from_codice_fiscale(cf) == sex


@pytest.mark.parametrize(
    "cf",
    [
        "RSSMRA80A01H50MM",  # omocodia on the last digit
        "RSSMRA80A01H5LMX",  # on the last two
        "RSSMRAULALMHRLMD",  # on all seven
    ],
)
def test_omocodic_variants_of_mario_rossi(cf):
    assert is_valid_codice_fiscale(cf)
    assert decode_omocodia(cf) == "RSSMRA80A01H501U"
    assert birth_date_from_codice_fiscale(cf, today=TODAY) == dt.date(1980, 1, 1)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("RSSMRA80A01H501V", "cf.check_char"),
        ("RSSMRA80A01H501", "cf.length"),
        ("RSSMRA80A01H501UX", "cf.length"),
        ("", "cf.length"),
        ("RSSMRA8XA01H501U", "cf.format"),  # X is neither a digit nor an omocodia letter
        ("1SSMRA80A01H501U", "cf.format"),
        ("RSSMRA80A01H5011", "cf.format"),
        ("RSSMRA80F01H501U", "cf.month"),  # F is not a month letter
        ("RSSMRA80A32H501U", "cf.day"),
        ("RSSMRA80A00H501U", "cf.day"),
        ("RSSMRA80A40H501U", "cf.day"),
        ("RSSMRA80A72H501U", "cf.day"),
        ("RSSMRA80B30H501U", "cf.day"),  # 30 February
        ("RSSMRA80D31H501U", "cf.day"),  # 31 April
    ],
)
def test_invalid_codes_report_their_rule(text, code):
    with pytest.raises(InvalidValue) as err:
        normalize_codice_fiscale(text)
    assert err.value.code == code
    assert not is_valid_codice_fiscale(text)


@pytest.mark.parametrize(
    "text", [" rssmra80a01h501u ", "RSS MRA 80A01 H501U", "rssMRA80a01H501u\n"]
)
def test_lower_case_and_spaces_are_normalised(text):
    assert normalize_codice_fiscale(text) == "RSSMRA80A01H501U"


def test_women_days_and_leap_day():
    assert sex_from_codice_fiscale("RSSSFO12P50H501K") == "F"
    leap = omocodic("RSSMRA00B29H501X", frozenset())  # 29 Feb 2000
    assert birth_date_from_codice_fiscale(leap, today=TODAY) == dt.date(2000, 2, 29)
    not_leap = omocodic("RSSMRA01B29H501X", frozenset())  # 29 Feb 2001 does not exist
    with pytest.raises(InvalidValue) as err:
        birth_date_from_codice_fiscale(not_leap, today=TODAY)
    assert err.value.code == "cf.day"


def test_century_is_the_latest_not_in_the_future():
    born_26 = omocodic("RSSMRA26T31H501X", frozenset())  # 31 Dec ..26
    assert birth_date_from_codice_fiscale(born_26, today=TODAY) == dt.date(1926, 12, 31)
    assert birth_date_from_codice_fiscale(born_26, today=dt.date(2027, 1, 1)) == dt.date(
        2026, 12, 31
    )


@given(codici_fiscali())
@settings(max_examples=300)
def test_every_generated_code_is_valid(cf):
    assert normalize_codice_fiscale(cf) == cf
    assert codice_fiscale_check_char(cf[:15]) == ref_cf_check(cf[:15])


@given(codici_fiscali(), st.integers(0, 15), st.sampled_from(CHARS))
@settings(max_examples=500)
def test_any_single_character_change_is_caught(cf, position, char):
    if cf[position] == char:
        char = CHARS[(CHARS.index(char) + 1) % len(CHARS)]
    changed = cf[:position] + char + cf[position + 1 :]
    assert not is_valid_codice_fiscale(changed)


@given(codici_fiscali(omocodia=False), st.sets(st.sampled_from(OMOCODIA_POSITIONS), min_size=1))
@settings(max_examples=200)
def test_omocodia_variants_are_valid_and_decode_to_the_base(cf, positions):
    variant = omocodic(cf, positions)
    assert variant != cf
    assert is_valid_codice_fiscale(variant)
    assert decode_omocodia(variant) == cf
    assert sex_from_codice_fiscale(variant) == sex_from_codice_fiscale(cf)
