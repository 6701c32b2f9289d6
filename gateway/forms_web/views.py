"""The citizen's forms: fill, save a draft, resume it by code, print it, submit, confirm."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from forms import UnknownService, summary

from ..access import SessionIdentity, require_identity
from ..db import db
from ..exceptions import NotFound
from ..i18n import current_language
from ..identifiers import typed_resume_code, valid_resume_code
from ..models import Document, Draft
from ..timeline import state_label
from ..transactions.operations import get_by_reference
from ..transactions.states import State
from . import kept, operations
from .catalogue import form_registry, load_choices
from .errors import FormNotValid, ResumeCodeMistyped, ResumeCodeNotFound, TooManyGuesses
from .filler import Filler
from .pages import base_url, client_key, code_display, lang, pdf_response
from .payments_link import payment_links
from .rendering import form_view, posted_answers

bp = Blueprint("forms_web", __name__, template_folder="templates")


@bp.record_once
def _keep_expired_posts(state: BlueprintSetupState) -> None:
    kept.install(state.app)


def citizen_filler(identity: SessionIdentity) -> Filler:
    actor = identity.actor()
    return Filler(actor=actor, subject_cf=identity.fiscal_code, subject_name=identity.full_name)


def definition_of(service: str) -> Any:
    try:
        return form_registry().get(service)
    except UnknownService as e:
        raise NotFound(_("This service does not exist."), detail=str(e)) from e


def typed_code(raw: str) -> str:
    """The resume code a person typed, compact; ResumeCodeMistyped (a typo, not a guess)."""
    code = typed_resume_code(raw)
    if code is None:
        raise ResumeCodeMistyped(
            detail="typed resume code refused",
        )
    return code


def shown_code() -> str | None:
    """The code the saved page sends back with "print", if it is a resume code at all."""
    return valid_resume_code(request.form.get("code"))


def _buttons() -> list[tuple[str, str, str]]:
    return [
        ("submit", _("Send the request"), "btn-primary"),
        ("save", _("Save as draft"), "btn-outline-primary"),
    ]


def _form_page(definition: Any, form: Any, action: str, status: int = 200, **extra: Any) -> Any:
    return (
        render_template(
            "forms_web/form_page.html",
            definition=definition,
            form=form,
            action=action,
            buttons=_buttons(),
            owner=kept.owner_tag(require_identity().fiscal_code),
            **extra,
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


def _post(definition: Any, draft: Draft | None, action_url: str) -> Any:
    identity = require_identity()
    filler = citizen_filler(identity)
    choices = load_choices(definition, identity.fiscal_code)
    stored = operations.answers_of(draft) if draft else None
    raw = posted_answers(definition, request.form, request.files, stored)
    try:
        if request.form.get("action") == "submit":
            tx = operations.submit_form(
                db.session,
                definition=definition,
                raw=raw,
                choices=choices,
                filler=filler,
                draft=draft,
            )
            db.session.commit()
            flash(_("Your request has been sent."), "success")
            return redirect(url_for("forms_web.status", reference=tx.reference))
        saved = operations.save_draft(
            db.session, definition=definition, raw=raw, choices=choices, filler=filler, draft=draft
        )
        db.session.commit()
    except FormNotValid as e:
        db.session.rollback()
        form = form_view(definition, raw, choices, lang(), e.result)
        return _form_page(definition, form, action_url, 422, draft=draft)
    return render_template(
        "forms_web/saved.html",
        draft=saved.draft,
        tx=saved.draft.transaction,
        shown=code_display(saved.draft, saved.code) if saved.code else None,
    )


@bp.route("/servizi/<service:service>/nuova", methods=["GET", "POST"])
def new(service: str) -> Any:
    identity = require_identity()
    definition = definition_of(service)
    action = url_for("forms_web.new", service=service)
    if request.method == "POST":
        return _post(definition, None, action)
    choices = load_choices(definition, identity.fiscal_code)
    restored = _restored(definition, identity)
    prefill = restored or {
        k: v for k, v in request.args.items() if k in {f.name for f in definition.fields}
    }
    form = form_view(definition, prefill, choices, lang())
    return _form_page(definition, form, action, restored=restored is not None)


@bp.route("/area-personale/pratiche/<reference:reference>/modulo", methods=["GET", "POST"])
def edit(reference: str) -> Any:
    identity = require_identity()
    draft = operations.draft_for_subject(db.session, reference, identity.fiscal_code)
    if draft.transaction.state not in operations.EDITABLE:
        return redirect(url_for("forms_web.status", reference=reference))
    definition = definition_of(draft.service)
    action = url_for("forms_web.edit", reference=reference)
    if request.method == "POST":
        return _post(definition, draft, action)
    choices = load_choices(definition, identity.fiscal_code)
    stored = operations.answers_of(draft)
    restored = _restored(definition, identity, stored)
    form = form_view(definition, restored or stored, choices, lang())
    return _form_page(definition, form, action, draft=draft, restored=restored is not None)


@bp.post("/area-personale/pratiche/<reference:reference>/foglio")
def print_sheet(reference: str) -> Response:
    """The printed draft: the code just shown if the page sends it back, else a new one."""
    identity = require_identity()
    draft = operations.draft_for_subject(db.session, reference, identity.fiscal_code)
    definition = definition_of(draft.service)
    code = operations.sheet_code(
        db.session, draft, filler=citizen_filler(identity), shown_code=shown_code()
    )
    db.session.commit()
    pdf = operations.render_draft_sheet(
        definition, draft, code, lang=lang(), base_url=base_url(), applicant_name=identity.full_name
    )
    return pdf_response(pdf, f"bozza-{draft.transaction.reference}.pdf")


@bp.route("/riprendi", methods=["GET", "POST"])
def resume() -> Any:
    if request.method == "GET":
        return render_template("forms_web/resume.html", code="")
    return _resume(request.form.get("code", ""), typed=True)


@bp.get("/riprendi/<resume_code:code>")
def resume_link(code: str) -> Any:
    """The address in a draft sheet's QR code."""
    return _resume(code, typed=False)


