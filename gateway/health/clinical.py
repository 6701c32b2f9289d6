"""Clinicians consult a patient's record: with consent within a care relationship, or by
break-glass in an emergency.

Every request re-reads the patient's decisions and the care relationships (from the regional
service), so a withdrawn consent, a closed episode or a newly obscured document takes effect
on the next click of a page that is already open. The obscuring check runs on the documents
as the service returned them, never on an identifier from the URL.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..access import require_identity
from ..db import db
from ..exceptions import Forbidden, InvalidInput
from ..formatting import format_datetime
from ..identifiers import typed_fiscal_code
from ..levels import requires_area
from . import care, records
from . import operations as ops
from .consultations import record_consultation
from .errors import document_not_found

bp = Blueprint("clinical", __name__, template_folder="templates")


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "document_type_label": records.document_type_label,
        "basis_label": records.basis_label,
        "relationship_label": records.relationship_label,
    }


def _clinician() -> ops.Clinician:
    """The clinician of this request: an active role here *and* an entry in the regional
    practitioner registry (which gives their facilities)."""
    identity = require_identity()
    clinician = ops.clinician_profile(db.session, identity.fiscal_code, identity.full_name)
    registry = care.practitioner(identity.fiscal_code)
    if registry is None:
        raise Forbidden(
            _("You are not in the regional registry of practitioners."),
            detail="clinician role without a registry entry",
        )
    return ops.clinician_profile(db.session, clinician.fiscal_code, clinician.name, registry)


def _relationship(clinician: ops.Clinician, patient_cf: str) -> str | None:
    return care.relationship_of(
        db.session, clinician.practitioner, patient_cf, care.relationships(patient_cf)
    )


def _no_access(
    patient_cf: str, relationship: str | None, *, error: str | None = None, reason: str = ""
) -> Any:
    """The refusal page, with the break-glass form (403; 422 when the form had an error).

    It names the patient by the fiscal code the clinician typed only: the registry of patients
    is not asked, so a refusal tells nobody who a code belongs to, or whether it is a patient.
    """
    page = render_template(
        "health/clinical_no_access.html",
        patient_cf=patient_cf,
        why=ops.refusal_reason(db.session, patient_cf, relationship),
        error=error,
        reason=reason,
        minutes=int(ops.BREAK_GLASS_DURATION.total_seconds() // 60),
        min_length=ops.REASON_MIN_LENGTH,
        max_length=ops.REASON_MAX_LENGTH,
    )
    return page, 422 if error else 403


@bp.get("/")
def search() -> Any:
    _clinician()
    raw = request.args.get("codice_fiscale")
    if raw is None:
        return render_template("health/clinical_search.html", value="", error=None)
    patient_cf = typed_fiscal_code(raw)
    if patient_cf is None:
        error = records.fiscal_code_problem(raw)
        page = render_template("health/clinical_search.html", value=raw, error=error)
        return page, 422
    return redirect(url_for(".patient", patient_cf=patient_cf))


@bp.get("/pazienti/<fiscal_code:patient_cf>")
def patient(patient_cf: str) -> Any:
    clinician = _clinician()
    relationship = _relationship(clinician, patient_cf)
    basis = ops.access_basis(db.session, clinician.fiscal_code, patient_cf, relationship)
    if basis is None:
        return _no_access(patient_cf, relationship)
    who = care.patient(patient_cf)
    documents, error = records.list_documents(patient_cf)
    shown = []
    hidden = ops.obscured_ids(db.session, patient_cf)
    if documents is not None:
        visible = ops.visible_to(clinician.fiscal_code, documents, hidden)
        access = record_consultation(db.session, clinician, patient_cf, basis, "list", visible)
        db.session.commit()
        shown = [d for d in visible if d.document_id in access.document_ids]
    return render_template(
        "health/clinical_patient.html",
        patient_cf=patient_cf,
        patient=who,
        basis=basis,
        documents=shown,
        documents_error=error,
        obscured=hidden,
    )


@bp.get("/pazienti/<fiscal_code:patient_cf>/documenti/<health_document:document_id>")
def document(patient_cf: str, document_id: str) -> Any:
    clinician = _clinician()
    relationship = _relationship(clinician, patient_cf)
    basis = ops.access_basis(db.session, clinician.fiscal_code, patient_cf, relationship)
    if basis is None:
        return _no_access(patient_cf, relationship)
    who = care.patient(patient_cf)
    found = records.fetch_document(patient_cf, document_id)
    # What the service returned is what is checked, logged and shown.
    hidden = ops.obscured_ids(db.session, patient_cf)
    if not ops.visible_to(clinician.fiscal_code, [found.ref], hidden):
        raise document_not_found(detail="obscured by the patient")
    record_consultation(db.session, clinician, patient_cf, basis, "open", [found.ref])
    db.session.commit()
    return render_template(
        "health/clinical_document.html",
        patient_cf=patient_cf,
        patient=who,
        basis=basis,
        document=found,
    )


@bp.post("/pazienti/<fiscal_code:patient_cf>/emergenza")
@requires_area("breakglass")
def break_glass(patient_cf: str) -> Any:
    clinician = _clinician()
    relationship = _relationship(clinician, patient_cf)
    raw = request.form.get("reason", "")
    try:
        reason = records.clean_reason(raw)
    except InvalidInput as e:
        return _no_access(patient_cf, relationship, error=e.user_message, reason=raw)
    grant = ops.open_break_glass(db.session, clinician, patient_cf, reason, relationship)
    db.session.commit()
    flash(
        _(
            "Emergency access open until %(time)s. The patient will see it, with your reason, "
            "and the privacy officer will review it.",
            time=format_datetime(grant.expires_at, "short"),
        ),
        "warning",
    )
    return redirect(url_for(".patient", patient_cf=patient_cf))
