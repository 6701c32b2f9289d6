"""The clerk's desk: open a session for a present citizen, then act for them within it.

Every route under ``/<delegation_id>/`` loads the delegation again and checks it is the
clerk's, valid, and (for a service) in scope; whatever the clerk does is audited.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from forms import summary, validate

from ..access import require_identity
from ..db import db
from ..exceptions import NotFound
from ..forms_web import filling, privacy, progress
from ..forms_web import operations as drafts
from ..forms_web.catalogue import form_registry, load_choices
from ..forms_web.errors import FormNotValid, ResumeCodeMistyped, ResumeCodeNotFound, TooManyGuesses
from ..forms_web.filler import filler_event, tag_delegation_events
from ..forms_web.filling import StepPage
from ..forms_web.pages import base_url, code_display, lang, pdf_response
from ..forms_web.privacy import notice_url
from ..forms_web.steps import SEND, SUMMARY, Flow, step_result
from ..forms_web.views import definition_of, shown_code, typed_code
from ..i18n import current_language
from ..models import Delegation, Document, Draft, Transaction
from ..transactions.operations import get_by_reference
from . import operations as ops
from .voice import clerk_describe, clerk_state_label, clerk_words

bp = Blueprint("desk", __name__, template_folder="templates")


@bp.context_processor
def _clerk_words() -> dict[str, object]:
    return clerk_words()


SAVED_KEY = "desk_saved"  # the request just saved and its new resume code, for one page


def _delegation(delegation_id: int) -> Delegation:
    """The clerk's valid delegation; from now on the request's events carry its id."""
    identity = require_identity()
    delegation = ops.delegation_for_clerk(db.session, delegation_id, identity.fiscal_code)
    tag_delegation_events(db.session, ops.desk_filler(delegation))
    return delegation


def _services() -> list[tuple[str, str]]:
    return [(d.id, _(d.title)) for d in form_registry()]


@bp.route("/", methods=["GET", "POST"])
def home() -> Any:
    identity = require_identity()
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"scope": [s for s, _t in _services()]}
    if request.method == "POST":
        parsed = ops.parse_request(
            request.form,
            request.form.getlist("scope"),
            form_registry().service_ids,
            ops.today_local(),
        )
        if parsed.request is not None:
            delegation = ops.open_delegation(
                db.session,
                clerk_cf=identity.fiscal_code,
                clerk_name=identity.name_as("clerk"),
                request=parsed.request,
            )
            db.session.commit()
            return redirect(url_for("desk.citizen", delegation_id=delegation.id))
        errors = parsed.errors
        values = {**request.form.to_dict(), "scope": request.form.getlist("scope")}
    return render_template(
        "desk/home.html",
        sessions=ops.active_delegations(db.session, identity.fiscal_code),
        services=_services(),
        document_types=ops.DOCUMENT_TYPES,
        today=ops.today_local().isoformat(),
        errors=errors,
        values=values,
    ), (422 if errors else 200)


@bp.get("/<id:delegation_id>/")
def citizen(delegation_id: int) -> Any:
    return _citizen_page(_delegation(delegation_id))


def _citizen_page(
    delegation: Delegation, resume_error: str | None = None, status: int = 200, **headers: str
) -> Any:
    transactions = db.session.scalars(
        select(Transaction)
        .where(
            Transaction.subject_cf == delegation.citizen_cf,
            Transaction.service.in_(delegation.scope),
        )
        .order_by(Transaction.updated_at.desc())
        .limit(50)
    ).all()
    ops.audit_desk(db.session, delegation, "desk.citizen_viewed")
    db.session.commit()
    page = render_template(
        "desk/citizen.html",
        d=delegation,
        transactions=transactions,
        services=[(s, t) for s, t in _services() if s in delegation.scope],
        resume_error=resume_error,
    )
    return page, status, headers


@bp.post("/<id:delegation_id>/chiudi")
def close(delegation_id: int) -> Response:
    identity = require_identity()
    delegation = _delegation(delegation_id)
    ops.revoke_delegation(
        db.session,
        delegation.id,
        by=f"clerk:{identity.fiscal_code}",
        clerk_cf=identity.fiscal_code,
        channel="desk",
    )
    db.session.commit()
    flash(_("Desk session closed."), "success")
    return redirect(url_for("desk.home"))


def _buttons() -> list[tuple[str, str, str]]:
    """The last step's buttons."""
    return [
        ("submit", _("Send the request now"), "btn-primary"),
        ("prepare", _("Leave it for the citizen to confirm online"), "btn-outline-primary"),
        ("save", _("Save as draft"), "btn-outline-secondary"),
    ]


def _flow(d: Delegation, definition: Any, draft: Draft | None) -> Flow:
    """The desk's pages of this form, its progress kept per desk session."""
    if draft is None:
        service = definition.id
        return Flow(definition, f"desk{d.id}:{progress.new_form(service)}", SEND,
                    lambda step: _new_url(d.id, service, step))  # fmt: skip
    reference = draft.transaction.reference
    return Flow(definition, f"desk{d.id}:{progress.draft_form(reference)}", SEND,
                lambda step: _draft_url(d.id, reference, step))  # fmt: skip


