import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from forms.errors import InvalidResumeCode
from forms.resume import (
    ALPHABET,
    check_char,
    format_code,
    new_code,
    new_resume_code,
    new_session_code,
    normalize_code,
    normalize_resume_code,
    normalize_session_code,
    spell_code,
)
from gateway.i18n import load_language

payloads = st.text(alphabet=ALPHABET, min_size=1, max_size=27)

ITALIAN, ENGLISH = load_language("it"), load_language("en")


def reason_of(text, length):
    with pytest.raises(InvalidResumeCode) as err:
        normalize_code(text, length)
    return err.value.reason


def test_alphabet_has_no_look_alikes_and_a_prime_size():
    assert not set("01ILOSU") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 29
    assert all(len(ALPHABET) % d for d in range(2, len(ALPHABET)))


def test_new_codes_have_the_documented_shape():
    codes = {new_resume_code() for _ in range(200)}
    assert len(codes) == 200  # 38.9 bits: a collision here would mean a broken generator
    for code in codes:
        assert re.fullmatch(f"[{ALPHABET}]{{9}}", code)
        assert normalize_resume_code(code) == code
    session = new_session_code()
    assert len(session) == 7
    assert normalize_session_code(session) == session
    assert len(new_code(12)) == 13


def test_normalisation_accepts_what_people_type():
    code = "7KQM4X9R" + check_char("7KQM4X9R")
    assert normalize_resume_code(format_code(code)) == code
    assert normalize_resume_code(" " + format_code(code).lower().replace("-", " ") + " ") == code
    assert normalize_resume_code(".".join(code)) == code


def test_confusable_letters_are_mapped():
    code = "5VQM4X9R" + check_char("5VQM4X9R")
    assert normalize_resume_code("SU" + code[2:]) == code


@pytest.mark.parametrize("text", ["", "ABC", "7KQM4X9RDD", "7KQM4X9R0", "7KQM4X9RI", "7KQ#4X9RD"])
def test_malformed_codes_are_format_errors(text):
    assert reason_of(text, 8) == "format"


def test_display_groups():
    assert format_code("7KQM4X9RD") == "7KQ-M4X-9RD"
    assert format_code("AB3K7MQ") == "AB3K-7MQ"
    assert format_code("ABCDEFGHJKM") == "ABCD-EFGH-JKM"


def test_spelling_for_the_phone():
    assert spell_code("A7Z", ITALIAN) == ["A come Ancona", "sette", "Z come Zara"]
    assert spell_code("A7Z", ENGLISH) == ["A as in Alfa", "seven", "Z as in Zulu"]
    every = spell_code(ALPHABET, ITALIAN) + spell_code(ALPHABET, ENGLISH)
    assert len(set(every)) == 2 * len(ALPHABET)


@given(payloads)
@settings(max_examples=300)
def test_every_code_with_its_check_character_is_accepted(payload):
    code = payload + check_char(payload)
    assert normalize_code(format_code(code).lower(), len(payload)) == code


@given(payloads, st.data())
@settings(max_examples=500)
def test_every_single_substitution_is_caught(payload, data):
    code = payload + check_char(payload)
    position = data.draw(st.integers(0, len(code) - 1))
    new = data.draw(st.sampled_from([c for c in ALPHABET if c != code[position]]))
    assert reason_of(code[:position] + new + code[position + 1 :], len(payload)) == "check"


@given(payloads, st.data())
@settings(max_examples=500)
def test_every_adjacent_transposition_is_caught(payload, data):
    code = payload + check_char(payload)
    swaps = [i for i in range(len(code) - 1) if code[i] != code[i + 1]]
    assume(swaps)
    i = data.draw(st.sampled_from(swaps))
    assert reason_of(code[:i] + code[i + 1] + code[i] + code[i + 2 :], len(payload)) == "check"


def test_exhaustively_for_some_codes():
    for _ in range(20):
        code = new_resume_code()
        for position in range(len(code)):
            for new in ALPHABET.replace(code[position], ""):
                changed = code[:position] + new + code[position + 1 :]
                assert reason_of(changed, 8) == "check"
