"""The pages of a form being filled step by step, for the citizen's and the clerk's views.

A view builds its ``Flow`` (addresses, progress key, last step) and calls ``answers`` for a
GET, ``take_post`` for a POST; ``step_page`` is what its template renders. The views decide
what "save", "submit" or "prepare" do; moving between steps is the same for both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import redirect, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from forms import ValidationResult, validate

from . import progress
from .catalogue import Choices
from .errors import FormNotValid
from .pages import lang
from .rendering import FormView, StepView, form_view, posted_answers
from .steps import (
    SUMMARY,
    Flow,
    SummarySection,
    error_links,
    hidden_fields,
    shown_step,
    step_result,
    summary_sections,
)

MOVES = ("next", "back")


@dataclass(frozen=True)
class StepPage:
    """Everything a step's template shows."""

    flow: Flow
    step: str
    form: FormView
    number: int
    titles: list[str]
    links: dict[int, str]
    action: str
    fields: StepView | None
    hidden: list[tuple[str, str, bool]]
    errors: list[tuple[str, str, str]]
    buttons: list[tuple[str, str, str]]
    sections: list[SummarySection] = field(default_factory=list)

    @property
    def is_summary(self) -> bool:
        return self.step == SUMMARY

    @property
    def is_last(self) -> bool:
        return self.step == self.flow.last


def answers(flow: Flow, stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """What the step pages show: the answers kept in this session, else the draft's."""
    kept = progress.load(flow.key)
    return kept if kept is not None else dict(stored or {})


def take_post(flow: Flow, stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """The answers of a step's post (the whole form: the other steps ride as hidden fields),
    kept for the next page."""
    before = progress.load(flow.key)
    raw = posted_answers(flow.definition, request.form, request.files, before or stored)
    progress.keep(flow.key, raw)
    return raw


def buttons(flow: Flow, step: str, last: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The step's buttons, the one to go on first (Enter presses it)."""
    if step == flow.last:
        shown = list(last)
    else:
        shown = [("next", _("Next"), "btn-primary")]
        shown += [b for b in last if b[0] == "save"]
    if flow.number(step) > 1:
        shown.append(("back", _("Back"), "btn-outline-secondary"))
    return shown


def step_page(
    flow: Flow,
    step: str,
    raw: Mapping[str, Any],
    choices: Choices,
    last_buttons: list[tuple[str, str, str]],
    result: ValidationResult | None = None,
    extra_errors: list[tuple[str, str, str]] | None = None,
) -> StepPage:
    form = form_view(flow.definition, raw, choices, lang(), result)
    return StepPage(
        flow=flow,
        step=step,
        form=form,
        number=flow.number(step),
        titles=flow.titles(),
        links=flow.links(step),
        action=flow.url(step),
        fields=shown_step(form, step),
        hidden=hidden_fields(form, step),
        errors=error_links(flow, step, form) + list(extra_errors or []),
        buttons=buttons(flow, step, last_buttons),
        sections=summary_sections(flow, raw, choices, lang()) if step == SUMMARY else [],
    )


def move(flow: Flow, step: str, raw: Mapping[str, Any], choices: Choices) -> Response | None:
    """Back or Next from ``step``: the redirect to the step it leads to, or None when this
    step's answers have errors (``step_result`` tells which)."""
    if request.form.get("action") == "back":
        return redirect(flow.url(flow.neighbour(step, -1)), 303)
    if not step_result(flow, step, raw, choices).ok:
        return None
    return redirect(flow.url(flow.neighbour(step, 1)), 303)


def refused_page(
    flow: Flow,
    step: str,
    raw: Mapping[str, Any],
    choices: Choices,
    last_buttons: list[tuple[str, str, str]],
    error: Exception,
    box: tuple[str, str],
) -> StepPage:
    """The step posted again, every error in its summary: the answers' (``FormNotValid``) and,
    when sending without it, the last step's required box (``box``: its field and message,
    linked to the box on the last step's page)."""
    if isinstance(error, FormNotValid):
        result: ValidationResult | None = error.result
        ticked = request.form.get(box[0]) == "on"
        missing = request.form.get("action") == "submit" and not ticked
    else:
        full = validate(flow.definition, raw, choices=choices.options)
        result, missing = (None if full.ok else full), True
    extra = []
    if missing:
        field, message = box
        href = f"#f-{field}" if step == flow.last else flow.url(flow.last) + f"#f-{field}"
        extra.append((href, _("Privacy notice"), message))
    return step_page(flow, step, raw, choices, last_buttons, result, extra)