def _new_url(delegation_id: int, service: str, step: str) -> str:
    if step:
        return url_for("desk.new_step", delegation_id=delegation_id, service=service, step=step)
    return url_for("desk.new", delegation_id=delegation_id, service=service)


def _draft_url(delegation_id: int, reference: str, step: str) -> str:
    if step:
        return url_for("desk.transaction_step", delegation_id=delegation_id,
                       reference=reference, step=step)  # fmt: skip
    return url_for("desk.transaction", delegation_id=delegation_id, reference=reference)


def _form_page(d: Delegation, page: StepPage, status: int = 200,
               draft: Draft | None = None) -> Any:  # fmt: skip
    return render_template(
        "desk/form.html", d=d, definition=page.flow.definition, form=page.form, page=page,
        draft=draft, privacy_url=notice_url(), given_field=privacy.GIVEN_FIELD,
    ), status  # fmt: skip


def _fill(d: Delegation, definition: Any, draft: Draft | None, given: str) -> Any:
    """A step of the form the clerk fills for the citizen: shown, or its post."""
    flow = _flow(d, definition, draft)
    step = flow.step(given)
    choices = load_choices(definition, d.citizen_cf)
    stored = drafts.answers_of(draft) if draft else None
    if request.method == "POST":
        raw = filling.take_post(flow, stored)
        return _post(d, flow.with_answers(raw, choices), step, raw, choices, draft)
    raw = filling.answers(flow, stored)
    flow = flow.with_answers(raw, choices)
    if step not in flow.ids:
        return redirect(flow.url(SUMMARY), 303)
    full = validate(definition, raw, choices=choices.options) if step == SUMMARY else None
    page = filling.step_page(
        flow, step, raw, choices, _buttons(), full if full and not full.ok else None
    )
    return _form_page(d, page, draft=draft)


def _post(d: Delegation, flow: Flow, step: str, raw: Any, choices: Any,
          draft: Draft | None) -> Any:  # fmt: skip
    if step not in flow.ids:
        return redirect(flow.url(SUMMARY), 303)
    definition = flow.definition
    action = request.form.get("action", "save")
    if action in filling.MOVES:
        moved = filling.move(flow, step, raw, choices)
        if moved is not None:
            return moved
        result = step_result(flow, step, raw, choices)
        return _form_page(d, filling.step_page(flow, step, raw, choices, _buttons(), result),
                          422, draft)  # fmt: skip
    filler = ops.desk_filler(d)
    common = {"definition": definition, "raw": raw, "choices": choices, "filler": filler,
              "draft": draft}  # fmt: skip
    try:
        if action == "submit":
            given = privacy.given_by_clerk(request.form, d.clerk_cf)
            if given is None:
                raise privacy.PrivacyNotGiven()
            tx = drafts.submit_form(db.session, **common, privacy=given)
            db.session.commit()
            progress.forget(flow.key)
            flash(_("The request has been sent for the citizen."), "success")
            target = url_for("desk.transaction", delegation_id=d.id, reference=tx.reference)
            return redirect(target, code=303)
        if action == "prepare":
            saved = drafts.prepare_for_confirmation(db.session, **common)
        else:
            saved = drafts.save_draft(db.session, **common)
        db.session.commit()
        progress.forget(flow.key)
    except (FormNotValid, privacy.PrivacyNotGiven) as e:
        db.session.rollback()
        return _refused(d, flow, step, raw, choices, draft, e)
    reference = saved.draft.transaction.reference
    # The new code is shown once, by the page this redirects to (Back and reload never send
    # the form again); it waits for that page in the server-side session, never in a URL.
    session[SAVED_KEY] = {"reference": reference, "code": saved.code}
    return redirect(url_for("desk.saved", delegation_id=d.id, reference=reference), code=303)


def _refused(d: Delegation, flow: Flow, step: str, raw: Any, choices: Any,
             draft: Draft | None, error: Exception) -> Any:  # fmt: skip
    """The step posted, again, with every error in the summary (the privacy box's too)."""
    box = (privacy.GIVEN_FIELD, str(privacy.PrivacyNotGiven.title))
    page = filling.refused_page(flow, step, raw, choices, _buttons(), error, box)
    return _form_page(d, page, 422, draft)


@bp.get("/<id:delegation_id>/pratiche/<reference:reference>/salvata")
def saved(delegation_id: int, reference: str) -> Any:
    """The request just saved or prepared, with the citizen's new resume code (shown once)."""
    d = _delegation(delegation_id)
    tx = _transaction(d, reference)
    draft = _draft_of(tx)
    kept = session.pop(SAVED_KEY, None) or {}
    code = kept.get("code") if kept.get("reference") == tx.reference else None
    if tx.state == "awaiting_confirmation":
        message = _("The citizen can now confirm the request in their personal area.")
    else:
        message = _("Draft saved.")
    return render_template(
        "desk/saved.html",
        d=d,
        tx=tx,
        message=message,
        shown=code_display(draft, code) if draft is not None and code else None,
    )


