"""The message catalogues are the one source of translations: the tool that keeps them in step
with the code never loses a translator's work, and every message of the code has its Italian."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog

ROOT = Path(__file__).resolve().parents[1]


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sportello_i18n", ROOT / "tools" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


i18n = load_tool()


@pytest.fixture(scope="module")
def template() -> Catalog:
    """The messages extracted from the code, templates and form definitions (one extraction)."""
    return i18n.template_catalogue()


@pytest.fixture
def translations(tmp_path: Path) -> Path:
    """A copy of the catalogues, to change freely."""
    copy = tmp_path / "translations"
    shutil.copytree(i18n.TRANSLATIONS, copy, ignore=shutil.ignore_patterns("*.mo"))
    return copy


def italian(translations: Path) -> Catalog:
    return i18n.read_catalogue(i18n.catalogue_path(translations, "it"))


def test_every_message_has_its_italian_and_the_same_placeholders(template: Catalog) -> None:
    assert i18n.missing(template=template) == []
    assert i18n.placeholder_errors() == []


def test_update_never_overwrites_a_translation(template: Catalog, translations: Path) -> None:
    catalog = italian(translations)
    edited = next(m for m in catalog if m.id == "Log in")
    edited.string = "Entra (tradotto a mano)"
    i18n.write_catalogue(i18n.catalogue_path(translations, "it"), catalog)

    i18n.update(translations, template)

    after = italian(translations)
    assert after["Log in"].string == "Entra (tradotto a mano)"
    assert {m.id: m.string for m in after if m.id and m.id != "Log in"} == {
        m.id: m.string for m in italian(i18n.TRANSLATIONS) if m.id and m.id != "Log in"
    }


def test_a_message_the_code_drops_keeps_its_translation_for_when_it_returns(
    template: Catalog, translations: Path
) -> None:
    fewer = Catalog(locale=None)
    for message in template:
        if message.id and message.id != "Log in":
            fewer[message.id] = message
    i18n.update(translations, fewer)
    dropped = italian(translations)
    assert "Log in" not in dropped
    assert dropped.obsolete["Log in"].string == "Accedi"

    i18n.update(translations, template)
    assert italian(translations)["Log in"].string == "Accedi"


def test_a_new_message_arrives_untranslated_and_check_names_it(
    template: Catalog, translations: Path
) -> None:
    more = Catalog(locale=None)
    for message in template:
        if message.id:
            more[message.id] = message
    more.add("A sentence nobody has translated yet", locations=[("gateway/new.py", 1)])
    i18n.update(translations, more)
    assert italian(translations)["A sentence nobody has translated yet"].string == ""
    assert i18n.missing(translations, more) == ["A sentence nobody has translated yet"]


def test_a_translation_with_other_placeholders_is_caught(translations: Path) -> None:
    catalog = italian(translations)
    message = next(m for m in catalog if m.id and "%(name)s" in str(m.id))
    message.string = str(message.string).replace("%(name)s", "%(nome)s")
    i18n.write_catalogue(i18n.catalogue_path(translations, "it"), catalog)
    assert any(repr(message.id) in p for p in i18n.placeholder_errors(translations))


def test_a_new_language_starts_from_every_message(tmp_path: Path, template: Catalog) -> None:
    i18n.update(tmp_path, template)  # no catalogue yet: nothing to do
    assert i18n.languages(tmp_path) == []
    catalog = Catalog(locale="de")
    i18n.merge(catalog, template)
    i18n.write_catalogue(i18n.catalogue_path(tmp_path, "de"), catalog)
    assert i18n.languages(tmp_path) == ["de"]
    assert len(i18n.read_catalogue(i18n.catalogue_path(tmp_path, "de"))) == len(template)
