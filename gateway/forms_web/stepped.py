"""The citizen's form, one step per page: next, back, save as draft, send.

Each step's address answers GET (its page, with the answers kept in the session) and POST
(the whole form: the step's fields and the others' as hidden fields), which redirects to the
step it leads to, saves the draft, or sends the request with the privacy acknowledgement.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask import session as web_session
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from forms import validate

from ..access import SessionIdentity, require_identity
from ..db import db
from ..models import Draft
from . import filling, kept, operations, privacy, progress, steps
from .catalogue import load_choices
from .errors import FormNotValid
from .filler import citizen_filler
from .filling import StepPage
from .pages import code_display
from .rendering import posted_answers
from .steps import PRIVACY, SUMMARY, Flow

SAVED_KEY = "forms_saved"  # the draft just saved and its new resume code, for one page


def _buttons() -> list[tuple[str, str, str]]:
    """The last step's buttons."""
    return [
        ("submit", _("Send the request"), "btn-primary"),
        ("save", _("Save as draft"), "btn-outline-primary"),
    ]


def _flow(definition: Any, draft: Draft | None) -> Flow:
    if draft is None:
        service = definition.id
        return Flow(definition, progress.new_form(service), PRIVACY,
                    lambda step: _new_url(service, step))  # fmt: skip
    reference = draft.transaction.reference
    return Flow(definition, progress.draft_form(reference), PRIVACY,
                lambda step: _edit_url(reference, step))  # fmt: skip


def _new_url(service: str, step: str) -> str:
    if step:
        return url_for("forms_web.new_step", service=service, step=step)
    return url_for("forms_web.new", service=service)


def _edit_url(reference: str, step: str) -> str:
    if step:
        return url_for("forms_web.edit_step", reference=reference, step=step)
    return url_for("forms_web.edit", reference=reference)


def _step_page(
    page: StepPage, draft: Draft | None, status: int = 200, restored: bool = False
) -> Any:
    return (
        render_template(
            "forms_web/form_page.html",
            page=page,
            definition=page.flow.definition,
            form=page.form,
            draft=draft,
            restored=restored,
            owner=kept.owner_tag(require_identity().fiscal_code),
            privacy_url=privacy.notice_url(),
            privacy_field=privacy.FIELD,
        ),
        status,
    )


def _restored(definition: Any, identity: SessionIdentity, stored: Any = None) -> Any:
    """The answers typed before the session expired, if this browser kept some for this
    person and this form (once), as raw answers; else None."""
    found = kept.take_kept(identity.fiscal_code)
    if found is None:
        return None
    return posted_answers(definition, found, MultiDict(), stored)


def fill(definition: Any, draft: Draft | None, given: str) -> Any:
    """A step of the citizen's form: shown, or its post (next, back, save or send)."""
    identity = require_identity()
    flow = _flow(definition, draft)
    step = flow.step(given)
    choices = load_choices(definition, identity.fiscal_code)
    stored = operations.answers_of(draft) if draft else None
    if request.method == "POST":
        raw = filling.take_post(flow, stored)
        return _post(flow.with_answers(raw, choices), step, raw, choices, draft)
    restored = _restored(definition, identity, stored)
    if restored is not None:
        progress.keep(flow.key, restored)
    raw = restored if restored is not None else filling.answers(flow, stored)
    if draft is None and restored is None and step == flow.ids[0]:
        names = {f.name for f in definition.fields}
        raw = {**raw, **{k: v for k, v in request.args.items() if k in names}}
    flow = flow.with_answers(raw, choices)
    if step not in flow.ids:
        return redirect(flow.url(SUMMARY), 303)
    result = None
    if step == SUMMARY:
        full = validate(definition, raw, choices=choices.options)
        result = None if full.ok else full
    page = filling.step_page(flow, step, raw, choices, _buttons(), result)
    return _step_page(page, draft, restored=restored is not None)


def _post(flow: Flow, step: str, raw: Any, choices: Any, draft: Draft | None) -> Any:
    identity = require_identity()
    if step not in flow.ids:
        return redirect(flow.url(SUMMARY), 303)
    definition = flow.definition
    action = request.form.get("action")
    filler = citizen_filler(identity)
    if action in filling.MOVES:
        moved = filling.move(flow, step, raw, choices)
        if moved is not None:
            return moved
        result = steps.step_result(flow, step, raw, choices)
        page = filling.step_page(flow, step, raw, choices, _buttons(), result)
        return _step_page(page, draft, 422)
    try:
        if action == "submit":
            ack = privacy.acknowledgement(request.form)
            if ack is None:
                raise privacy.PrivacyNotAcknowledged()
            tx = operations.submit_form(
                db.session,
                definition=definition,
                raw=raw,
                choices=choices,
                filler=filler,
                draft=draft,
                privacy=ack,
            )
            db.session.commit()
            progress.forget(flow.key)
            flash(_("Your request has been sent."), "success")
            return redirect(url_for("forms_web.status", reference=tx.reference))
        saved = operations.save_draft(
            db.session, definition=definition, raw=raw, choices=choices, filler=filler, draft=draft
        )
        db.session.commit()
        progress.forget(flow.key)
    except (FormNotValid, privacy.PrivacyNotAcknowledged) as e:
        db.session.rollback()
        return _refused(flow, step, raw, choices, draft, e)
    # Post, redirect, get: the saved page can be reloaded and Back does not send the form
    # again. Its new resume code waits for that page in the server-side session, shown once.
    reference = saved.draft.transaction.reference
    web_session[SAVED_KEY] = {"reference": reference, "code": saved.code}
    return redirect(url_for("forms_web.saved", reference=reference), 303)


def saved_page(draft: Draft) -> str:
    """The draft just saved, with its new resume code the first time the page is shown."""
    kept_code = web_session.pop(SAVED_KEY, None) or {}
    code = (
        kept_code.get("code") if kept_code.get("reference") == draft.transaction.reference else None
    )
    return render_template(
        "forms_web/saved.html",
        draft=draft,
        tx=draft.transaction,
        shown=code_display(draft, code) if code else None,
    )


def _refused(flow: Flow, step: str, raw: Any, choices: Any, draft: Draft | None,
             error: Exception) -> Any:  # fmt: skip
    """The step posted, again, with every error in the summary (the privacy box's too)."""
    box = (privacy.FIELD, str(privacy.PrivacyNotAcknowledged.title))
    page = filling.refused_page(flow, step, raw, choices, _buttons(), error, box)
    return _step_page(page, draft, 422)