@bp.route("/<id:delegation_id>/servizi/<service:service>", methods=["GET", "POST"])
def new(delegation_id: int, service: str) -> Any:
    return _new(delegation_id, service, "")


@bp.route("/<id:delegation_id>/servizi/<service:service>/<service:step>", methods=["GET", "POST"])
def new_step(delegation_id: int, service: str, step: str) -> Any:
    return _new(delegation_id, service, step)


def _new(delegation_id: int, service: str, step: str) -> Any:
    d = _delegation(delegation_id)
    definition = definition_of(service)
    ops.check_scope(d, service)
    return _fill(d, definition, None, step)


def _transaction(d: Delegation, reference: str) -> Transaction:
    tx = get_by_reference(db.session, reference, subject_cf=d.citizen_cf)
    ops.check_scope(d, tx.service)
    return tx


def _draft_of(tx: Transaction) -> Draft | None:
    return db.session.scalar(select(Draft).where(Draft.transaction_id == tx.id))


@bp.route("/<id:delegation_id>/pratiche/<reference:reference>", methods=["GET", "POST"])
def transaction(delegation_id: int, reference: str) -> Any:
    return _transaction_page(delegation_id, reference, "")


@bp.route(
    "/<id:delegation_id>/pratiche/<reference:reference>/passo/<service:step>",
    methods=["GET", "POST"],
)
def transaction_step(delegation_id: int, reference: str, step: str) -> Any:
    return _transaction_page(delegation_id, reference, step)


def _transaction_page(delegation_id: int, reference: str, step: str) -> Any:
    """The citizen's request: its form's steps while it is a draft, else where it stands."""
    d = _delegation(delegation_id)
    tx = _transaction(d, reference)
    draft = _draft_of(tx)
    if draft is not None and tx.state in drafts.EDITABLE:
        definition = definition_of(tx.service)
        if request.method == "GET" and not step:
            ops.audit_desk(db.session, d, "desk.draft_opened", {"reference": tx.reference})
            db.session.commit()
        return _fill(d, definition, draft, step)
    if step:
        return redirect(url_for("desk.transaction", delegation_id=d.id, reference=tx.reference))
    lines: list[tuple[str, str]] = []
    if draft is not None and tx.service in form_registry():
        definition = form_registry().get(tx.service)
        lines = summary(definition, drafts.stored_cleaned(definition, draft), current_language(),
                        choices=drafts.stored_choices(definition, draft))  # fmt: skip
    ops.audit_desk(db.session, d, "desk.transaction_viewed", {"reference": tx.reference})
    db.session.commit()
    return render_template(
        "desk/transaction.html",
        d=d,
        tx=tx,
        state=clerk_state_label(tx.state),
        lines=lines,
        entries=[clerk_describe(e) for e in tx.events],
        documents=list(tx.documents),
    )


@bp.post("/<id:delegation_id>/pratiche/<reference:reference>/foglio")
def print_sheet(delegation_id: int, reference: str) -> Response:
    d = _delegation(delegation_id)
    tx = _transaction(d, reference)
    draft = _draft_of(tx)
    if draft is None:
        raise NotFound(_("This request has no form to show."), detail=f"no draft for {reference}")
    code = drafts.sheet_code(db.session, draft, filler=ops.desk_filler(d), shown_code=shown_code())
    db.session.commit()
    pdf = drafts.render_draft_sheet(
        definition_of(tx.service), draft, code, lang=lang(), base_url=base_url(),
        applicant_name=d.citizen_name,
    )  # fmt: skip
    return pdf_response(pdf, f"bozza-{tx.reference}.pdf")


@bp.get("/<id:delegation_id>/pratiche/<reference:reference>/documenti/<id:document_id>")
def document(delegation_id: int, reference: str, document_id: int) -> Response:
    """A document of the citizen's request, printed at the desk (on the timeline, audited)."""
    d = _delegation(delegation_id)
    tx = _transaction(d, reference)
    doc = db.session.get(Document, document_id)
    if doc is None or doc.transaction_id != tx.id:
        raise NotFound(_("Document not found."), detail=f"document {document_id}")
    filler_event(db.session, tx, ops.desk_filler(d), "document_printed",
                 {"document_id": doc.id, "document_kind": doc.kind})  # fmt: skip
    db.session.commit()
    return pdf_response(doc.content, doc.filename)


@bp.post("/<id:delegation_id>/riprendi")
def resume(delegation_id: int) -> Any:
    d = _delegation(delegation_id)
    try:
        code = typed_code(request.form.get("code", ""))
        draft = drafts.resume_by_code(
            db.session, code, filler=ops.desk_filler(d), client=f"clerk:{d.clerk_cf}"
        )
        ops.check_scope(d, draft.service)
    except (ResumeCodeMistyped, ResumeCodeNotFound, TooManyGuesses) as e:
        db.session.commit()  # a failed guess counts even though the request fails
        headers = {"Retry-After": str(e.retry_after)} if isinstance(e, TooManyGuesses) else {}
        return _citizen_page(d, e.user_message, e.status, **headers)
    db.session.commit()
    return redirect(
        url_for("desk.transaction", delegation_id=d.id, reference=draft.transaction.reference)
    )
