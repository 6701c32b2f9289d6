"""The services' form definitions, and the choices that come from legacy systems.

A choice provider answers for one subject: ``children`` are the guardian's children in the
school registry, ``fines`` the citizen's open fines. A provider whose system is down gives no
options and a plain-words message; the form still renders and drafts can still be saved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from flask import Flask, current_app
from flask_babel import format_currency, format_date

from forms import Choice, FormDefinition, FormRegistry

from ..legacy import legacy, try_legacy


def form_registry(app: Flask | None = None) -> FormRegistry:
    """Every form definition, loaded and checked once per app."""
    target = app or current_app
    registry = target.extensions.get("sportello.forms")
    if registry is None:
        registry = target.extensions["sportello.forms"] = FormRegistry.load()
    return registry


def _children(subject_cf: str) -> list[Choice]:
    students = legacy().school.list_students(subject_cf)
    return [
        Choice.of(
            s.fiscal_code, f"{s.given_name} {s.family_name} — {s.class_name}, {s.school.name}"
        )
        for s in students
    ]


def _fines(subject_cf: str) -> list[Choice]:
    fines = legacy().fines.list_by_fiscal_code(subject_cf)
    return [
        Choice.of(
            f.report_number,
            f"{f.report_number} — {format_date(f.offence_at.date(), 'short')} — "
            f"{format_currency(f.amount_due / 100, 'EUR')}",
        )
        for f in fines
        if f.payable
    ]


PROVIDERS: dict[str, tuple[str, Callable[[str], list[Choice]]]] = {
    "children": ("school", _children),
    "fines": ("fines", _fines),
}


@dataclass(frozen=True)
class Choices:
    """Provider options for one subject, and the providers that could not answer."""

    options: dict[str, Sequence[Choice]] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)


def load_choices(definition: FormDefinition, subject_cf: str) -> Choices:
    """Ask each provider the form needs (legacy reads: call this before opening a write)."""
    options: dict[str, Sequence[Choice]] = {}
    unavailable: dict[str, str] = {}
    for name in sorted(definition.providers):
        service, provider = PROVIDERS[name]
        result, message = try_legacy(service, lambda p=provider: p(subject_cf))  # type: ignore[misc]
        options[name] = result or []
        if message:
            unavailable[service] = message
    return Choices(options, unavailable)


def transaction_title(
    definition: FormDefinition, cleaned: dict[str, object], choices: Choices
) -> str:
    """Italian title for lists and timelines: the service, and whom it is about if a provider
    choice says so (``Certificato … — Sofia Rossi``)."""
    title = definition.title.it
    for f in definition.fields:
        if f.choices_from and f.name in cleaned:
            for option in choices.options.get(f.choices_from, ()):
                if option.value == cleaned[f.name]:
                    return f"{title} — {option.label.it.split(' — ')[0]}"[:200]
    return title[:200]
