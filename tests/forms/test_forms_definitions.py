import copy

import pytest
import yaml

from forms import DefinitionError, FormRegistry, UnknownService, load_definition, parse_definition
from forms.extract import definition_texts
from forms.fields import FIELD_KINDS
from forms.registry import DEFINITIONS_DIR

SCHOOL = yaml.safe_load((DEFINITIONS_DIR / "certificato_scolastico.yaml").read_text("utf-8"))


def test_every_definition_file_loads():
    registry = FormRegistry.load()
    files = sorted(p.stem for p in DEFINITIONS_DIR.glob("*.yaml"))
    assert registry.service_ids == files
    assert {"certificato_scolastico", "multa_rateizzazione_ricorso", "consenso_fse"} <= set(files)
    for definition in registry:
        assert definition.fields and definition.steps
        assert all(f.type in FIELD_KINDS for f in definition.fields)
        step_fields = [name for step in definition.steps for name in step.fields]
        assert step_fields == [f.name for f in definition.fields]


def test_service_metadata():
    registry = FormRegistry.load()
    school = registry.get("certificato_scolastico")
    assert school.fee is not None
    assert (school.fee.kind, school.fee.amount_cents) == ("imposta_di_bollo", 1600)
    assert school.handler == "school.certificate_request"
    assert school.providers == {"children"}
    assert registry.get("multa_rateizzazione_ricorso").providers == {"fines"}
    assert registry.get("consenso_fse").fee is None
    assert school.field("uso_altro").options["max_length"] == 200
    assert "consenso_fse" in registry and "nothing" not in registry
    with pytest.raises(UnknownService):
        registry.get("nothing")


def field_of(data, name):
    return next(f for s in data["steps"] for f in s["fields"] if f["name"] == name)


def broken(change):
    data = copy.deepcopy(SCHOOL)
    change(data)
    return data


def set_in(name, key, value):
    return lambda d: field_of(d, name).__setitem__(key, value)


def drop_in(name, key):
    return lambda d: field_of(d, name).pop(key)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (set_in("uso", "type", "dropdown"), "uso", "unknown type"),
        (set_in("note", "colour", "red"), "note", "unknown key"),
        (set_in("note", "max_length", -1), "note", "max_length"),
        (set_in("note", "max_length", "500"), "note", "max_length"),
        (set_in("uso_altro", "visible_if", {"field": "usage", "equals": "altro"}), "uso_altro",
         "'usage'"),
        (set_in("uso", "visible_if", {"field": "consegna", "equals": "stampa"}), "uso",
         "'consegna'"),  # a later field
        (set_in("uso_altro", "required_if", {"field": "uso", "equals": "other"}), "uso_altro",
         "'other'"),
        (set_in("motivo_esenzione", "visible_if", {"field": "esenzione_bollo", "equals": "yes"}),
         "motivo_esenzione", "true/false"),
        (set_in("uso_altro", "visible_if", {"field": "note", "equals": "x"}), "uso_altro",
         "'note'"),
        (set_in("uso_altro", "visible_if", {"field": "uso", "equals": "altro", "in": ["x"]}),
         "uso_altro", "exactly one"),
        (set_in("uso", "choices_from", "uses"), "uso", "exactly one"),
        (drop_in("uso", "choices"), "uso", "exactly one"),
        (set_in("note", "choices_from", "notes"), "note", "no choices"),
        (set_in("uso", "label", dict(it="Uso", en="Use")), "uso", "catalogues"),
        (set_in("uso", "label", " "), "uso", "non-empty"),
        (set_in("uso", "required", "yes"), "uso", "required"),
        (set_in("uso_altro", "required", True), "uso_altro", "contradict"),
        (set_in("uso", "widget", "slider"), "uso", "widget"),
        (set_in("note", "name", "Note"), "Note", "lower-case"),
        (set_in("note", "name", "uso"), "uso", "duplicate"),
        (lambda d: field_of(d, "uso")["choices"].append(field_of(d, "uso")["choices"][0]), "uso",
         "duplicate choice"),
    ],
)  # fmt: skip
def test_broken_definitions_name_the_field(change, field, words, tmp_path):
    (tmp_path / "certificato_scolastico.yaml").write_text(yaml.safe_dump(broken(change)))
    with pytest.raises(DefinitionError) as err:
        FormRegistry.load(tmp_path)
    assert err.value.field == field
    assert err.value.source == "certificato_scolastico.yaml"
    assert f"certificato_scolastico.yaml: field '{field}'" in str(err.value)
    assert words in str(err.value)


