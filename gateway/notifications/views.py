"""Inbox and message preferences (citizen), unsubscribe links (public), stalled e-mails (clerk)."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from ..access import current_identity, require_identity
from ..db import db
from ..identifiers import typed_fiscal_code
from ..models import Document
from .inbox import delivery_problems, get_message, list_messages, mark_read, show
from .kinds import CATEGORIES, MUTABLE_CATEGORIES
from .service import (
    contact_of,
    read_unsubscribe_token,
    remember_login_contact,
    unsubscribe,
    update_preferences,
)

log = logging.getLogger(__name__)

inbox = Blueprint("notifications", __name__, template_folder="templates")
unsubscribe_bp = Blueprint("unsubscribe", __name__, template_folder="templates")
deliveries = Blueprint("deliveries", __name__, template_folder="templates")


def _lang() -> str:
    return str(get_locale() or "it")


@inbox.before_app_request
def _remember_contact() -> None:
    """Once per web session: keep the e-mail address the identity provider gave at login."""
    if request.endpoint in (None, "static") or not session or session.get("contact_seen"):
        return
    data = session.get("identity")
    if not data:
        return
    with db.fresh_session(current_app._get_current_object()) as s:  # type: ignore[attr-defined]
        try:
            remember_login_contact(s, data["fiscal_code"], data.get("email"), session.get("lang"))
            s.commit()
        except IntegrityError:  # a parallel first request stored it
            s.rollback()
    session["contact_seen"] = True


@inbox.get("/messaggi")
def messages() -> str:
    identity = require_identity()
    lang = _lang()
    shown = [show(m, lang) for m in list_messages(db.session, identity.fiscal_code)]
    return render_template("notifications/inbox.html", messages=shown)


@inbox.get("/messaggi/<id:message_id>")
def message(message_id: int) -> str:
    identity = require_identity()
    found = get_message(db.session, identity.fiscal_code, message_id)
    mark_read(db.session, found)
    db.session.commit()
    return render_template("notifications/message.html", shown=show(found, _lang()))


@inbox.get("/messaggi/<id:message_id>/apri")
def open_link(message_id: int) -> Response:
    """Where e-mail links point: marks the message read, then goes where it leads."""
    identity = require_identity()
    found = get_message(db.session, identity.fiscal_code, message_id)
    mark_read(db.session, found)
    db.session.commit()
    target = found.link or f"/area-personale/messaggi/{found.id}"
    return redirect(target)


@inbox.get("/messaggi/<id:message_id>/allegati/<id:document_id>")
def attachment(message_id: int, document_id: int) -> Response:
    identity = require_identity()
    found = get_message(db.session, identity.fiscal_code, message_id)
    ref = next((a for a in found.attachments if a["document_id"] == document_id), None)
    doc = db.session.get(Document, document_id) if ref else None
    if ref is None or doc is None or doc.subject_cf != identity.fiscal_code:
        abort(404)
    from io import BytesIO

    return send_file(
        BytesIO(doc.content),
        mimetype=doc.content_type,
        as_attachment=True,
        download_name=ref["filename"],
    )


@inbox.route("/preferenze", methods=["GET", "POST"])
def preferences() -> str | Response:
    identity = require_identity()
    contact = contact_of(db.session, identity.fiscal_code)
    error = None
    if request.method == "POST":
        email = request.form.get("email", "").strip()
        language = request.form.get("language", "it")
        wanted = set(request.form.getlist("category"))
        try:
            update_preferences(
                db.session,
                identity.fiscal_code,
                email=email or None,
                language=language,
                muted=[c for c in MUTABLE_CATEGORIES if c not in wanted],
            )
        except ValueError:
            error = _("Enter a valid e-mail address, such as name@example.org.")
            db.session.rollback()
        else:
            db.session.commit()
            flash(_("Your preferences have been saved."), "success")
            return redirect("/area-personale/preferenze")
    return render_template(
        "notifications/preferences.html",
        contact=contact,
        categories=CATEGORIES,
        mutable=MUTABLE_CATEGORIES,
        error=error,
        form=request.form if request.method == "POST" else None,
    )


@unsubscribe_bp.route("/messaggi/disiscrizione/<unsubscribe_token:token>", methods=["GET", "POST"])
def unsubscribe_link(token: str) -> str | tuple[str, int]:
    """One click from the e-mail, one confirmation here; no login, the token says who."""
    found = read_unsubscribe_token(db.session, token)
    if found is None:
        return render_template("notifications/unsubscribe.html", invalid=True), 404
    contact, category = found
    done = False
    if request.method == "POST":
        unsubscribe(db.session, contact, category)
        db.session.commit()
        done = True
    return render_template(
        "notifications/unsubscribe.html",
        invalid=False,
        done=done,
        category=CATEGORIES[category],
        logged_in=current_identity() is not None,
    )


@deliveries.get("/")
def problems() -> str:
    identity = require_identity()
    raw = request.args.get("cf", "").strip()
    found, error, cf = None, None, ""
    if raw:
        checked = typed_fiscal_code(raw)
        if checked is None:
            error = _("This is not a valid fiscal code.")
        else:
            cf = checked
            found = delivery_problems(
                db.session, cf, clerk_cf=identity.fiscal_code, clerk_name=identity.full_name
            )
            db.session.commit()
    return render_template(
        "notifications/deliveries.html", problems=found, error=error, cf=cf or raw
    )
