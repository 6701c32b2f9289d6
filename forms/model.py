"""The parsed shape of a form definition: immutable values the gateway renders and validates.

Definitions come from YAML files (see `forms.loader`); nothing here reads files. Titles, labels,
help texts and the options of a definition are English message ids: their translations live in
the gateway's catalogues (``forms.extract`` finds them for ``tools/i18n.py``) and whoever shows
them translates them (``lang.gettext(field.label)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Choice:
    """One option of a choice field: the submitted value and what the citizen reads.

    In a definition the label is a message id; from a provider (the caller's data: a child's
    name, a fine) it is the text itself, already in the reader's language (see
    `forms.validation.choice_label`)."""

    value: str
    label: str

    @classmethod
    def of(cls, value: str, label: str) -> Choice:
        """An option of provider data."""
        return cls(value, label)


@dataclass(frozen=True)
class Condition:
    """`field` has one of `values` (compared on cleaned values, type included)."""

    field: str
    values: tuple[Any, ...]

    def holds(self, cleaned: Mapping[str, Any]) -> bool:
        """False when the field has no cleaned value (hidden, empty or invalid)."""
        if self.field not in cleaned:
            return False
        current = cleaned[self.field]
        # type() too: True == 1 must not make a yes/no condition match a number.
        return any(type(current) is type(v) and current == v for v in self.values)


@dataclass(frozen=True)
class FieldDefinition:
    """One field. `options` holds the type's options with defaults filled in (e.g. max_length)."""

    name: str
    type: str
    label: str
    step: str
    help: str | None = None
    required: bool = False
    required_if: Condition | None = None
    visible_if: Condition | None = None
    choices: tuple[Choice, ...] = ()
    choices_from: str | None = None
    widget: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """A page (or fieldset) of the form: its title and the names of its fields, in order."""

    id: str
    title: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Fee:
    """What the service costs (e.g. imposta di bollo, 1600 cents) unless `exempt_if` holds."""

    kind: str
    amount_cents: int
    label: str
    exempt_if: Condition | None = None

    def due_cents(self, cleaned: Mapping[str, Any]) -> int:
        """The amount due for these cleaned values."""
        if self.exempt_if is not None and self.exempt_if.holds(cleaned):
            return 0
        return self.amount_cents


@dataclass(frozen=True)
class FormDefinition:
    """A service's form: metadata, fee, steps and fields (in the order they are validated)."""

    id: str
    version: int
    title: str
    fields: tuple[FieldDefinition, ...]
    steps: tuple[Step, ...]
    source: str
    description: str | None = None
    handler: str | None = None
    fee: Fee | None = None

    def field(self, name: str) -> FieldDefinition:
        """The field called `name`; KeyError if there is none."""
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    @property
    def providers(self) -> frozenset[str]:
        """Names of the choice providers the caller must supply (e.g. "children")."""
        return frozenset(f.choices_from for f in self.fields if f.choices_from)

    def fee_due_cents(self, cleaned: Mapping[str, Any]) -> int:
        """The fee for these cleaned values; 0 for a free service."""
        return self.fee.due_cents(cleaned) if self.fee else 0
