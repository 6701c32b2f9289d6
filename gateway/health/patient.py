"""The patient's own health record: documents, summary, consent, obscuring, who looked."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from forms import InvalidValue
from forms.validators import clean_choice, parse_bool

from ..access import SessionIdentity, require_identity
from ..db import db
from ..exceptions import InvalidInput
from ..transactions.operations import Actor
from . import operations as ops
from . import records

bp = Blueprint("health", __name__, template_folder="templates")


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "document_type_label": records.document_type_label,
        "basis_label": records.basis_label,
    }


def _patient(identity: SessionIdentity) -> Actor:
    return Actor(kind="citizen", id=identity.fiscal_code, name=identity.full_name, channel="web")


@bp.get("/")
def overview() -> str:
    identity = require_identity()
    cf = identity.fiscal_code
    documents, documents_error = records.list_documents(cf)
    summary, summary_error = records.patient_summary(cf)
    return render_template(
        "health/patient_records.html",
        documents=documents,
        documents_error=documents_error,
        summary=summary,
        summary_error=summary_error,
        consent=ops.current_consent(db.session, cf),
        obscured=ops.obscured_ids(db.session, cf),
        accesses=ops.access_count(db.session, cf),
    )


@bp.get("/documenti/<health_document:document_id>")
def download(document_id: str) -> Response:
    identity = require_identity()
    return records.download(records.fetch_document(identity.fiscal_code, document_id))


@bp.post("/consenso")
def consent() -> BaseResponse:
    identity = require_identity()
    try:
        granted = clean_choice(request.form.get("consent", ""), ("si", "no")) == "si"
    except InvalidValue as e:
        raise InvalidInput(records.field_message(e), detail="consent choice") from e
    changed = ops.set_consent(db.session, _patient(identity), granted)
    db.session.commit()
    if not changed:
        flash(_("Your choice was already recorded: nothing changed."), "info")
    elif granted:
        flash(
            _("Consent given: the clinicians treating you can now consult your record."), "success"
        )
    else:
        flash(_("Consent withdrawn: from now on no clinician can consult your record."), "success")
    return redirect(url_for(".overview"))


@bp.post("/documenti/<health_document:document_id>/oscuramento")
def obscure(document_id: str) -> BaseResponse:
    identity = require_identity()
    cf = identity.fiscal_code
    try:
        obscured = parse_bool(request.form.get("obscured", ""))
    except InvalidValue as e:
        raise InvalidInput(records.field_message(e), detail="obscured flag") from e
    # Showing again a document already hidden needs no check with the regional system (the
    # row proves it is the patient's), so it works even while that system is down.
    if obscured or document_id not in ops.obscured_ids(db.session, cf):
        records.own_document(cf, document_id)
    ops.set_obscured(db.session, _patient(identity), document_id, obscured)
    db.session.commit()
    if obscured:
        flash(_("The document is now hidden from clinicians."), "success")
    else:
        flash(_("The document is visible again to the clinicians you allow."), "success")
    return redirect(url_for(".overview") + "#documents")


@bp.get("/accessi")
def access_log() -> str:
    identity = require_identity()
    cf = identity.fiscal_code
    documents, documents_error = records.list_documents(cf)
    titles = {d.document_id: d.title for d in documents or []}
    return render_template(
        "health/patient_access_log.html",
        entries=ops.access_log(db.session, cf),
        grants=ops.break_glass_grants(db.session, cf),
        titles=titles,
        documents_error=documents_error,
    )
