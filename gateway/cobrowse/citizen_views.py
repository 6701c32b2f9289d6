"""The citizen's side of live help: share one request with a code, answer the clerk's proposals."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from forms.resume import format_code, spell_code

from ..access import require_identity
from ..db import db
from ..forms_web import privacy
from ..i18n import current_language
from ..identifiers import valid_reference
from ..models import SharedSession, Transaction
from ..transactions.states import FINAL_STATES
from . import operations as ops
from . import proposals
from .live import live_settings
from .pages import answer_anchor, back_to_box, choices_for, done, is_fetch, live_view
from .stream import StreamGrant, parse_last_event_id, stream_response

bp = Blueprint("cobrowse_citizen", __name__, template_folder="templates")
CODES = "cobrowse_codes"  # codes shown to the citizen while they wait (server-side session)


def _posted_reference() -> str:
    """The reference chosen in the form if it is one ("" otherwise: no request has it)."""
    return valid_reference(request.form.get("reference")) or ""


def _mine(session_id: int) -> SharedSession:
    identity = require_identity()
    return ops.for_citizen(db.session, session_id, identity.fiscal_code)


@bp.get("/")
def home() -> str:
    identity = require_identity()
    open_states = [s.value for s in FINAL_STATES]
    transactions = db.session.scalars(
        select(Transaction)
        .where(
            Transaction.subject_cf == identity.fiscal_code, Transaction.state.not_in(open_states)
        )
        .order_by(Transaction.updated_at.desc())
        .limit(50)
    ).all()
    return render_template(
        "cobrowse/citizen_home.html",
        transactions=transactions,
        invitations=ops.pending_invitations(db.session, identity.fiscal_code),
        sessions=ops.sessions_of_citizen(db.session, identity.fiscal_code),
        preselected=request.args.get("pratica", ""),
    )


@bp.post("/avvia")
def start() -> Response:
    identity = require_identity()
    opened = ops.open_with_code(
        db.session,
        citizen_cf=identity.fiscal_code,
        citizen_name=identity.full_name,
        reference=_posted_reference(),
        secret=current_app.config["SPORTELLO"].secret_key,
        settings=live_settings(),
    )
    db.session.commit()
    codes = dict(session.get(CODES, {}))
    codes[str(opened.shared.id)] = opened.code
    session[CODES] = dict(list(codes.items())[-5:])
    return redirect(url_for("cobrowse_citizen.live", session_id=opened.shared.id), code=303)


@bp.post("/inviti/<id:invitation_id>/accetta")
def accept_invitation(invitation_id: int) -> Response:
    identity = require_identity()
    shared = ops.accept_invitation(
        db.session,
        invitation_id,
        citizen_cf=identity.fiscal_code,
        citizen_name=identity.full_name,
        reference=_posted_reference(),
    )
    db.session.commit()
    return redirect(url_for("cobrowse_citizen.live", session_id=shared.id), code=303)


def _panel_context(shared: SharedSession) -> dict[str, Any]:
    code = session.get(CODES, {}).get(str(shared.id)) if shared.state == ops.WAITING else None
    return {
        "view": live_view(db.session, shared),
        "code": format_code(code) if code else None,
        "spelled": spell_code(code, current_language()) if code else [],
        "privacy_url": privacy.notice_url(),
        "privacy_field": privacy.FIELD,
    }


def _refreshed(session_id: int) -> SharedSession:
    shared = _mine(session_id)
    if ops.end_if_idle(db.session, shared, live_settings()):
        db.session.commit()
    return shared


@bp.get("/<id:session_id>/")
def live(session_id: int) -> str:
    shared = _refreshed(session_id)
    return render_template("cobrowse/citizen_live.html", **_panel_context(shared))


@bp.get("/<id:session_id>/pannello")
def panel(session_id: int) -> str:
    shared = _refreshed(session_id)
    return render_template("cobrowse/_citizen_panel.html", **_panel_context(shared))


@bp.get("/<id:session_id>/eventi")
def events(session_id: int) -> Response:
    shared = _mine(session_id)
    if shared.state == ops.ENDED:
        return Response(status=204)  # tells EventSource not to reconnect
    citizen_cf = shared.citizen_cf
    last = parse_last_event_id(request.headers.get("Last-Event-ID"), request.args.get("after"))
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return stream_response(StreamGrant(app, shared.id, lambda s: s.citizen_cf == citizen_cf, last))


@bp.post("/<id:session_id>/proposte/<id:proposal_id>/<any(accetta, rifiuta):choice>")
def answer(session_id: int, proposal_id: int, choice: str) -> Response:
    shared = _mine(session_id)
    view = live_view(db.session, shared)
    choices = choices_for(view.definition, shared.citizen_cf)
    accept = choice == "accetta"
    proposals.answer(
        db.session,
        shared,
        proposal_id,
        accept=accept,
        definition=view.definition,
        choices=choices,
        settings=live_settings(),
    )
    db.session.commit()
    if not is_fetch():
        # Without the page's script: back on the page, at the next proposal (or the message
        # that none is left), which the browser focuses; the script does the same in place.
        flash(_("Proposal accepted.") if accept else _("Proposal rejected."), "success")
    anchor = answer_anchor(view.pending, proposal_id)
    return done(url_for("cobrowse_citizen.live", session_id=shared.id, _anchor=anchor))


@bp.post("/<id:session_id>/invia")
def submit(session_id: int) -> Response:
    shared = _mine(session_id)
    view = live_view(db.session, shared)
    if view.definition is None:
        return redirect(url_for("cobrowse_citizen.live", session_id=shared.id), code=303)
    ack = privacy.acknowledgement(request.form)
    if ack is None:
        message = str(privacy.PrivacyNotAcknowledged.title)
        return back_to_box("cobrowse_citizen.live", shared, privacy.FIELD, message)
    tx = proposals.submit_by_citizen(
        db.session,
        shared,
        definition=view.definition,
        choices=choices_for(view.definition, shared.citizen_cf),
        settings=live_settings(),
        privacy=ack,
    )
    db.session.commit()
    flash(_("Your request has been sent."), "success")
    return redirect(url_for("forms_web.status", reference=tx.reference), code=303)


@bp.post("/<id:session_id>/termina")
def end(session_id: int) -> Response:
    shared = _mine(session_id)
    ops.end(db.session, shared, by=f"citizen:{shared.citizen_cf}", reason="citizen")
    db.session.commit()
    if not request.headers.get("X-Requested-With"):
        flash(_("The shared session has ended: the clerk no longer sees your request."), "info")
    return done(url_for("cobrowse_citizen.home"))
