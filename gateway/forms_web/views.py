"""The citizen's forms: fill, save a draft, resume it by code, print it, submit, confirm."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from forms import UnknownService, summary

from ..access import require_identity
from ..db import db
from ..exceptions import NotFound
from ..i18n import current_language
from ..identifiers import typed_resume_code, valid_resume_code
from ..models import Document, Draft
from ..timeline import state_label
from ..transactions.operations import get_by_reference
from ..transactions.states import State
from . import kept, operations, privacy, stepped
from .catalogue import form_registry, load_choices
from .errors import FormNotValid, ResumeCodeMistyped, ResumeCodeNotFound, TooManyGuesses
from .filler import citizen_filler
from .pages import base_url, client_key, lang, pdf_response
from .payments_link import payment_links

bp = Blueprint("forms_web", __name__, template_folder="templates")


@bp.record_once
def _keep_expired_posts(state: BlueprintSetupState) -> None:
    kept.install(state.app)


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


NEW = "/servizi/<service:service>/nuova"


@bp.route(NEW, methods=["GET", "POST"])
def new(service: str) -> Any:
    return stepped.fill(definition_of(service), None, "")


@bp.route(f"{NEW}/<service:step>", methods=["GET", "POST"])
def new_step(service: str, step: str) -> Any:
    return stepped.fill(definition_of(service), None, step)


EDIT = "/area-personale/pratiche/<reference:reference>/modulo"


@bp.route(EDIT, methods=["GET", "POST"])
def edit(reference: str) -> Any:
    return _edit(reference, "")


@bp.route(f"{EDIT}/<service:step>", methods=["GET", "POST"])
def edit_step(reference: str, step: str) -> Any:
    return _edit(reference, step)


def _edit(reference: str, step: str) -> Any:
    identity = require_identity()
    draft = operations.draft_for_subject(db.session, reference, identity.fiscal_code)
    if draft.transaction.state not in operations.EDITABLE:
        return redirect(url_for("forms_web.status", reference=reference))
    return stepped.fill(definition_of(draft.service), draft, step)


@bp.get("/area-personale/pratiche/<reference:reference>/salvata")
def saved(reference: str) -> Any:
    identity = require_identity()
    draft = operations.draft_for_subject(db.session, reference, identity.fiscal_code)
    return stepped.saved_page(draft)


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
    missing_ack = False
    if request.method == "POST":
        choices = load_choices(definition, identity.fiscal_code)
        ack = privacy.acknowledgement(request.form)
        try:
            if ack is None:
                raise privacy.PrivacyNotAcknowledged()
            operations.submit_form(
                db.session,
                definition=definition,
                raw=None,
                choices=choices,
                filler=citizen_filler(identity),
                draft=draft,
                privacy=ack,
            )
            db.session.commit()
            flash(_("Thank you: your request has been confirmed and sent."), "success")
            return redirect(url_for("forms_web.status", reference=reference))
        except privacy.PrivacyNotAcknowledged:
            db.session.rollback()
            missing_ack = True
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
        missing_ack=missing_ack,
        privacy_url=privacy.notice_url(),
        privacy_field=privacy.FIELD,
    ), (422 if error or missing_ack else 200)


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
