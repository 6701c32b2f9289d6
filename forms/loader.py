"""Reading form definitions from YAML and checking them before anyone fills them in.

Every mistake in a definition (unknown key or type, a bad option, a condition on a field that does
not exist or comes later, a choice value a condition can never match) raises `DefinitionError`
at load time, naming the file and the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from forms.errors import DefinitionError
from forms.fields import CONDITION_TYPES, FIELD_KINDS
from forms.model import Choice, Condition, Fee, FieldDefinition, FormDefinition, Step

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_HANDLER = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")
_FIELD_KEYS = {
    "name", "type", "label", "help", "required", "required_if", "visible_if", "choices",
    "choices_from", "widget",
}  # fmt: skip
_WIDGETS = {"choice": {"radio", "select"}, "textarea": set(), "boolean": {"checkbox"}}


class _Reader:
    """Parses one definition; `source` and the current field name go into every error."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.field: str | None = None

    def fail(self, problem: str) -> DefinitionError:
        return DefinitionError(self.source, problem, field=self.field)

    def mapping(self, value: Any, what: str, allowed: set[str], required: set[str]) -> dict:
        if not isinstance(value, Mapping):
            raise self.fail(f"{what} must be a mapping")
        unknown = set(value) - allowed
        if unknown:
            raise self.fail(f"unknown key(s) in {what}: {', '.join(sorted(map(str, unknown)))}")
        missing = required - set(value)
        if missing:
            raise self.fail(f"missing key(s) in {what}: {', '.join(sorted(missing))}")
        return dict(value)

    def text(self, value: Any, what: str) -> str:
        """A text shown to people: one English message id (translations live in catalogues)."""
        if isinstance(value, Mapping):
            raise self.fail(
                f"{what} must be one English text: translations go in the catalogues, "
                "not in the definition"
            )
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{what} must be a non-empty text")
        return " ".join(value.split())

    def name(self, value: Any, what: str) -> str:
        if not isinstance(value, str) or not _NAME.fullmatch(value):
            raise self.fail(f"{what} must be lower-case letters, digits and '_': {value!r}")
        return value

    def condition(
        self, value: Any, what: str, fields: Mapping[str, FieldDefinition], *, earlier: bool
    ) -> Condition:
        data = self.mapping(value, what, {"field", "equals", "in"}, {"field"})
        if ("equals" in data) == ("in" in data):
            raise self.fail(f"{what} needs exactly one of 'equals' or 'in'")
        target_name = data["field"]
        target = fields.get(target_name)
        if target is None:
            where = "an earlier field" if earlier else "a field of the form"
            raise self.fail(f"{what} refers to '{target_name}', which is not {where}")
        if target.type not in CONDITION_TYPES:
            raise self.fail(
                f"{what} refers to '{target_name}' of type {target.type}; "
                f"conditions may test only {sorted(CONDITION_TYPES)} fields"
            )
        values = [data["equals"]] if "equals" in data else data["in"]
        if not isinstance(values, list) or not values:
            raise self.fail(f"{what}: 'in' must be a non-empty list")
        for v in values:
            if target.type == "boolean" and not isinstance(v, bool):
                raise self.fail(f"{what}: '{target_name}' is yes/no, {v!r} is not true/false")
            if target.type == "choice":
                static = {c.value for c in target.choices}
                if not isinstance(v, str) or (static and v not in static):
                    raise self.fail(f"{what}: {v!r} is not a choice of '{target_name}'")
        return Condition(target_name, tuple(values))

    def choices(self, value: Any) -> tuple[Choice, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail("'choices' must be a non-empty list")
        result = []
        for i, item in enumerate(value):
            data = self.mapping(item, f"choice {i + 1}", {"value", "label"}, {"value", "label"})
            if not isinstance(data["value"], str) or not data["value"]:
                raise self.fail(f"choice {i + 1}: 'value' must be a non-empty string")
            result.append(Choice(data["value"], self.text(data["label"], f"choice {i + 1} label")))
        if len({c.value for c in result}) != len(result):
            raise self.fail("duplicate choice values")
        return tuple(result)

    def field_definition(
        self, raw: Any, step: str, earlier: Mapping[str, FieldDefinition]
    ) -> FieldDefinition:
        self.field = raw.get("name") if isinstance(raw, Mapping) else None
        if not isinstance(raw, Mapping) or "type" not in raw or "name" not in raw:
            raise self.fail("a field needs at least 'name' and 'type'")
        name = self.name(raw["name"], "field name")
        if name in earlier:
            raise self.fail("duplicate field name")
        kind = FIELD_KINDS.get(raw["type"])
        if kind is None:
            raise self.fail(f"unknown type {raw['type']!r} (known: {', '.join(FIELD_KINDS)})")
        data = self.mapping(
            raw, "field", _FIELD_KEYS | set(kind.options), {"name", "type", "label"}
        )
        options: dict[str, Any] = {}
        for key, option in kind.options.items():
            if key in data:
                if not option.check(data[key]):
                    raise self.fail(f"option '{key}' must be {option.expects}")
                options[key] = data[key]
            elif option.required:
                raise self.fail(f"option '{key}' is required for type {raw['type']}")
            elif option.default is not None:
                options[key] = option.default
        required = data.get("required", False)
        if not isinstance(required, bool):
            raise self.fail("'required' must be true or false")
        required_if = visible_if = None
        if "required_if" in data:
            if required:
                raise self.fail("'required: true' and 'required_if' contradict each other")
            required_if = self.condition(data["required_if"], "required_if", earlier, earlier=True)
        if "visible_if" in data:
            visible_if = self.condition(data["visible_if"], "visible_if", earlier, earlier=True)
        choices: tuple[Choice, ...] = ()
        choices_from = None
        if raw["type"] == "choice":
            if ("choices" in data) == ("choices_from" in data):
                raise self.fail("a choice field needs exactly one of 'choices' or 'choices_from'")
            if "choices" in data:
                choices = self.choices(data["choices"])
            else:
                choices_from = self.name(data["choices_from"], "choices_from")
        elif "choices" in data or "choices_from" in data:
            raise self.fail(f"type {raw['type']} takes no choices")
        widget = data.get("widget")
        if widget is not None and widget not in _WIDGETS.get(raw["type"], set()):
            raise self.fail(f"widget {widget!r} does not suit type {raw['type']}")
        return FieldDefinition(
            name=name,
            type=raw["type"],
            label=self.text(data["label"], "label"),
            step=step,
            help=self.text(data["help"], "help") if "help" in data else None,
            required=required,
            required_if=required_if,
            visible_if=visible_if,
            choices=choices,
            choices_from=choices_from,
            widget=widget,
            options=options,
        )


def parse_definition(data: Any, source: str) -> FormDefinition:
    """Build a `FormDefinition` from parsed YAML; `source` names it in errors."""
    reader = _Reader(source)
    top = reader.mapping(data, "the definition", {"service", "steps"}, {"service", "steps"})
    service = reader.mapping(
        top["service"],
        "service",
        {"id", "version", "title", "description", "handler", "fee"},
        {"id", "title"},
    )
    service_id = reader.name(service["id"], "service id")
    version = service.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise reader.fail("service version must be an integer >= 1")
    handler = service.get("handler")
    if handler is not None and (not isinstance(handler, str) or not _HANDLER.fullmatch(handler)):
        raise reader.fail(f"handler must be a dotted lower-case name: {handler!r}")
    if not isinstance(top["steps"], list) or not top["steps"]:
        raise reader.fail("'steps' must be a non-empty list")
    fields: dict[str, FieldDefinition] = {}
    steps: list[Step] = []
    for raw_step in top["steps"]:
        reader.field = None
        step = reader.mapping(
            raw_step, "step", {"id", "title", "fields"}, {"id", "title", "fields"}
        )
        step_id = reader.name(step["id"], "step id")
        if any(s.id == step_id for s in steps):
            raise reader.fail(f"duplicate step id '{step_id}'")
        if not isinstance(step["fields"], list) or not step["fields"]:
            raise reader.fail(f"step '{step_id}' needs a non-empty list of fields")
        names = []
        for raw_field in step["fields"]:
            definition = reader.field_definition(raw_field, step_id, fields)
            fields[definition.name] = definition
            names.append(definition.name)
        reader.field = None
        steps.append(
            Step(step_id, reader.text(step["title"], f"step '{step_id}' title"), tuple(names))
        )
    reader.field = None
    fee = None
    if "fee" in service:
        raw_fee = reader.mapping(
            service["fee"],
            "fee",
            {"kind", "amount_cents", "label", "exempt_if"},
            {"kind", "amount_cents", "label"},
        )
        amount = raw_fee["amount_cents"]
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise reader.fail("fee amount_cents must be an integer >= 0")
        exempt_if = None
        if "exempt_if" in raw_fee:
            exempt_if = reader.condition(
                raw_fee["exempt_if"], "fee exempt_if", fields, earlier=False
            )
        fee = Fee(
            reader.name(raw_fee["kind"], "fee kind"),
            amount,
            reader.text(raw_fee["label"], "fee label"),
            exempt_if,
        )
    return FormDefinition(
        id=service_id,
        version=version,
        title=reader.text(service["title"], "service title"),
        description=reader.text(service["description"], "description")
        if "description" in service
        else None,
        handler=handler,
        fee=fee,
        fields=tuple(fields.values()),
        steps=tuple(steps),
        source=source,
    )


def load_definition(path: Path) -> FormDefinition:
    """Read and check one YAML file; its name (without .yaml) must be the service id."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise DefinitionError(path.name, f"cannot read: {e}") from e
    definition = parse_definition(data, path.name)
    if definition.id != path.stem:
        raise DefinitionError(path.name, f"service id '{definition.id}' differs from file name")
    return definition