def _resume(text: str, *, typed: bool) -> Any:
    identity = require_identity()
    try:
        code = typed_code(text) if typed else text
        draft = operations.resume_by_code(
            db.session, code, filler=citizen_filler(identity), client=client_key()
        )
    except (ResumeCodeMistyped, ResumeCodeNotFound, TooManyGuesses) as e:
        db.session.commit()  # a failed guess counts even though the request fails
        headers = {"Retry-After": str(e.retry_after)} if isinstance(e, TooManyGuesses) else {}
        page = render_template("forms_web/resume.html", code=text, error=e.user_message)
        return page, e.status, headers
    db.session.commit()
    reference = draft.transaction.reference
    if draft.transaction.state == State.AWAITING_CONFIRMATION.value:
        return redirect(url_for("forms_web.confirm", reference=reference))
    return redirect(url_for("forms_web.edit", reference=reference))


@bp.route("/area-personale/pratiche/<reference:reference>/conferma", methods=["GET", "POST"])
def confirm(reference: str) -> Any:
    """A request a clerk prepared: the citizen reads it and confirms it (or changes it)."""
    identity = require_identity()
    draft = operations.draft_for_subject(db.session, reference, identity.fiscal_code)
    tx = draft.transaction
    if tx.state != State.AWAITING_CONFIRMATION.value:
        return redirect(url_for("forms_web.status", reference=reference))
    definition = definition_of(draft.service)
    error = None
    if request.method == "POST":
        choices = load_choices(definition, identity.fiscal_code)
        try:
            operations.submit_form(
                db.session,
                definition=definition,
                raw=None,
                choices=choices,
                filler=citizen_filler(identity),
                draft=draft,
            )
            db.session.commit()
            flash(_("Thank you: your request has been confirmed and sent."), "success")
            return redirect(url_for("forms_web.status", reference=reference))
        except FormNotValid:
            db.session.rollback()
            error = _("Some answers are no longer valid: please open the form and correct them.")
    cleaned = operations.stored_cleaned(definition, draft)
    lines = summary(
        definition,
        cleaned,
        current_language(),
        choices=operations.stored_choices(definition, draft),
    )
    prepared_by = next(
        (e for e in reversed(tx.events) if e.kind == "prepared_for_confirmation"), None
    )
    return render_template(
        "forms_web/confirm.html",
        tx=tx,
        definition=definition,
        title=_(definition.title),
        lines=lines,
        fee_cents=definition.fee_due_cents(cleaned),
        prepared_by=prepared_by,
        error=error,
    ), (422 if error else 200)


@bp.get("/area-personale/richieste/<reference:reference>")
def status(reference: str) -> Any:
    """Where a request stands: its answers, what to pay, the documents issued."""
    identity = require_identity()
    tx = get_by_reference(db.session, reference, subject_cf=identity.fiscal_code)
    draft = db.session.scalar(select(Draft).where(Draft.transaction_id == tx.id))
    lines: list[tuple[str, str]] = []
    if draft is not None and draft.service in form_registry():
        definition = form_registry().get(draft.service)
        lines = summary(
            definition,
            operations.stored_cleaned(definition, draft),
            current_language(),
            choices=operations.stored_choices(definition, draft),
        )
    return render_template(
        "forms_web/status.html",
        tx=tx,
        draft=draft,
        lines=lines,
        state=state_label(tx.state),
        documents=[d for d in tx.documents if d.subject_cf == identity.fiscal_code],
        payments=payment_links(tx),
    )


@bp.get("/area-personale/richieste/<reference:reference>/documenti/<id:document_id>")
def document(reference: str, document_id: int) -> Response:
    identity = require_identity()
    tx = get_by_reference(db.session, reference, subject_cf=identity.fiscal_code)
    doc = db.session.get(Document, document_id)
    if doc is None or doc.transaction_id != tx.id or doc.subject_cf != identity.fiscal_code:
        raise NotFound(_("Document not found."), detail=f"document {document_id}")
    return pdf_response(doc.content, doc.filename)