def test_file_field_needs_its_limits():
    data = yaml.safe_load((DEFINITIONS_DIR / "multa_rateizzazione_ricorso.yaml").read_text())
    field_of(data, "allegato").pop("accept")
    with pytest.raises(DefinitionError, match=r"field 'allegato'.*'accept' is required"):
        parse_definition(data, "multa.yaml")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d.__setitem__("extra", 1), "unknown key"),
        (lambda d: d["service"].__setitem__("handler", "School Handler"), "handler"),
        (lambda d: d["service"]["fee"].__setitem__("amount_cents", "16,00"), "amount_cents"),
        (lambda d: d["service"]["fee"]["exempt_if"].__setitem__("field", "esente"), "'esente'"),
        (lambda d: d["steps"].append(copy.deepcopy(d["steps"][0])), "duplicate step"),
        (lambda d: d["steps"].clear(), "non-empty"),
        (lambda d: d["service"].pop("title"), "missing key"),
    ],
)
def test_broken_service_metadata(change, words):
    with pytest.raises(DefinitionError, match=words):
        parse_definition(broken(change), "x.yaml")


def test_file_name_must_match_service_id(tmp_path):
    (tmp_path / "certificato.yaml").write_text(yaml.safe_dump(SCHOOL))
    with pytest.raises(DefinitionError, match=r"certificato\.yaml.*differs from file name"):
        load_definition(tmp_path / "certificato.yaml")


def test_unreadable_yaml_names_the_file(tmp_path):
    (tmp_path / "rotto.yaml").write_text("service: [unclosed\n")
    with pytest.raises(DefinitionError, match=r"rotto\.yaml: cannot read"):
        FormRegistry.load(tmp_path)


def test_empty_directory_is_an_error(tmp_path):
    with pytest.raises(DefinitionError, match=r"no \*\.yaml"):
        FormRegistry.load(tmp_path)


def test_adding_a_service_is_adding_a_file(tmp_path):
    (tmp_path / "certificato_scolastico.yaml").write_text(yaml.safe_dump(SCHOOL))
    (tmp_path / "segnalazione.yaml").write_text(
        """
service:
  id: segnalazione
  title: Report
steps:
  - id: testo
    title: Text
    fields:
      - {name: testo, type: textarea, required: true, label: Text}
"""
    )
    registry = FormRegistry.load(tmp_path)
    assert registry.service_ids == ["certificato_scolastico", "segnalazione"]
    assert registry.get("segnalazione").field("testo").options["max_length"] == 2000


def test_a_text_is_one_message_id_with_its_white_space_folded():
    school = FormRegistry.load().get("certificato_scolastico")
    assert school.title == "School enrolment or attendance certificate"
    uso = school.field("uso")
    assert uso.help is not None and "\n" not in uso.help and "  " not in uso.help
    assert [c.label for c in uso.choices][:2] == ["Scholarship or study grant", "Amateur sports"]


def test_the_extractor_finds_every_text_the_loader_reads():
    """What ``babel.cfg`` extracts from a definition is exactly what the loader looks up."""
    for path in DEFINITIONS_DIR.glob("*.yaml"):
        definition = load_definition(path)
        read = {definition.title, definition.description}
        read |= {definition.fee.label} if definition.fee else set()
        read |= {s.title for s in definition.steps}
        for f in definition.fields:
            read |= {f.label, f.help} | {c.label for c in f.choices}
        extracted = definition_texts(path.read_text("utf-8"))
        assert {text for _, text, _ in extracted} == read - {None}, path.name
        assert all(line > 0 and where.startswith(definition.id) for line, _, where in extracted)


def test_the_extractor_tells_translators_where_a_text_is_shown():
    texts = definition_texts((DEFINITIONS_DIR / "certificato_scolastico.yaml").read_text())
    where = {text: place for _, text, place in texts}
    assert where["Child"] == "certificato_scolastico, step studente, field alunno: label"
    assert where["Amateur sports"] == (
        "certificato_scolastico, step uso, field uso, option sport: label"
    )
    assert where["Stamp duty on the certificate (€16.00)"] == (
        "certificato_scolastico, fee imposta_di_bollo: label"
    )
