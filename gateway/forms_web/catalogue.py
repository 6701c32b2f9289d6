"""The services' form definitions, and the choices that come from legacy systems.

A choice provider (declared by a feature's manifest) answers for one subject: ``children`` are
the guardian's children in the school registry (school), ``fines`` the citizen's open fines
(fines). A provider whose system is down gives no options and a plain-words message; the form
still renders and drafts can still be saved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

from flask import Flask, current_app

from forms import Choice, FormDefinition, FormRegistry

from ..features import registry
from ..i18n import Language
from ..legacy import try_legacy


def form_registry(app: Flask | None = None) -> FormRegistry:
    """Every form definition, loaded and checked once per app."""
    target = app or current_app
    registry = target.extensions.get("sportello.forms")
    if registry is None:
        registry = target.extensions["sportello.forms"] = FormRegistry.load()
    return registry


@dataclass(frozen=True)
class Choices:
    """Provider options for one subject, and the providers that could not answer."""

    options: dict[str, Sequence[Choice]] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)


def load_choices(definition: FormDefinition, subject_cf: str) -> Choices:
    """Ask each provider the form needs (legacy reads: call this before opening a write)."""
    options: dict[str, Sequence[Choice]] = {}
    unavailable: dict[str, str] = {}
    providers = registry().choice_providers
    for name in sorted(definition.providers):
        provider = providers[name]
        result, message = try_legacy(provider.service, partial(provider.options, subject_cf))
        options[name] = result or []
        if message:
            unavailable[provider.service] = message
    return Choices(options, unavailable)


def transaction_title(
    definition: FormDefinition, cleaned: Mapping[str, object], choices: Choices, words: Language
) -> str:
    """The title for lists and timelines, in ``words``' language: the service, and whom it is
    about if a provider choice says so (``Certificato … — Sofia Rossi``)."""
    title = words.gettext(definition.title)
    for f in definition.fields:
        if f.choices_from and f.name in cleaned:
            for option in choices.options.get(f.choices_from, ()):
                if option.value == cleaned[f.name]:
                    return f"{title} — {option.label.split(' — ')[0]}"[:200]
    return title[:200]
