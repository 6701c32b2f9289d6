"""A form as a sequence of pages: its definition's steps, then a summary, then the last step.

The last step is the citizen's privacy notice and sending (``PRIVACY``) or, at the clerk's
desk, the sending choices (``SEND``). Each step is its own address; its post keeps the answers
(``progress``) and redirects to the step it leads to. An error found on another step than the
one shown is listed with a link to that step's page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from flask_babel import gettext as _

from forms import FormDefinition, ValidationResult, display_value, field_states, validate

from ..exceptions import NotFound
from ..i18n import language
from .catalogue import Choices
from .rendering import FieldView, FormView, StepView

SUMMARY = "riepilogo"
PRIVACY = "informativa"
SEND = "invio"


@dataclass(frozen=True)
class Flow:
    """The pages of one form being filled: their order, addresses and progress key."""

    definition: FormDefinition
    key: str
    last: str
    address: Callable[[str], str]  # step id ("" for the first) -> URL
    skipped: frozenset[str] = frozenset()  # steps none of whose fields apply to the answers

    def with_answers(self, raw: Mapping[str, Any], choices: Choices) -> Flow:
        """The flow without the steps whose every field is hidden by these answers."""
        cleaned = validate(self.definition, raw, choices=choices.options, partial=True).cleaned
        states = field_states(self.definition, cleaned)
        skipped = frozenset(
            s.id
            for s in self.definition.steps[1:]
            if not any(states[name].visible for name in s.fields)
        )
        return replace(self, skipped=skipped)

    @property
    def ids(self) -> tuple[str, ...]:
        steps = (s.id for s in self.definition.steps if s.id not in self.skipped)
        return (*steps, SUMMARY, self.last)

    def titles(self) -> list[str]:
        last = _("Privacy notice and sending") if self.last == PRIVACY else _("Sending")
        steps = (_(s.title) for s in self.definition.steps if s.id not in self.skipped)
        return [*steps, _("Summary"), last]

    def step(self, given: str) -> str:
        """The step ``given`` in an address ("" is the first); NotFound for any other."""
        if given == "":
            return self.definition.steps[0].id
        if given not in (*(s.id for s in self.definition.steps), SUMMARY, self.last):
            raise NotFound(_("This page of the form does not exist."), detail=f"step {given!r}")
        return given

    def number(self, step: str) -> int:
        return self.ids.index(step) + 1

    def url(self, step: str) -> str:
        return self.address("" if step == self.definition.steps[0].id else step)

    def neighbour(self, step: str, offset: int) -> str:
        ids = self.ids
        return ids[max(0, min(len(ids) - 1, ids.index(step) + offset))]

    def links(self, step: str) -> dict[int, str]:
        """The steps before ``step``, to open again from the stepper."""
        return {n: self.url(s) for n, s in enumerate(self.ids, start=1) if n < self.number(step)}

    def fields_of(self, step: str) -> tuple[str, ...]:
        for s in self.definition.steps:
            if s.id == step:
                return s.fields
        return ()

    def step_of_field(self, name: str) -> str:
        return next(s.id for s in self.definition.steps if name in s.fields)


def step_result(
    flow: Flow, step: str, raw: Mapping[str, Any], choices: Choices
) -> ValidationResult:
    """The answers checked as complete for ``step`` only (all of them for the last steps)."""
    full = validate(flow.definition, raw, choices=choices.options)
    if step in (SUMMARY, flow.last):
        return full
    mine = set(flow.fields_of(step))
    partial = validate(flow.definition, raw, choices=choices.options, partial=True)
    errors = {n: e for n, e in full.errors.items() if n in mine}
    errors.update(partial.errors)
    return ValidationResult(full.cleaned, errors)


def error_links(flow: Flow, step: str, form: FormView) -> list[tuple[str, str, str]]:
    """(href, label, message) of every error: an anchor on this page or a link to its step."""
    names = {}
    for s in form.steps:
        for f in s.fields:
            names[f.id] = names[f"{f.id}-1"] = f.name  # a radio group's first option too
    links = []
    for target, label, message in form.errors:
        name = names.get(target)
        where = flow.step_of_field(name) if name else step
        href = f"#{target}" if where == step else f"{flow.url(where)}#{target}"
        links.append((href, label, message))
    return links


def hidden_fields(form: FormView, step: str) -> list[tuple[str, str, bool]]:
    """(name, value, is a checkbox) of the other steps' answers, carried by this page."""
    hidden: list[tuple[str, str, bool]] = []
    for s in form.steps:
        if s.id == step:
            continue
        for f in s.fields:
            hidden.extend(_carried(f))
    return hidden


def _carried(f: FieldView) -> list[tuple[str, str, bool]]:
    if f.type == "file":
        return []  # the file's metadata stays in the progress; the bytes are never kept
    if f.type == "boolean":
        return [(f.name, "on", True)] if f.value else []
    return [(f.name, str(f.value), False)] if f.value not in (None, "") else []


def shown_step(form: FormView, step: str) -> StepView | None:
    return next((s for s in form.steps if s.id == step), None)


@dataclass(frozen=True)
class SummarySection:
    """One step's answers on the summary page, with the address to change them."""

    title: str
    url: str
    lines: tuple[tuple[str, str], ...]


def summary_sections(
    flow: Flow, raw: Mapping[str, Any], choices: Choices, lang: str
) -> list[SummarySection]:
    """Each step's visible answers as they read, in the order of the form."""
    words = language(lang)
    definition = flow.definition
    cleaned = validate(definition, raw, choices=choices.options, partial=True).cleaned
    states = field_states(definition, cleaned)
    sections = []
    for s in definition.steps:
        lines = []
        for name in s.fields:
            f = definition.field(name)
            if not states[name].visible:
                continue
            shown = (
                display_value(f, cleaned[name], words, choices.options)
                if name in cleaned
                else _("Not answered")
            )
            lines.append((words.gettext(f.label), shown))
        if lines:
            sections.append(SummarySection(_(s.title), flow.url(s.id), tuple(lines)))
    return sections
