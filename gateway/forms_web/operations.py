"""Operations on form drafts: save, submit, prepare for confirmation, confirm, resume, print.

A draft is a transaction in state ``draft`` (or ``awaiting_confirmation`` when a clerk prepared
it) with a ``Draft`` row holding the answers and the hashed resume code. ``Draft.data`` keeps
``answers`` (JSON-safe cleaned values) and ``labels`` (what provider-backed choices read as, so
a summary can show "Sofia Rossi" on a channel that cannot ask the school registry).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from forms import Choice, FormDefinition, ValidationResult, summary, to_json, validate
from forms.resume import format_code
from printing import DraftSheet, render_draft

from .. import clock
from ..i18n import TITLES, language, written
from ..models import Draft, Transaction, utcnow
from ..notifications import notify
from ..transactions.operations import change_state, get_by_reference, open_transaction
from ..transactions.states import State
from .catalogue import Choices, form_registry, transaction_title
from .errors import DraftClosed, FormNotValid
from .filler import Filler, filler_event
from .handlers import submit_handler
from .privacy import Acknowledgement
from .resume import ResumeSettings, code_hash, find_draft, issue_code, resume_settings

EDITABLE = (State.DRAFT.value, State.AWAITING_CONFIRMATION.value)


@dataclass(frozen=True)
class Saved:
    """A saved draft and, when one was issued now, its new resume code (show it once)."""

    draft: Draft
    code: str | None


def answers_of(draft: Draft) -> dict[str, Any]:
    return dict((draft.data or {}).get("answers", {}))


def stored_choices(definition: FormDefinition, draft: Draft) -> dict[str, list[Choice]]:
    """Provider options rebuilt from the draft's own answers and labels (no legacy call)."""
    answers, labels = answers_of(draft), dict((draft.data or {}).get("labels", {}))
    result: dict[str, list[Choice]] = {name: [] for name in definition.providers}
    for f in definition.fields:
        if f.choices_from and f.name in answers:
            value = str(answers[f.name])
            result[f.choices_from].append(Choice.of(value, labels.get(f.name, value)))
    return result


def stored_cleaned(definition: FormDefinition, draft: Draft) -> dict[str, Any]:
    """The draft's answers as cleaned values (dates as dates), trusting its stored choices."""
    return validate(
        definition, answers_of(draft), choices=stored_choices(definition, draft), partial=True
    ).cleaned


def _labels(definition: FormDefinition, cleaned: Mapping[str, Any], choices: Choices) -> dict:
    """The provider options chosen, as the provider named them (data, kept with the draft)."""
    labels = {}
    for f in definition.fields:
        if f.choices_from and f.name in cleaned:
            for option in choices.options.get(f.choices_from, ()):
                if option.value == cleaned[f.name]:
                    labels[f.name] = option.label
    return labels


def _editable(draft: Draft) -> Transaction:
    tx = draft.transaction
    if tx.state not in EDITABLE or draft.submitted_at is not None:
        raise DraftClosed()
    return tx


def _store(
    draft: Draft,
    definition: FormDefinition,
    result: ValidationResult,
    choices: Choices,
    settings: ResumeSettings,
) -> None:
    draft.data = {
        "answers": to_json(definition, result.cleaned),
        "labels": _labels(definition, result.cleaned, choices),
    }
    draft.expires_at = utcnow() + settings.draft_ttl
    title, titles = written(partial(transaction_title, definition, result.cleaned, choices))
    tx = draft.transaction
    tx.title, tx.data = title, {**(tx.data or {}), TITLES: titles}


def _new_draft(
    session: Session, definition: FormDefinition, filler: Filler, settings: ResumeSettings
) -> Draft:
    title, titles = written(lambda words: words.gettext(definition.title))
    tx = open_transaction(
        session,
        service=definition.id,
        title=title,
        subject_cf=filler.subject_cf,
        actor=filler.actor,
        data={"form_version": definition.version, TITLES: titles},
    )
    draft = Draft(
        transaction=tx,
        service=definition.id,
        subject_cf=filler.subject_cf,
        data={},
        expires_at=utcnow() + settings.draft_ttl,
    )
    session.add(draft)
    return draft


