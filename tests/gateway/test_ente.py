"""The public body's record: loaded from a YAML or TOML file and the environment, every field
checked, each bad value refused with one line naming it; production refuses the demo's."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from gateway.config import Config, ConfigurationError
from gateway.ente import FIELDS, EnteError, demo_ente, demo_value, load_ente

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "deploy" / "ente.example.yaml"


def example_values() -> dict[str, Any]:
    values: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return values


def write(tmp_path: Path, values: dict[str, Any], name: str = "ente.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(values, allow_unicode=True), encoding="utf-8")
    (tmp_path / "roccalta.svg").write_bytes((ROOT / "deploy" / "roccalta.svg").read_bytes())
    return str(path)


def test_the_example_file_loads_every_field() -> None:
    ente = load_ente(str(EXAMPLE), {})
    assert ente.name == "Comune di Roccalta" and ente.shown_name("en") == "Municipality of Roccalta"
    assert ente.shown_name("de") == "Comune di Roccalta"
    assert (ente.ipa_code, ente.creditor_fiscal_code, ente.cbill_code) == (
        "c_m998",
        "83005678905",
        "B7K2Q",
    )
    assert ente.address.one_line() == "Via del Castello 4, 12099 Roccalta (MV)"
    assert ente.address.municipality_code == "M998"
    assert ente.organization.display_name == "Roccalta"
    assert ente.organization.contact_phone == "+390171998877"
    assert ente.legal.privacy_url == "https://www.comune.roccalta.example/privacy"
    assert ente.logo == str((ROOT / "deploy" / "roccalta.svg").resolve())
    assert ente.logo_type == "image/svg+xml"
    assert demo_value(ente) is None


def test_a_toml_file_gives_the_same_record(tmp_path: Path) -> None:
    values = example_values()
    lines = []
    tables: dict[str, dict[str, str]] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            tables[key] = value
        else:
            lines.append(f"{key} = {value!r}".replace("'", '"'))
    for table, items in tables.items():
        lines.append(f"[{table}]")
        lines.extend(f"{k} = {v!r}".replace("'", '"') for k, v in items.items())
    (tmp_path / "ente.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "roccalta.svg").write_bytes((ROOT / "deploy" / "roccalta.svg").read_bytes())
    expected = replace(load_ente(str(EXAMPLE), {}), logo=str((tmp_path / "roccalta.svg").resolve()))
    assert load_ente(str(tmp_path / "ente.toml"), {}) == expected


def test_organization_and_phone_default_to_the_body_s_own(tmp_path: Path) -> None:
    values = example_values()
    del values["organization"]
    ente = load_ente(write(tmp_path, values), {})
    assert ente.organization.name == ente.organization.display_name == "Comune di Roccalta"
    assert ente.organization.url == "https://www.comune.roccalta.example"
    assert ente.organization.contact_email == "info@comune.roccalta.example"
    assert ente.organization.contact_phone == "+390171998877"  # from "0171 998877"


def test_variables_win_over_the_file_and_name_themselves_when_refused() -> None:
    env = {"SPORTELLO_ENTE_CONTACTS_PHONE": "0171 111222", "SPORTELLO_ENTE_UNIT": "Tributi"}
    ente = load_ente(str(EXAMPLE), env)
    assert ente.contacts.phone == "0171 111222" and ente.unit == "Tributi"
    with pytest.raises(EnteError) as info:
        load_ente(str(EXAMPLE), {"SPORTELLO_ENTE_CBILL_CODE": "b7k2"})
    assert str(info.value).startswith("SPORTELLO_ENTE_CBILL_CODE: cbill_code: must be")


def test_without_a_file_the_demo_record_is_the_base() -> None:
    assert load_ente(None, {}) is demo_ente()
    renamed = load_ente(None, {"SPORTELLO_ENTE_NAME": "Comune di Altrove"})
    assert renamed.name == "Comune di Altrove" and renamed.ipa_code == "c_x000"
    assert renamed.shown_name("en") == "Comune di Altrove"  # not the demo's translation
    assert load_ente(None, {"SPORTELLO_ENTE_UNIT": ""}).unit == ""  # an optional field unset
    assert demo_value(renamed) == "ipa_code"
    shared = replace(
        load_ente(str(EXAMPLE), {}),
        office=demo_ente().office,
        address=replace(load_ente(str(EXAMPLE), {}).address, street="Piazza del Municipio 1"),
    )
    assert demo_value(shared) is None  # common names are not the demo's own


BAD_VALUES = [
    ("name", "", "name: is empty"),
    ("name", "Comune\ndi Roccalta", "name: contains control characters"),
    ("ipa_code", "C_M998", "ipa_code: must be the IPA code"),
    ("creditor_fiscal_code", "83005678906", "creditor_fiscal_code: must be the body's 11-digit"),
    ("creditor_fiscal_code", "8300567890", "creditor_fiscal_code: must be the body's 11-digit"),
    ("cbill_code", "B7K2", "cbill_code: must be 5 capital letters or digits"),
    ("postal_account", "12-34", "postal_account: must be"),
    ("vat_number", "83005678905", "vat_number: must be IT + 11 digits"),
    ("vat_number", "IT83005678906", "vat_number: must be IT + 11 digits"),
    ("logo", "missing.svg", "logo: no such file"),
    ("logo", "roccalta.gif", "logo: must be an .svg or .png file"),
    ("parent_url", "javascript:alert(1)", "parent_url: must be an absolute http(s) URL"),
    ("address.postal_code", "1209", "address.postal_code: must be a 5-digit postal code"),
    ("address.province", "Mv", "address.province: must be the province's two capital letters"),
    ("address.municipality_code", "Roccalta", "address.municipality_code: must be the comune's"),
    ("contacts.email", "info.roccalta", "contacts.email: must be an e-mail address"),
    ("contacts.pec", "pec@", "contacts.pec: must be an e-mail address"),
    ("contacts.phone", "call us", "contacts.phone: must be a phone number"),
    ("contacts.website", "www.roccalta.example", "contacts.website: must be an absolute"),
    ("organization.contact_phone", "0171 998877", "organization.contact_phone: must be +39"),
    ("legal.privacy_url", "/privacy", "legal.privacy_url: must be an absolute http(s) URL"),
    ("names", ["en"], "names: must be a table"),
    ("names", {"English": "x"}, "names: 'English' is not a language code"),
    ("address", "Via del Castello 4", "address: unknown field"),
    ("contacts.fax", "0171 1", "contacts.fax: unknown field"),
    ("mayor", "Maria Bianchi", "mayor: unknown field"),
    ("address.postal_code", 12099, "address.postal_code: must be text, not int (quote it)"),
    ("contacts.email", True, "contacts.email: must be text, not bool"),
    ("address.city", ["Roccalta"], "address.city: must be text, not list"),
]


def _set(values: dict[str, Any], dotted: str, value: Any) -> None:
    head, _, rest = dotted.partition(".")
    if rest and isinstance(values.get(head), dict):
        values[head][rest] = value
    else:
        values[head] = value


@pytest.mark.parametrize(("field_name", "value", "message"), BAD_VALUES)
def test_each_bad_field_is_refused_with_one_line_naming_it(
    tmp_path: Path, field_name: str, value: Any, message: str
) -> None:
    values = example_values()
    _set(values, field_name, value)
    path = write(tmp_path, values)
    with pytest.raises(ConfigurationError) as info:
        Config.from_env({"SPORTELLO_ENTE_FILE": path})
    text = str(info.value)
    assert text.startswith(f"SPORTELLO_ENTE_FILE={path!r}: {message}"), text
    assert "\n" not in text


@pytest.mark.parametrize(
    "required",
    ["name", "ipa_code", "creditor_fiscal_code", "cbill_code", "address.street", "contacts.email"],
)
def test_a_missing_required_field_is_named(tmp_path: Path, required: str) -> None:
    values = example_values()
    head, _, rest = required.partition(".")
    if rest:
        del values[head][rest]
    else:
        del values[head]
    with pytest.raises(EnteError, match=re.escape(f": {required}: is required")):
        load_ente(write(tmp_path, values), {})


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ente.yaml", "name: [unclosed", "is not valid YAML"),
        ("ente.toml", "name = ", "is not valid TOML"),
        ("ente.yaml", "- just\n- a list\n", "must hold a table of fields"),
        ("ente.json", "{}", "must end in .yaml, .yml or .toml"),
    ],
)
def test_an_unreadable_file_is_one_line(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EnteError) as info:
        load_ente(str(path), {})
    assert message in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(EnteError, match="cannot be read"):
        load_ente(str(tmp_path / "absent.yaml"), {})


def test_the_readme_documents_every_field() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### The public body", 1)[1].split("\n### ", 1)[0]
    listed = {
        name
        for line in section.splitlines()
        if line.startswith("| `")
        for name in re.findall(r"`([a-z_.]+)`", line.split("|")[1])
    }
    assert listed == set(FIELDS) | {"names"}
