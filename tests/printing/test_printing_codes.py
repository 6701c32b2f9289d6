"""pagoPA notice codes, creditor fiscal codes and the QR payload: tables and properties."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from printing.codes import (
    NOTICE_CHECK_MODULUS,
    build_payment_payload,
    check_creditor_fiscal_code,
    check_notice_code,
    format_notice_code,
    make_creditor_fiscal_code,
    make_notice_code,
    parse_creditor_fiscal_code,
    parse_notice_code,
    parse_payment_payload,
)
from printing.errors import (
    CodeError,
    InvalidFiscalCode,
    InvalidNoticeCode,
    InvalidPaymentPayload,
)

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)
segregations = st.text(alphabet="0123456789", min_size=2, max_size=2)
bases = st.text(alphabet="0123456789", min_size=13, max_size=13)
first_tens = st.text(alphabet="0123456789", min_size=10, max_size=10)


def substitutions(code: str) -> list[str]:
    """Every code that differs from `code` in exactly one digit."""
    return [
        code[:i] + d + code[i + 1 :] for i in range(len(code)) for d in "0123456789" if d != code[i]
    ]


def adjacent_transpositions(code: str) -> list[tuple[int, str]]:
    """Every swap of two neighbouring digits that changes the code, with its position."""
    return [
        (i, code[:i] + code[i + 1] + code[i] + code[i + 2 :])
        for i in range(len(code) - 1)
        if code[i] != code[i + 1]
    ]


# --- notice code: tables -------------------------------------------------------------------

# Check digits worked out with integer arithmetic: 3000000000000000 = 93 * 32258064516129 + 3.
GOOD_NOTICE_CODES = [
    ("00", "0000000000000", "300000000000000003"),
    ("99", "9999999999999", "399999999999999903"),
    ("49", "1234567890123", "349123456789012376"),
    ("01", "2026000012345", "301202600001234571"),
]


@pytest.mark.parametrize(("segregation", "base", "expected"), GOOD_NOTICE_CODES)
def test_make_notice_code_known_values(segregation: str, base: str, expected: str) -> None:
    assert make_notice_code(segregation, base) == expected
    parsed = parse_notice_code(expected)
    assert (parsed.segregation, parsed.base, parsed.check) == (segregation, base, expected[16:])
    assert parsed.iuv == expected[1:]


def test_specification_sample_fails_its_own_check_digits() -> None:
    # The sample often copied from the specifications: 3111111111122222 mod 93 is 47, not 22.
    sample = "311111111112222222"
    assert not check_notice_code(sample)
    with pytest.raises(InvalidNoticeCode, match="check digits"):
        parse_notice_code(sample)
    assert check_notice_code(sample[:16] + "47")


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "30120260000123457",  # 17 digits
        "3012026000012345711",  # 19 digits
        "001202600001234571",  # aux digit 0 (old format), not supported
        "101202600001234571",  # aux digit 1
        "30120260000123457A",
        "３０１２０２６００００１２３４５７１",  # full-width digits are not ASCII digits
        "3012-0260-0001-2345-71",
        "-01202600001234571",
    ],
)
def test_parse_notice_code_rejects_malformed(bad: str) -> None:
    with pytest.raises(InvalidNoticeCode):
        parse_notice_code(bad)
    assert not check_notice_code(bad)


def test_notice_code_accepts_groups_of_four_and_formats_them() -> None:
    assert format_notice_code("301202600001234571") == "3012 0260 0001 2345 71"
    assert parse_notice_code(" 3012 0260 0001 2345 71 ").code == "301202600001234571"


@pytest.mark.parametrize(
    ("segregation", "base"), [("1", "2026000012345"), ("01", "123"), ("0a", "1" * 13)]
)
def test_make_notice_code_rejects_bad_parts(segregation: str, base: str) -> None:
    with pytest.raises(InvalidNoticeCode):
        make_notice_code(segregation, base)


# --- notice code: what mod 93 detects, proved and tested -----------------------------------


def test_every_single_substitution_changes_the_remainder_mod_93() -> None:
    # A substitution at 10^k adds d*10^k with 0 < |d| <= 9. 93 = 3 * 31 and gcd(10, 93) = 1,
    # so 93 | d*10^k would need 93 | d: impossible. A swap of neighbours adds 9(b-a)10^k, which
    # 93 divides only if 31 | (b-a): impossible too. Exhaustive over the 16 payload positions:
    for k in range(16):
        for d in range(-9, 10):
            if d:
                assert d * 10**k % NOTICE_CHECK_MODULUS != 0
                assert 9 * d * 10**k % NOTICE_CHECK_MODULUS != 0


@given(segregations, bases)
def test_every_made_notice_code_checks(segregation: str, base: str) -> None:
    code = make_notice_code(segregation, base)
    assert len(code) == 18 and code.startswith("3")
    assert check_notice_code(code)
    assert parse_notice_code(format_notice_code(code)).code == code


@given(segregations, bases)
def test_every_single_digit_change_is_caught(segregation: str, base: str) -> None:
    code = make_notice_code(segregation, base)
    changed = substitutions(code)
    assert len(changed) == 18 * 9
    assert [c for c in changed if check_notice_code(c)] == []


@given(segregations, bases)
def test_every_adjacent_transposition_is_caught(segregation: str, base: str) -> None:
    # This includes the swap of the last payload digit with the first check digit.
    code = make_notice_code(segregation, base)
    assert [(i, c) for i, c in adjacent_transpositions(code) if check_notice_code(c)] == []


@given(st.integers(min_value=3 * 10**15, max_value=4 * 10**15 - 94))
def test_two_digit_changes_adding_93_are_not_caught(first16: int) -> None:
    # The limit of a mod 93 check: changes that add a multiple of 93 keep the same remainder.
    code = f"{first16}{first16 % 93:02d}"
    other = f"{first16 + 93}{first16 % 93:02d}"
    assert sum(a != b for a, b in zip(code, other, strict=True)) >= 2
    assert check_notice_code(code) and check_notice_code(other)


# --- creditor fiscal code --------------------------------------------------------------------

# Worked by hand: 1234567890 -> odd positions 1+3+5+7+9 = 25, even 4+8+3+7+0 = 22, 47 -> 3.
GOOD_FISCAL_CODES = ["12345678903", "00000000000", "80001234568", "06363391001"]


@pytest.mark.parametrize("code", GOOD_FISCAL_CODES)
def test_creditor_fiscal_code_known_good(code: str) -> None:
    assert check_creditor_fiscal_code(code)
    assert make_creditor_fiscal_code(code[:10]) == code


@pytest.mark.parametrize(
    "bad", ["12345678904", "1234567890", "123456789033", "1234567890A", "", "12345 678903"]
)
def test_creditor_fiscal_code_known_bad(bad: str) -> None:
    assert not check_creditor_fiscal_code(bad)
    with pytest.raises(InvalidFiscalCode):
        parse_creditor_fiscal_code(bad)


@given(first_tens)
def test_every_made_fiscal_code_checks_and_single_changes_are_caught(first10: str) -> None:
    code = make_creditor_fiscal_code(first10)
    assert check_creditor_fiscal_code(code)
    assert [c for c in substitutions(code) if check_creditor_fiscal_code(c)] == []


@given(first_tens)
def test_fiscal_code_transpositions_caught_except_luhn_0_9(first10: str) -> None:
    # The Luhn weakness: swapping neighbouring 0 and 9 keeps the sum (0+9 = 9+0 doubled-minus-9).
    code = make_creditor_fiscal_code(first10)
    for i, swapped in adjacent_transpositions(code):
        missed = check_creditor_fiscal_code(swapped)
        assert missed == ({code[i], code[i + 1]} == {"0", "9"}), (code, i)


# --- pagoPA QR payload ------------------------------------------------------------------------


def test_payment_payload_round_trip() -> None:
    payload = build_payment_payload("301202600001234571", "80001234568", 12_300)
    assert payload == "PAGOPA|002|301202600001234571|80001234568|12300"
    parsed = parse_payment_payload(payload)
    assert (parsed.notice_code, parsed.creditor_fiscal_code, parsed.amount_cents) == (
        "301202600001234571",
        "80001234568",
        12_300,
    )


def test_payment_payload_pads_small_amounts_to_two_digits() -> None:
    payload = build_payment_payload("301202600001234571", "80001234568", 5)
    assert payload.endswith("|05")
    assert parse_payment_payload(payload).amount_cents == 5


@given(segregations, bases, first_tens, st.integers(min_value=1, max_value=10**10 - 1))
def test_payment_payload_round_trip_property(
    segregation: str, base: str, first10: str, amount: int
) -> None:
    notice = make_notice_code(segregation, base)
    fiscal = make_creditor_fiscal_code(first10)
    parsed = parse_payment_payload(build_payment_payload(notice, fiscal, amount))
    assert (parsed.notice_code, parsed.creditor_fiscal_code, parsed.amount_cents) == (
        notice,
        fiscal,
        amount,
    )


@pytest.mark.parametrize(
    "bad",
    [
        "PAGOPA|002|301202600001234571|80001234568",
        "PAGOPA|002|301202600001234571|80001234568|12300|",
        "PAGOPA|001|301202600001234571|80001234568|12300",
        "pagopa|002|301202600001234571|80001234568|12300",
        "PAGOPA|002|301202600001234572|80001234568|12300",  # notice check digits
        "PAGOPA|002|301202600001234571|80001234567|12300",  # fiscal check digit
        "PAGOPA|002|3012 0260 0001 2345 71|80001234568|12300",
        "PAGOPA|002|301202600001234571| 80001234568|12300",
        "PAGOPA|002|301202600001234571|80001234568|",
        "PAGOPA|002|301202600001234571|80001234568|0",
        "PAGOPA|002|301202600001234571|80001234568|12,30",
        "PAGOPA|002|301202600001234571|80001234568|12345678901",
        "PAGOPA|002|301202600001234571|80001234568|-5",
    ],
)
def test_parse_payment_payload_is_strict(bad: str) -> None:
    with pytest.raises(InvalidPaymentPayload):
        parse_payment_payload(bad)


def test_payload_error_chains_the_code_error() -> None:
    with pytest.raises(InvalidPaymentPayload) as caught:
        parse_payment_payload("PAGOPA|002|311111111112222222|80001234568|100")
    assert isinstance(caught.value.__cause__, InvalidNoticeCode)


@pytest.mark.parametrize("amount", [0, -1, 10**10])
def test_build_payment_payload_rejects_bad_amounts(amount: int) -> None:
    with pytest.raises(CodeError):
        build_payment_payload("301202600001234571", "80001234568", amount)
