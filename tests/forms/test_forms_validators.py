import datetime as dt

import pytest

from forms.errors import InvalidValue
from forms.validators import (
    check_date_rules,
    clean_file_meta,
    clean_text,
    format_plate,
    normalize_email,
    normalize_phone,
    normalize_plate,
    parse_bool,
    parse_date,
    parse_euro_cents,
    parse_integer,
)

TODAY = dt.date(2026, 11, 23)


def code_of(func, *args, **kwargs):
    with pytest.raises(InvalidValue) as err:
        func(*args, **kwargs)
    return err.value.code


@pytest.mark.parametrize(
    ("text", "kinds", "expected"),
    [
        ("AB123CD", ("auto",), "AB123CD"),
        ("ab 123 cd", ("auto",), "AB123CD"),
        ("AB-123-CD", ("auto",), "AB123CD"),
        ("GF 789 ZZ", ("auto",), "GF789ZZ"),
        ("AB12345", ("auto", "moto"), "AB12345"),
        ("XA 123 AB", ("auto",), "XA123AB"),  # trailers have the same layout
    ],
)
def test_valid_plates(text, kinds, expected):
    assert normalize_plate(text, kinds) == expected


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("AI123CD", ("auto",)),  # I is never used
        ("AB123QD", ("auto",)),  # nor Q
        ("OB123CD", ("auto",)),  # nor O
        ("AB123UD", ("auto",)),  # nor U
        ("MI123456", ("auto", "moto")),  # provincial plate before 1994
        ("ROMA A12345", ("auto", "moto")),
        ("AB1234CD", ("auto",)),
        ("AB12345", ("auto",)),  # a motorcycle plate where only cars are accepted
        ("", ("auto",)),
    ],
)
def test_invalid_plates(text, kinds):
    assert code_of(normalize_plate, text, kinds) == "plate.format"


def test_plate_display():
    assert format_plate("AB123CD") == "AB 123 CD"
    assert format_plate("AB12345") == "AB 12345"


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("333 123 4567", "any", "+393331234567"),
        ("+39 333 1234567", "mobile", "+393331234567"),
        ("0039 333.123.4567", "any", "+393331234567"),
        ("333-1234567", "mobile", "+393331234567"),
        ("391 234 567", "any", "+39391234567"),  # 9-digit mobile; "39" is not a prefix here
        ("06 1234 5678", "landline", "+390612345678"),
        ("(02) 1234567", "any", "+39021234567"),
        ("+39 0471 123456", "any", "+390471123456"),
    ],
)
def test_valid_phones(text, kind, expected):
    assert normalize_phone(text, kind) == expected


@pytest.mark.parametrize(
    ("text", "kind", "code"),
    [
        ("+44 20 7946 0958", "any", "phone.country"),
        ("0044 20 7946 0958", "any", "phone.country"),
        ("12345", "any", "phone.format"),
        ("800 123 456", "any", "phone.format"),  # toll-free
        ("333 12", "any", "phone.format"),
        ("333 1234 5678 9", "any", "phone.format"),
        ("333 abc 4567", "any", "phone.format"),
        ("3331234567", "landline", "phone.not_landline"),
        ("06 1234 5678", "mobile", "phone.not_mobile"),
    ],
)
def test_invalid_phones(text, kind, code):
    assert code_of(normalize_phone, text, kind) == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mario.rossi@example.it", "mario.rossi@example.it"),
        (" Mario.Rossi+pec@Comune.Villanova.IT ", "Mario.Rossi+pec@comune.villanova.it"),
        ("urp@xn--comune-villanva-3ob.it", "urp@xn--comune-villanva-3ob.it"),
    ],
)
def test_valid_emails(text, expected):
    assert normalize_email(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("mario", "email.format"),
        ("mario@", "email.format"),
        ("@example.it", "email.format"),
        ("mario@localhost", "email.format"),
        ("mario..rossi@example.it", "email.format"),
        ("mario rossi@example.it", "email.format"),
        ("mario@-example.it", "email.format"),
        ("mario@example.1t", "email.format"),
        ("a" * 65 + "@example.it", "email.format"),
        ("mario@" + "a" * 250 + ".it", "email.too_long"),
    ],
)
def test_invalid_emails(text, code):
    assert code_of(normalize_email, text) == code


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("12,50", 1250),
        ("12,5", 1250),
        ("1.234,56", 123456),
        ("1.234", 123400),  # Italian thousands separator
        ("12.345", 1234500),
        ("1.234.567,89", 123456789),
        ("12.50", 1250),  # a single dot before 1-2 digits is a decimal point
        ("12.5", 1250),
        ("1234", 123400),
        ("0,99", 99),
        ("€ 12,50", 1250),
        ("12,50 €", 1250),
        ("EUR 5", 500),
        (500, 500),  # an int is already cents
    ],
)
def test_amounts_accepted(text, cents):
    assert parse_euro_cents(text) == cents


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1,234.56", "amount.format"),  # English grouping is refused, not guessed
        ("12.3456", "amount.format"),
        ("1.23.456", "amount.format"),
        ("12.345.6", "amount.format"),
        ("12,345", "amount.decimals"),
        ("abc", "amount.format"),
        ("12,", "amount.format"),
        ("-5", "amount.negative"),
        (-500, "amount.negative"),
        (12.5, "amount.format"),
        (True, "amount.format"),
    ],
)
def test_amounts_refused(text, code):
    assert code_of(parse_euro_cents, text) == code


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-31", dt.date(2024, 1, 31)),
        ("31/01/2024", dt.date(2024, 1, 31)),
        ("1/2/2024", dt.date(2024, 2, 1)),
        ("31.01.2024", dt.date(2024, 1, 31)),
        ("31-01-2024", dt.date(2024, 1, 31)),
        ("29/02/2024", dt.date(2024, 2, 29)),
        (dt.date(2024, 1, 31), dt.date(2024, 1, 31)),
        (dt.datetime(2024, 1, 31, 23, 59), dt.date(2024, 1, 31)),
    ],
)
def test_dates_accepted(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("31/02/2024", "date.invalid"),
        ("29/02/2023", "date.invalid"),
        ("2024-13-01", "date.invalid"),
        ("01/02/24", "date.format"),
        ("2024/01/31", "date.format"),
        ("31/01-2024", "date.format"),
        ("domani", "date.format"),
        (20240131, "date.format"),
    ],
)
def test_dates_refused(value, code):
    assert code_of(parse_date, value) == code