def _validated(
    definition: FormDefinition,
    data: Mapping[str, Any],
    choices: Choices,
    *,
    partial: bool,
) -> ValidationResult:
    result = validate(definition, data, choices=choices.options, partial=partial)
    if not result.ok:
        raise FormNotValid(result, _("Some answers need to be corrected."))
    return result


def save_draft(
    session: Session,
    *,
    definition: FormDefinition,
    raw: Mapping[str, Any],
    choices: Choices,
    filler: Filler,
    draft: Draft | None = None,
    settings: ResumeSettings | None = None,
) -> Saved:
    """Keep the answers so far (missing ones are fine, malformed ones are FormNotValid).

    A new draft opens its transaction and gets a resume code; an existing one keeps its code
    (a printed sheet must keep working) unless it has none. A draft waiting for the citizen's
    confirmation that is changed goes back to ``draft``.
    """
    settings = settings or resume_settings()
    result = _validated(definition, raw, choices, partial=True)
    if draft is None:
        draft = _new_draft(session, definition, filler, settings)
    else:
        tx = _editable(draft)
        if tx.state == State.AWAITING_CONFIRMATION.value:
            change_state(session, tx, State.DRAFT, filler.actor, kind="draft_reopened",
                         data=filler.data())  # fmt: skip
    _store(draft, definition, result, choices, settings)
    code = issue_code(draft, settings) if draft.code_hash is None else None
    filler_event(session, draft.transaction, filler, "draft_saved",
                 {"answered": len(result.cleaned)})  # fmt: skip
    return Saved(draft, code)


def submit_form(
    session: Session,
    *,
    definition: FormDefinition,
    raw: Mapping[str, Any] | None,
    choices: Choices,
    filler: Filler,
    draft: Draft | None = None,
    settings: ResumeSettings | None = None,
    privacy: Acknowledgement | None = None,
) -> Transaction:
    """Validate everything, move the transaction to ``submitted`` and run the service handler.

    ``raw=None`` submits the stored answers (a citizen confirming what a clerk prepared: the
    event is then ``confirmed``). The resume code stops working. ``privacy``, the citizen's
    acknowledgement of the privacy notice, is recorded in the submission's event.
    """
    settings = settings or resume_settings()
    data = raw if raw is not None else (answers_of(draft) if draft else {})
    result = _validated(definition, data, choices, partial=False)
    if draft is None:
        draft = _new_draft(session, definition, filler, settings)
    tx = _editable(draft)
    _store(draft, definition, result, choices, settings)
    confirming = tx.state == State.AWAITING_CONFIRMATION.value and not filler.on_behalf
    draft.submitted_at = utcnow()
    draft.code_hash = None
    fee = definition.fee_due_cents(result.cleaned)
    tx.amount_cents = fee or None
    tx.data = {
        **(tx.data or {}),
        "form": answers_of(draft),
        "labels": dict(draft.data.get("labels", {})),
        "form_version": definition.version,
    }
    change_state(
        session,
        tx,
        State.SUBMITTED,
        filler.actor,
        kind="confirmed" if confirming else "submitted",
        data=filler.data({"fee_cents": fee, **(privacy.data() if privacy else {})}),
    )
    handler = submit_handler(definition)
    if handler is not None:
        handler(
            session, definition=definition, transaction=tx, cleaned=result.cleaned, filler=filler
        )
    return tx


def prepare_for_confirmation(
    session: Session,
    *,
    definition: FormDefinition,
    raw: Mapping[str, Any],
    choices: Choices,
    filler: Filler,
    draft: Draft | None = None,
    settings: ResumeSettings | None = None,
) -> Saved:
    """A clerk completes the form and leaves it for the citizen to confirm online."""
    settings = settings or resume_settings()
    result = _validated(definition, raw, choices, partial=False)
    if draft is None:
        draft = _new_draft(session, definition, filler, settings)
    tx = _editable(draft)
    _store(draft, definition, result, choices, settings)
    code = issue_code(draft, settings) if draft.code_hash is None else None
    if tx.state == State.DRAFT.value:
        change_state(session, tx, State.AWAITING_CONFIRMATION, filler.actor,
                     kind="prepared_for_confirmation", data=filler.data())  # fmt: skip
        # The citizen is told where to confirm; the link survives the login.
        notify(
            session,
            citizen_cf=tx.subject_cf,
            kind="prepared_for_confirmation",
            context={"title": tx.title, "reference": tx.reference,
                     "clerk_name": filler.actor.name},
            link=f"/area-personale/pratiche/{tx.reference}/conferma",
            dedupe_key=f"tx{tx.id}",
            transaction_id=tx.id,
        )  # fmt: skip
    return Saved(draft, code)


