"""Walk the source of `forms` for every error code a validator can emit; check the catalogue."""

import ast
import datetime as dt
import re
from pathlib import Path

import pytest

import forms
from forms import MESSAGES, Money, field_error
from gateway.i18n import load_language

ITALIAN, ENGLISH = load_language("it"), load_language("en")

PACKAGE = Path(forms.__file__).parent
EMITTERS = {"InvalidValue", "field_error"}


def emission_sites():
    """(code, keyword names, where) for each InvalidValue(...) / field_error(...) call."""
    sites = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            first = node.args[0]
            if name in EMITTERS and isinstance(first, ast.Constant):
                keywords = frozenset(k.arg for k in node.keywords if k.arg)
                sites.append((first.value, keywords, f"{path.name}:{node.lineno}"))
    return sites


SITES = emission_sites()


def placeholders(template):
    return set(re.findall(r"%\((\w+)\)s", template))


def test_the_walk_finds_the_validators():
    found = {code for code, _, _ in SITES}
    assert {"required", "cf.check_char", "iban.checksum", "plate.format"} <= found
    assert len(found) >= 40


@pytest.mark.parametrize(("code", "keywords", "where"), SITES, ids=[s[2] for s in SITES])
def test_every_emitted_code_has_its_message_its_params_and_its_italian(code, keywords, where):
    assert code in MESSAGES, f"{where}: {code} missing from the catalogue"
    template = MESSAGES[code]
    assert template.strip()
    assert placeholders(template) <= keywords, f"{where}: params missing for {code}"
    error = field_error(code, {k: "X" for k in keywords})
    assert error.message(ITALIAN) != error.message(ENGLISH)
    assert "%(" not in error.message(ITALIAN) + error.message(ENGLISH)


def test_no_catalogue_entry_is_dead():
    assert set(MESSAGES) == {code for code, _, _ in SITES}


def test_the_italian_uses_the_same_params():
    for code, template in MESSAGES.items():
        italian = ITALIAN.gettext(template)
        assert italian != template and placeholders(italian) == placeholders(template), code


def test_amounts_and_days_in_params_read_in_the_language_shown():
    error = field_error("amount.max", {"max": Money(200_000)})
    assert error.message(ITALIAN) == "L'importo massimo è 2.000,00\xa0€."
    assert error.message(ENGLISH) == "The maximum amount is €2,000.00."
    late = field_error("date.too_late", {"date": dt.date(2027, 11, 23)})
    assert late.message(ITALIAN) == "La data non può essere successiva al 23/11/2027."


def test_forms_stays_a_plain_library():
    forbidden = {"flask", "gateway", "werkzeug"}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            assert not roots & forbidden, f"{path.name} imports {roots & forbidden}"