@pytest.mark.parametrize(
    ("day", "rules", "code"),
    [
        (dt.date(2026, 11, 24), {"not_future": True}, "date.future_not_allowed"),
        (dt.date(2026, 11, 22), {"not_past": True}, "date.past_not_allowed"),
        (dt.date(2008, 11, 24), {"min_age": 18}, "date.min_age"),
        (dt.date(1900, 1, 1), {"max_age": 120}, "date.max_age"),
        (dt.date(2026, 11, 30), {"min_days_from_today": 8}, "date.too_early"),
        (dt.date(2027, 11, 24), {"max_days_from_today": 365}, "date.too_late"),
    ],
)
def test_date_rules_refuse(day, rules, code):
    assert code_of(check_date_rules, day, today=TODAY, **rules) == code


@pytest.mark.parametrize(
    ("day", "rules"),
    [
        (TODAY, {"not_future": True, "not_past": True}),
        (dt.date(2008, 11, 23), {"min_age": 18}),  # eighteenth birthday today
        (dt.date(2026, 12, 1), {"min_days_from_today": 8}),
        (dt.date(2027, 11, 23), {"max_days_from_today": 365}),
    ],
)
def test_date_rules_accept_boundaries(day, rules):
    check_date_rules(day, today=TODAY, **rules)


def test_date_window_message_params_name_the_bound():
    with pytest.raises(InvalidValue) as err:
        check_date_rules(dt.date(2027, 11, 24), today=TODAY, max_days_from_today=365)
    assert err.value.params == {"date": dt.date(2027, 11, 23)}  # formatted where shown


def test_text_rules():
    assert clean_text("  ciao\r\nmondo ", max_length=20) == "ciao mondo"
    assert clean_text("riga 1\r\nriga 2", max_length=20, multiline=True) == "riga 1\nriga 2"
    assert clean_text("e\u0301", max_length=1) == "é"  # counted after NFC
    assert code_of(clean_text, "x" * 11, max_length=10) == "text.too_long"
    assert code_of(clean_text, "corto", max_length=10, min_length=6) == "text.too_short"
    assert code_of(clean_text, "a\x00b", max_length=10) == "text.invalid_chars"
    assert code_of(clean_text, 12, max_length=10) == "text.format"


def test_booleans_and_integers():
    assert [parse_bool(v) for v in ("on", "sì", "TRUE", "1", True)] == [True] * 5
    assert [parse_bool(v) for v in ("off", "no", "0", "", False)] == [False] * 5
    assert code_of(parse_bool, "forse") == "boolean.format"
    assert parse_integer(" 12 ", minimum=2, maximum=60) == 12
    assert code_of(parse_integer, "1", minimum=2) == "integer.min"
    assert code_of(parse_integer, "61", maximum=60) == "integer.max"
    assert code_of(parse_integer, "1,5") == "integer.format"
    assert code_of(parse_integer, "١٢") == "integer.format"  # non-ASCII digits
    assert code_of(parse_integer, True) == "integer.format"


PDF = {"name": "verbale.pdf", "content_type": "application/pdf", "size": 1000}
ACCEPT = ["application/pdf", "image/jpeg"]


def test_file_metadata_accepted():
    meta = {**PDF, "content_type": "application/pdf; charset=binary", "name": " verbale.pdf "}
    assert clean_file_meta(meta, accept=ACCEPT, max_size=5000) == PDF


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"size": 5001}, "file.too_large"),
        ({"size": 0}, "file.empty"),
        ({"size": "12"}, "file.format"),
        ({"name": None}, "file.format"),
        ({"name": "../etc/passwd"}, "file.name"),
        ({"name": "C:\\foto.jpg"}, "file.name"),
        ({"name": "  "}, "file.name"),
        ({"content_type": "application/zip", "name": "a.zip"}, "file.content_type"),
        ({"name": "verbale.exe"}, "file.extension"),
    ],
)
def test_file_metadata_refused(changes, code):
    assert code_of(clean_file_meta, {**PDF, **changes}, accept=ACCEPT, max_size=5000) == code
    assert code_of(clean_file_meta, "verbale.pdf", accept=ACCEPT, max_size=5000) == "file.format"
