"""What both sides of a shared session see: the transaction's answers, proposals, documents.

Only the shared transaction's data is put in these pages: its answers, its documents, its
notices. Nothing else of the citizen's area reaches the clerk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from forms import FormDefinition, display_value, field_states

from ..forms_web import operations as drafts
from ..forms_web.catalogue import Choices, form_registry, load_choices
from ..forms_web.pages import lang
from ..i18n import current_language, default_locale
from ..models import Draft, Notice, SharedProposal, SharedSession
from ..payments.operations import notices_of
from ..timeline import state_label
from .proposals import draft_of, proposals_of


@dataclass(frozen=True)
class AnswerRow:
    name: str
    label: str
    value: str
    proposal: SharedProposal | None


@dataclass(frozen=True)
class LiveView:
    shared: SharedSession
    draft: Draft | None
    definition: FormDefinition | None
    answers: list[AnswerRow]
    pending: list[SharedProposal]
    answered: list[SharedProposal]
    notices: list[Notice]
    state: str
    editable: bool

    @property
    def tx(self) -> Any:
        return self.shared.transaction

    def shown(self, proposal: SharedProposal) -> str:
        return proposal.display.get(lang(), proposal.display.get(default_locale(), ""))

    def label_of(self, proposal: SharedProposal) -> str:
        if self.definition is not None and proposal.field:
            for f in self.definition.fields:
                if f.name == proposal.field:
                    return _(f.label)
        return ""


def definition_for(draft: Draft | None) -> FormDefinition | None:
    if draft is None or draft.service not in form_registry():
        return None
    return form_registry().get(draft.service)


def choices_for(definition: FormDefinition | None, citizen_cf: str) -> Choices:
    """Provider options for the citizen (legacy reads: before any write)."""
    return load_choices(definition, citizen_cf) if definition is not None else Choices()


def live_view(session: Session, shared: SharedSession) -> LiveView:
    tx = shared.transaction
    draft = draft_of(session, shared) if tx is not None else None
    definition = definition_for(draft)
    all_proposals = proposals_of(session, shared)
    pending = [p for p in all_proposals if p.status == "pending"]
    by_field = {p.field: p for p in pending if p.field}
    rows: list[AnswerRow] = []
    if definition is not None and draft is not None:
        cleaned = drafts.stored_cleaned(definition, draft)
        stored = drafts.stored_choices(definition, draft)
        states = field_states(definition, cleaned)
        words = current_language()
        for f in definition.fields:
            if not states[f.name].visible and f.name not in by_field:
                continue
            value = display_value(f, cleaned[f.name], words, stored) if f.name in cleaned else "—"
            rows.append(AnswerRow(f.name, _(f.label), value, by_field.get(f.name)))
    return LiveView(
        shared=shared,
        draft=draft,
        definition=definition,
        answers=rows,
        pending=pending,
        answered=[p for p in all_proposals if p.status != "pending"][:20],
        notices=notices_of(session, tx) if tx is not None else [],
        state=state_label(tx.state) if tx is not None else "",
        editable=bool(tx is not None and draft is not None and tx.state in drafts.EDITABLE),
    )


# Where the citizen's page lands after an answer: the next proposal, or the message that none
# is left (fragment ids of _citizen_panel.html; the browser moves focus to the target).
PROPOSAL_ANCHOR = "proposta-{id}"
NONE_LEFT_ANCHOR = "proposte-esito"


def next_proposal(pending: list[SharedProposal], answered_id: int) -> SharedProposal | None:
    """The proposal shown after the answered one, else the one before it; None if none is left."""
    ids = [p.id for p in pending]
    at = ids.index(answered_id) if answered_id in ids else len(ids)
    rest = pending[at + 1 :] + pending[:at]
    return rest[0] if rest else None


def answer_anchor(pending: list[SharedProposal], answered_id: int) -> str:
    following = next_proposal(pending, answered_id)
    return NONE_LEFT_ANCHOR if following is None else PROPOSAL_ANCHOR.format(id=following.id)


def is_fetch() -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def back_to_box(endpoint: str, shared: SharedSession, field: str, message: str) -> Response:
    """Sending without the required box: back to the live page, at the box, with ``message``."""
    flash(message, "danger")
    return redirect(url_for(endpoint, session_id=shared.id, _anchor=f"f-{field}"), 303)


def done(location: str) -> Response:
    """After an action: 204 for the page's script (the live event refreshes it), else back."""
    if is_fetch():
        return Response(status=204)
    from flask import redirect

    return redirect(location, code=303)
