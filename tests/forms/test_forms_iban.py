import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from forms.errors import InvalidValue
from forms.validators.iban import (
    format_iban,
    iban_check_digits,
    is_valid_iban,
    italian_cin,
    normalize_iban,
)

from .forms_reference import ibans, ref_iban


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IT60X0542811101000000123456", "IT60X0542811101000000123456"),
        ("IT60 X054 2811 1010 0000 0123 456", "IT60X0542811101000000123456"),
        ("it60x0542811101000000123456", "IT60X0542811101000000123456"),
        ("IBAN IT60X0542811101000000123456", "IT60X0542811101000000123456"),
        ("SM86U0322509800000000270100", "SM86U0322509800000000270100"),
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("GB82WEST12345698765432", "GB82WEST12345698765432"),
        ("FR1420041010050500013M02606", "FR1420041010050500013M02606"),
        ("NL91ABNA0417164300", "NL91ABNA0417164300"),
        ("BE68539007547034", "BE68539007547034"),
        ("CH9300762011623852957", "CH9300762011623852957"),
        ("ES9121000418450200051332", "ES9121000418450200051332"),
        ("AT611904300234573201", "AT611904300234573201"),
        ("NO9386011117947", "NO9386011117947"),
        ("MT84MALT011000012345MTLCAST001S", "MT84MALT011000012345MTLCAST001S"),
    ],
)
def test_valid_ibans(text, expected):
    assert normalize_iban(text) == expected


# An Italian IBAN whose MOD 97 digits are right but whose CIN is not (Y instead of X).
WRONG_CIN = ref_iban("IT", "Y0542811101000000123456")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("IT61X0542811101000000123456", "iban.checksum"),
        ("IT60X0542811101000000123457", "iban.checksum"),
        ("DE89370400440532013001", "iban.checksum"),
        ("GB82WEST12345698765433", "iban.checksum"),
        ("IT60X054281110100000012345", "iban.length"),
        ("DE8937040044053201300", "iban.length"),
        ("XX60X0542811101000000123456", "iban.country"),
        ("IT6OX0542811101000000123456", "iban.format"),  # letter O among the check digits
        ("IT60X05428111010000001234$6", "iban.format"),
        ("IT6010542811101000000123456", "iban.format"),  # CIN must be a letter
        ("", "iban.format"),
        (WRONG_CIN, "iban.national_check"),
    ],
)
def test_invalid_ibans(text, code):
    with pytest.raises(InvalidValue) as err:
        normalize_iban(text)
    assert err.value.code == code


def test_italian_parts():
    assert italian_cin("0542811101000000123456") == "X"
    assert iban_check_digits("IT", "X0542811101000000123456") == "60"
    assert format_iban("IT60X0542811101000000123456") == "IT60 X054 2811 1010 0000 0123 456"


@given(ibans())
@settings(max_examples=200)
def test_generated_ibans_validate(iban):
    assert normalize_iban(format_iban(iban).lower()) == iban


@given(ibans(), st.data())
@settings(max_examples=300)
def test_any_single_digit_change_is_caught(iban, data):
    digits = [i for i in range(2, len(iban)) if iban[i].isdigit()]
    position = data.draw(st.sampled_from(digits))
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != iban[position]]))
    assert not is_valid_iban(iban[:position] + new + iban[position + 1 :])


@given(ibans(), st.data())
@settings(max_examples=300)
def test_adjacent_transposition_is_caught(iban, data):
    pairs = [
        i
        for i in range(2, len(iban) - 1)
        if iban[i].isdigit() and iban[i + 1].isdigit() and iban[i] != iban[i + 1]
    ]
    assume(pairs)
    i = data.draw(st.sampled_from(pairs))
    swapped = iban[:i] + iban[i + 1] + iban[i] + iban[i + 2 :]
    assert not is_valid_iban(swapped)
