"""Validating submitted data against a definition, and showing cleaned data back.

`validate` checks every field and returns all the errors at once; it never stops at the first.
Fields are visited in definition order, so a condition always sees the cleaned value of the
(earlier) field it tests. A hidden field is dropped from the cleaned data whatever was sent for
it, so stale answers from a branch the citizen left never reach the handler.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from forms.errors import InvalidValue, MissingChoices
from forms.fields import FIELD_KINDS, CleanContext
from forms.messages import FieldError, FormLanguage, field_error
from forms.model import Choice, FieldDefinition, FormDefinition

Providers = Mapping[str, Sequence[Choice]]


@dataclass(frozen=True)
class ValidationResult:
    """Cleaned values of the visible, valid, non-empty fields, and errors by field name."""

    cleaned: dict[str, Any]
    errors: dict[str, list[FieldError]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when there is no error."""
        return not self.errors

    def messages(self, lang: FormLanguage) -> dict[str, list[str]]:
        """Error messages in `lang`, by field name."""
        return {name: [e.message(lang) for e in errs] for name, errs in self.errors.items()}


@dataclass(frozen=True)
class FieldState:
    """Whether a field is shown and required, given the answers so far."""

    visible: bool
    required: bool


def choices_for(field_def: FieldDefinition, choices: Providers | None) -> tuple[Choice, ...]:
    """The options of a choice field: static, or from the named provider (`MissingChoices`)."""
    if field_def.choices_from is None:
        return field_def.choices
    if choices is None or field_def.choices_from not in choices:
        raise MissingChoices(field_def.choices_from, field_def.name)
    return tuple(choices[field_def.choices_from])


def choice_label(field_def: FieldDefinition, choice: Choice, lang: FormLanguage) -> str:
    """What the citizen reads for ``choice``: a definition's own option is a message id,
    translated; a provider's option (a child's name, a fine) is data, shown as given."""
    return choice.label if field_def.choices_from else lang.gettext(choice.label)


def choice_labels(
    field_def: FieldDefinition, lang: FormLanguage, choices: Providers | None = None
) -> tuple[tuple[str, str], ...]:
    """(value, label) of each option of a choice field, in ``lang`` (see `choice_label`)."""
    return tuple(
        (c.value, choice_label(field_def, c, lang)) for c in choices_for(field_def, choices)
    )


def _is_empty(value: Any) -> bool:
    if value is None or value is False:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, Mapping | list | tuple) and not value


def _state(field_def: FieldDefinition, cleaned: Mapping[str, Any]) -> FieldState:
    visible = field_def.visible_if is None or field_def.visible_if.holds(cleaned)
    required = visible and (
        field_def.required
        or (field_def.required_if is not None and field_def.required_if.holds(cleaned))
    )
    return FieldState(visible, required)


def field_states(definition: FormDefinition, cleaned: Mapping[str, Any]) -> dict[str, FieldState]:
    """Visibility and requiredness of every field for these cleaned values (for rendering)."""
    return {f.name: _state(f, cleaned) for f in definition.fields}


def validate(
    definition: FormDefinition,
    data: Mapping[str, Any],
    *,
    choices: Providers | None = None,
    partial: bool = False,
    today: dt.date | None = None,
) -> ValidationResult:
    """Clean `data` (form posts, API JSON, or a stored draft) and collect every field error.

    `choices` supplies the options of provider-backed fields, e.g. `{"children": [...]}`: a value
    outside them is `choice.invalid`, which is how a guardian is kept to their own children.
    `partial=True` is for drafts: missing required answers are not errors, malformed ones are.
    Keys of `data` that are not fields are ignored. `today` defaults to the local date.
    """
    today = today or dt.date.today()
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[FieldError]] = {}
    for field_def in definition.fields:
        state = _state(field_def, cleaned)
        if not state.visible:
            continue
        kind = FIELD_KINDS[field_def.type]
        allowed = (
            frozenset(c.value for c in choices_for(field_def, choices))
            if field_def.type == "choice"
            else frozenset()
        )
        raw = data.get(field_def.name)
        value = kind.unset
        if not _is_empty(raw):
            try:
                value = kind.clean(raw, field_def.options, CleanContext(today, allowed))
            except InvalidValue as e:
                errors[field_def.name] = [field_error(e.code, e.params)]
                continue
        if value is not None:
            cleaned[field_def.name] = value
        answered = value is not None and kind.satisfies_required(value)
        if state.required and not answered and not partial:
            errors[field_def.name] = [field_error("required")]
    return ValidationResult(cleaned, errors)


def to_json(definition: FormDefinition, cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """Cleaned values in JSON-safe form (dates as ISO strings) for storing a draft.

    `validate(definition, to_json(definition, cleaned))` gives `cleaned` back.
    """
    return {
        f.name: FIELD_KINDS[f.type].to_json(cleaned[f.name])
        for f in definition.fields
        if f.name in cleaned
    }


def display_value(
    field_def: FieldDefinition, value: Any, lang: FormLanguage, choices: Providers | None = None
) -> str:
    """How a cleaned value reads on screen or paper in ``lang`` (choice labels, amounts, days)."""
    if field_def.type == "choice":
        options = (
            field_def.choices
            if field_def.choices_from is None
            else tuple((choices or {}).get(field_def.choices_from, ()))
        )
        for option in options:
            if option.value == value:
                return choice_label(field_def, option, lang)
        return str(value)
    return FIELD_KINDS[field_def.type].display(value, lang)


def summary(
    definition: FormDefinition,
    cleaned: Mapping[str, Any],
    lang: FormLanguage,
    *,
    choices: Providers | None = None,
    include_empty: bool = False,
) -> list[tuple[str, str]]:
    """(label, display value) of the visible answered fields, in form order.

    For draft sheets and the read-only counter view. Without the provider data, a provider-backed
    choice shows its raw value. `include_empty=True` adds visible unanswered fields with "—" (for
    a sheet to fill in by hand).
    """
    lines: list[tuple[str, str]] = []
    for field_def in definition.fields:
        if not _state(field_def, cleaned).visible:
            continue
        label = lang.gettext(field_def.label)
        if field_def.name in cleaned:
            value = display_value(field_def, cleaned[field_def.name], lang, choices)
            lines.append((label, value))
        elif include_empty:
            lines.append((label, "—"))
    return lines