def draft_for_subject(session: Session, reference: str, subject_cf: str) -> Draft:
    """The draft of the subject's transaction ``reference`` (NotFound for anyone else's)."""
    tx = get_by_reference(session, reference, subject_cf=subject_cf)
    draft = session.scalar(select(Draft).where(Draft.transaction_id == tx.id))
    if draft is None:
        from ..exceptions import NotFound

        raise NotFound(_("This request has no form to show."), detail=f"no draft for {reference}")
    return draft


def resume_by_code(
    session: Session,
    text: str,
    *,
    filler: Filler,
    client: str,
    settings: ResumeSettings | None = None,
) -> Draft:
    """Open the subject's draft by its code (see ``resume.find_draft``) and note it on the
    timeline. A failed guess is in the session: commit it even when this raises."""
    draft = find_draft(
        session,
        text,
        subject_cf=filler.subject_cf,
        client=client,
        settings=settings or resume_settings(),
    )
    filler_event(session, draft.transaction, filler, "draft_resumed")
    return draft


def sheet_code(
    session: Session,
    draft: Draft,
    *,
    filler: Filler,
    shown_code: str | None,
    settings: ResumeSettings | None = None,
) -> str:
    """The code to print on the draft sheet: the one just shown if it is still the draft's,
    else a new one (the old code stops working). Records the printing."""
    settings = settings or resume_settings()
    _editable(draft)
    code = None
    if shown_code:
        from .resume import parse_code

        candidate = parse_code(shown_code)
        if draft.code_hash == code_hash(settings.secret, candidate):
            code = candidate
    renewed = code is None
    if code is None:
        code = issue_code(draft, settings)
    filler_event(session, draft.transaction, filler, "draft_sheet_printed",
                 {"new_code": renewed})  # fmt: skip
    return code


def render_draft_sheet(
    definition: FormDefinition,
    draft: Draft,
    code: str,
    *,
    lang: str,
    base_url: str,
    applicant_name: str = "",
) -> bytes:
    """The printed draft (PDF): answers so far, the code as text and as a QR code."""
    cleaned = stored_cleaned(definition, draft)
    words = language(lang)
    lines = summary(
        definition,
        cleaned,
        words,
        choices=stored_choices(definition, draft),
        include_empty=True,
    )
    shown = format_code(code)
    sheet = DraftSheet(
        service_title=words.gettext(definition.title),
        fields=tuple(lines),
        resume_code=shown,
        resume_url=f"{base_url.rstrip('/')}/riprendi/{shown}",
        expires_at=clock.today(draft.expires_at),
        applicant_name=applicant_name,
        created_at=draft.created_at,
    )
    return render_draft(sheet, words)


def draft_summary(definition: FormDefinition, draft: Draft, lang: str) -> dict[str, Any]:
    """A read-only description of a draft for any channel (JSON-safe)."""
    cleaned = stored_cleaned(definition, draft)
    words = language(lang)
    lines = summary(definition, cleaned, words, choices=stored_choices(definition, draft))
    expires: date = clock.today(draft.expires_at)
    return {
        "reference": draft.transaction.reference,
        "service": definition.id,
        "title": words.gettext(definition.title),
        "state": draft.transaction.state,
        "expires_on": expires.isoformat(),
        "fields": [{"label": label, "value": value} for label, value in lines],
        "fee_cents": definition.fee_due_cents(cleaned),
    }


def draft_summary_for_counter(
    session: Session,
    code: str,
    *,
    client: str = "counter",
    lang: str = "it",
    settings: ResumeSettings | None = None,
) -> dict[str, Any]:
    """The read-only summary a counter terminal shows for a printed draft's code.

    The counter does not know the subject, so the code alone opens the summary (never the
    draft itself); guesses are throttled per ``client`` (give the terminal id). Raises
    TooManyGuesses, ResumeCodeMistyped, ResumeCodeNotFound; commit even when it raises.
    """
    draft = find_draft(
        session, code, subject_cf=None, client=client, settings=settings or resume_settings()
    )
    definition = form_registry().get(draft.service)
    return draft_summary(definition, draft, lang)
