"""The clerk's side of live help: join with the citizen's code (or invite), see the one shared
request, propose answers. Every route loads the session again and checks it is this clerk's."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..access import require_identity
from ..audit import append_audit
from ..db import db
from ..desk.operations import active_delegations
from ..desk.voice import clerk_words
from ..exceptions import InvalidInput, NotFound
from ..forms_web import operations as drafts
from ..forms_web import privacy
from ..forms_web.errors import FormNotValid
from ..forms_web.pages import lang, pdf_response
from ..forms_web.rendering import form_view, posted_answers
from ..identifiers import typed_fiscal_code, typed_session_code, valid_id
from ..models import Document, RoleAssignment, SharedSession
from ..ratelimit import check_limit
from . import operations as ops
from . import proposals
from .errors import SessionCodeMistyped, SessionCodeNotFound
from .live import live_settings
from .pages import LiveView, back_to_box, choices_for, done, live_view
from .stream import StreamGrant, parse_last_event_id, stream_response

bp = Blueprint("cobrowse_clerk", __name__, template_folder="templates")


@bp.context_processor
def _clerk_words() -> dict[str, object]:
    return clerk_words()


def _mine(session_id: int) -> SharedSession:
    identity = require_identity()
    return ops.for_clerk(db.session, session_id, identity.fiscal_code)


def _home(error: str | None = None, status: int = 200) -> Any:
    identity = require_identity()
    return render_template(
        "cobrowse/clerk_home.html",
        sessions=ops.sessions_of_clerk(db.session, identity.fiscal_code),
        error=error,
    ), status


@bp.get("/")
def home() -> Any:
    return _home()


@bp.post("/unisciti")
def join() -> Any:
    identity = require_identity()
    check_limit("session_code", f"clerk:{identity.fiscal_code}")
    code = typed_session_code(request.form.get("code", ""))
    try:
        if code is None:
            raise SessionCodeMistyped()
        shared = ops.join_with_code(
            db.session,
            code,
            clerk_cf=identity.fiscal_code,
            clerk_name=identity.name_as("clerk"),
            secret=current_app.config["SPORTELLO"].secret_key,
        )
    except (SessionCodeMistyped, SessionCodeNotFound) as e:
        db.session.rollback()
        return _home(e.user_message, e.status)
    db.session.commit()
    return redirect(url_for("cobrowse_clerk.live", session_id=shared.id), code=303)


@bp.post("/invita")
def invite() -> Response:
    identity = require_identity()
    citizen_cf = typed_fiscal_code(request.form.get("citizen_cf", ""))
    if citizen_cf is None:
        raise InvalidInput(_("Enter a valid fiscal code."))
    ops.invite(
        db.session,
        clerk_cf=identity.fiscal_code,
        clerk_name=identity.name_as("clerk"),
        citizen_cf=citizen_cf,
        settings=live_settings(),
    )
    db.session.commit()
    flash(_("Invitation sent: the session opens when the citizen accepts it."), "success")
    return redirect(url_for("cobrowse_clerk.home"), code=303)


def _form(view: LiveView, values: dict[str, Any] | None = None, result: Any = None) -> Any:
    if view.definition is None or view.draft is None or not view.editable:
        return None
    choices = choices_for(view.definition, view.shared.citizen_cf)
    answers = values if values is not None else drafts.answers_of(view.draft)
    return form_view(view.definition, answers, choices, lang(), result)


def _page(shared: SharedSession, form: Any = None, status: int = 200) -> Any:
    view = live_view(db.session, shared)
    delegations = [
        d
        for d in active_delegations(db.session, shared.clerk_cf or "")
        if d.citizen_cf == shared.citizen_cf and view.draft is not None
        and view.draft.service in d.scope
    ]  # fmt: skip
    return render_template(
        "cobrowse/clerk_live.html",
        view=view,
        form=form if form is not None else _form(view),
        delegations=delegations,
        privacy_url=privacy.notice_url(),
        given_field=privacy.GIVEN_FIELD,
    ), status


@bp.get("/<id:session_id>/")
def live(session_id: int) -> Any:
    shared = _mine(session_id)
    if ops.end_if_idle(db.session, shared, live_settings()):
        db.session.commit()
    return _page(shared)


@bp.get("/<id:session_id>/pannello")
def panel(session_id: int) -> str:
    shared = _mine(session_id)
    return render_template("cobrowse/_clerk_panel.html", view=live_view(db.session, shared))


@bp.get("/<id:session_id>/eventi")
def events(session_id: int) -> Response:
    shared = _mine(session_id)
    if shared.state == ops.ENDED:
        return Response(status=204)
    clerk_cf = shared.clerk_cf

    def may_see(s: SharedSession) -> bool:
        from sqlalchemy.orm import object_session

        found = object_session(s)
        active = found is not None and found.scalar(
            select(RoleAssignment.id).where(
                RoleAssignment.fiscal_code == clerk_cf,
                RoleAssignment.role == "clerk",
                RoleAssignment.active.is_(True),
            )
        )
        return bool(active) and s.clerk_cf == clerk_cf

    last = parse_last_event_id(request.headers.get("Last-Event-ID"), request.args.get("after"))
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return stream_response(StreamGrant(app, shared.id, may_see, last))


@bp.post("/<id:session_id>/proponi")
def propose(session_id: int) -> Any:
    shared = _mine(session_id)
    view = live_view(db.session, shared)
    if view.definition is None or view.draft is None:
        raise NotFound(_("This request has no form to fill in."))
    choices = choices_for(view.definition, shared.citizen_cf)
    stored = drafts.answers_of(view.draft)
    raw = posted_answers(view.definition, request.form, request.files, stored)
    try:
        proposals.propose_fields(db.session, shared, raw, definition=view.definition,
                                 choices=choices, settings=live_settings())  # fmt: skip
    except FormNotValid as e:
        db.session.rollback()
        shared = _mine(session_id)
        return _page(shared, _form(live_view(db.session, shared), raw, e.result), 422)
    db.session.commit()
    if not request.headers.get("X-Requested-With"):
        flash(_("Proposal sent: it counts only when the citizen accepts it."), "success")
    return done(url_for("cobrowse_clerk.live", session_id=shared.id))


@bp.post("/<id:session_id>/avviso")
def propose_notice(session_id: int) -> Response:
    shared = _mine(session_id)
    proposals.propose_notice(db.session, shared, settings=live_settings())
    db.session.commit()
    return done(url_for("cobrowse_clerk.live", session_id=shared.id))


@bp.post("/<id:session_id>/invia")
def submit_for_citizen(session_id: int) -> Response:
    shared = _mine(session_id)
    view = live_view(db.session, shared)
    if view.definition is None:
        raise NotFound(_("This request has no form to fill in."))
    delegation_id = valid_id(request.form.get("delegation"))
    given = privacy.given_by_clerk(request.form, shared.clerk_cf or "")
    if given is None:
        message = str(privacy.PrivacyNotGiven.title)
        return back_to_box("cobrowse_clerk.live", shared, privacy.GIVEN_FIELD, message)
    proposals.submit_for_citizen(
        db.session,
        shared,
        delegation_id or 0,  # 0: no such delegation, refused as not found
        definition=view.definition,
        choices=choices_for(view.definition, shared.citizen_cf),
        settings=live_settings(),
        privacy=given,
    )
    db.session.commit()
    flash(_("The request has been sent for the citizen."), "success")
    return redirect(url_for("cobrowse_clerk.live", session_id=shared.id), code=303)


@bp.post("/<id:session_id>/termina")
def end(session_id: int) -> Response:
    shared = _mine(session_id)
    ops.end(db.session, shared, by=f"clerk:{shared.clerk_cf}", reason="clerk")
    db.session.commit()
    return done(url_for("cobrowse_clerk.home"))


@bp.get("/<id:session_id>/documenti/<id:document_id>")
def document(session_id: int, document_id: int) -> Response:
    """A document of the shared request only (audited); any other is not found."""
    shared = _mine(session_id)
    ops.require_active(db.session, shared, live_settings())
    doc = db.session.get(Document, document_id)
    if doc is None or doc.transaction_id != shared.transaction_id:
        raise NotFound(_("Document not found."), detail=f"document {document_id}")
    append_audit(
        db.session,
        actor=f"clerk:{shared.clerk_cf}",
        action="cobrowse.document_viewed",
        subject=shared.citizen_cf,
        channel="phone",
        data={"session": shared.id, "document": doc.id, "kind": doc.kind},
    )
    db.session.commit()
    return pdf_response(doc.content, doc.filename, inline=True)
