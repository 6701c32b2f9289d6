"""Form definitions as what a template needs: fields in the user's language with values,
visibility, requiredness, options and error messages.

Visibility is decided here from the answers (so a page works with no JavaScript: the server
hides what does not apply and drops it on submit); ``static/js/forms.js`` re-evaluates the same
conditions, given as data attributes, while the citizen types.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import FileStorage, MultiDict

from forms import (
    Condition,
    FieldDefinition,
    FormDefinition,
    ValidationResult,
    choice_labels,
    field_states,
    validate,
)

from ..i18n import language
from .catalogue import Choices

INPUT_TYPES = {
    "email": "email",
    "phone": "tel",
    "date": "date",
    "integer": "text",
    "amount": "text",
}
INPUT_MODES = {"integer": "numeric", "amount": "decimal", "phone": "tel"}
AUTOCOMPLETE = {"email": "email", "phone": "tel"}


@dataclass(frozen=True)
class FieldView:
    name: str
    id: str
    type: str
    widget: str
    label: str
    help: str | None
    required: bool
    always_required: bool
    visible: bool
    value: Any
    options: tuple[tuple[str, str], ...]
    errors: tuple[str, ...]
    visible_if: str | None
    required_if: str | None
    input_type: str = "text"
    input_mode: str | None = None
    autocomplete: str | None = None
    max_length: int | None = None

    @property
    def described_by(self) -> str:
        ids = []
        if self.errors:
            ids.append(f"{self.id}-error")
        if self.help:
            ids.append(f"{self.id}-help")
        return " ".join(ids)


@dataclass(frozen=True)
class StepView:
    id: str
    title: str
    fields: tuple[FieldView, ...]


@dataclass(frozen=True)
class FormView:
    id: str
    title: str
    description: str | None
    steps: tuple[StepView, ...]
    errors: tuple[tuple[str, str, str], ...] = ()  # (field id, label, message)
    fee: str | None = None
    unavailable: dict[str, str] = field(default_factory=dict)


def _condition(cond: Condition | None) -> str | None:
    if cond is None:
        return None
    return json.dumps({"field": cond.field, "values": list(cond.values)})


def input_value(field_def: FieldDefinition, value: Any) -> Any:
    """What an input shows for a stored (JSON-safe) or submitted value."""
    if value is None:
        return "" if field_def.type not in ("boolean", "file") else None
    if field_def.type == "amount" and isinstance(value, int) and not isinstance(value, bool):
        return f"{value // 100},{value % 100:02d}"
    if field_def.type == "boolean":
        return value is True or str(value).lower() in ("on", "true", "1", "sì", "si", "yes")
    if field_def.type == "file":
        return value if isinstance(value, Mapping) else None
    return str(value)


def form_view(
    definition: FormDefinition,
    values: Mapping[str, Any],
    choices: Choices,
    lang: str,
    result: ValidationResult | None = None,
) -> FormView:
    """Everything the form template shows in ``lang``; ``values`` are stored answers or the
    raw post."""
    words = language(lang)
    _ = words.gettext
    cleaned = (
        result.cleaned
        if result is not None
        else validate(definition, values, choices=choices.options, partial=True).cleaned
    )
    states = field_states(definition, cleaned)
    messages = result.messages(words) if result is not None else {}
    by_name: dict[str, FieldView] = {}
    summary_errors = []
    for f in definition.fields:
        fid = f"f-{f.name}"
        errs = tuple(messages.get(f.name, ()))
        state = states[f.name]
        widget = f.widget or ("select" if f.type == "choice" else f.type)
        by_name[f.name] = FieldView(
            name=f.name,
            id=fid,
            type=f.type,
            widget=widget,
            label=_(f.label),
            help=_(f.help) if f.help else None,
            required=state.required,
            always_required=f.required,
            visible=state.visible or bool(errs),
            value=input_value(f, values.get(f.name)),
            options=choice_labels(f, words, choices.options) if f.type == "choice" else (),
            errors=errs,
            visible_if=_condition(f.visible_if),
            required_if=_condition(f.required_if),
            input_type=INPUT_TYPES.get(f.type, "text"),
            input_mode=INPUT_MODES.get(f.type),
            autocomplete=AUTOCOMPLETE.get(f.type),
            max_length=f.options.get("max_length"),
        )
        # A radio group is reached through its first option.
        target = f"{fid}-1" if widget == "radio" and by_name[f.name].options else fid
        for message in errs:
            summary_errors.append((target, _(f.label), message))
    steps = tuple(
        StepView(s.id, _(s.title), tuple(by_name[name] for name in s.fields))
        for s in definition.steps
    )
    fee = None
    if definition.fee is not None:
        fee = _(definition.fee.label)
    return FormView(
        id=definition.id,
        title=_(definition.title),
        description=_(definition.description) if definition.description else None,
        steps=steps,
        errors=tuple(summary_errors),
        fee=fee,
        unavailable=dict(choices.unavailable),
    )


def posted_answers(
    definition: FormDefinition,
    form: MultiDict[str, str],
    files: MultiDict[str, FileStorage],
    stored: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The raw answers of a POST: text as sent, an unticked checkbox as False, an uploaded
    file as its metadata (the bytes are not kept), a file already in the draft kept."""
    raw: dict[str, Any] = {}
    for f in definition.fields:
        if f.type == "boolean":
            raw[f.name] = form.get(f.name, "") or False
        elif f.type == "file":
            upload = files.get(f.name)
            if upload is not None and upload.filename:
                data = upload.stream.read()
                raw[f.name] = {
                    "name": upload.filename,
                    "content_type": upload.mimetype or "application/octet-stream",
                    "size": len(data),
                }
            elif stored and f.name in stored:
                raw[f.name] = stored[f.name]
        elif f.name in form:
            raw[f.name] = form.get(f.name, "")
    return raw
