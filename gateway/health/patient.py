"""The patient's own health record — or a ward's, for a parent or legal guardian.

Documents, summary, consent, obscuring, the clinicians the patient names, and who looked.
Every page exists twice: ``/area-personale/salute/...`` for one's own record and
``/area-personale/salute/assistiti/<fiscal code>/...`` for a ward's; the regional service says
who is whose guardian today (a child who turns 18 leaves the parent's list at once). A
guardian's every look and decision is logged on the ward's record, in the ward's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from forms import InvalidValue
from forms.validators import clean_choice, parse_bool

from ..access import require_identity
from ..audit.inclusion import inclusions, proof_download
from ..audit.keys import audit_settings
from ..db import db
from ..exceptions import InvalidInput, NotFound
from ..identifiers import typed_fiscal_code
from ..legacy import try_legacy
from ..timeline import kind_label
from ..transactions.operations import Actor
from . import care, records
from . import operations as ops
from .consultations import access_count, break_glass_grants, own_access, record_own_access
from .consultations import access_log as read_access_log

bp = Blueprint("health", __name__, template_folder="templates")
WARD_PREFIX = "/assistiti/<fiscal_code:ward_cf>"


@dataclass(frozen=True)
class Subject:
    """Whose record a page shows, and who acts on it."""

    patient_cf: str
    name: str
    actor: Actor  # the patient, or the guardian on_behalf_of the patient
    is_ward: bool

    def url(self, endpoint: str, **values: Any) -> str:
        """The same page for the same subject."""
        if self.is_ward:
            return url_for(f"health.ward_{endpoint}", ward_cf=self.patient_cf, **values)
        return url_for(f"health.{endpoint}", **values)


def _subject(ward_cf: str | None) -> Subject:
    identity = require_identity()
    me = identity.actor()
    if ward_cf is None:
        return Subject(identity.fiscal_code, identity.full_name, me, False)
    ward = care.ward_of(identity.fiscal_code, ward_cf)
    if ward is None:
        # Someone else's child looks exactly like a record that does not exist.
        raise NotFound(detail=f"{identity.fiscal_code} is not a guardian of this patient")
    acting = identity.actor(on_behalf_of=ward.fiscal_code)
    return Subject(ward.fiscal_code, ward.name, acting, True)


def _page(endpoint: str, methods: list[str], path: str) -> Callable[[Any], Any]:
    """Register a view for one's own record and for a ward's."""

    def register(view: Any) -> Any:
        bp.add_url_rule(path, endpoint, view, methods=methods)
        bp.add_url_rule(WARD_PREFIX + path, f"ward_{endpoint}", view, methods=methods)
        return view

    return register


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "document_type_label": records.document_type_label,
        "basis_label": records.basis_label,
        "relationship_label": records.relationship_label,
        "review_label": records.review_label,
        "decision_label": kind_label,
    }


@_page("overview", ["GET"], "/")
def overview(ward_cf: str | None = None) -> str:
    subject = _subject(ward_cf)
    cf = subject.patient_cf
    documents, documents_error = records.list_documents(cf)
    summary, summary_error = records.patient_summary(cf)
    if subject.is_ward and documents is not None:
        record_own_access(db.session, subject.actor, cf, "list", documents)
        db.session.commit()
    wards, _wards_error = (
        (None, None) if subject.is_ward else try_legacy("health", lambda: care.wards(cf))
    )
    return render_template(
        "health/patient_records.html",
        subject=subject,
        documents=documents,
        documents_error=documents_error,
        summary=summary,
        summary_error=summary_error,
        consent=ops.current_consent(db.session, cf),
        obscured=ops.obscured_ids(db.session, cf),
        accesses=access_count(db.session, cf),
        named=care.named_clinicians(db.session, cf),
        wards=wards or [],
    )


@_page("download", ["GET"], "/documenti/<health_document:document_id>")
def download(document_id: str, ward_cf: str | None = None) -> Response:
    subject = _subject(ward_cf)
    document = records.fetch_document(subject.patient_cf, document_id)
    record_own_access(db.session, subject.actor, subject.patient_cf, "open", [document.ref])
    db.session.commit()
    return records.download(document)


@_page("consent", ["POST"], "/consenso")
def consent(ward_cf: str | None = None) -> BaseResponse:
    subject = _subject(ward_cf)
    try:
        granted = clean_choice(request.form.get("consent", ""), ("si", "no")) == "si"
    except InvalidValue as e:
        raise InvalidInput(records.field_message(e), detail="consent choice") from e
    changed = ops.set_consent(db.session, subject.actor, granted, patient_cf=subject.patient_cf)
    db.session.commit()
    if not changed:
        flash(_("The choice was already recorded: nothing changed."), "info")
    elif granted:
        flash(
            _(
                "Consent given: the clinicians with a care relationship (general practitioner, "
                "an open episode, or named below) can now consult the record."
            ),
            "success",
        )
    else:
        flash(_("Consent withdrawn: from now on no clinician can consult the record."), "success")
    return redirect(subject.url("overview"))


@_page("obscure", ["POST"], "/documenti/<health_document:document_id>/oscuramento")
def obscure(document_id: str, ward_cf: str | None = None) -> BaseResponse:
    subject = _subject(ward_cf)
    cf = subject.patient_cf
    try:
        obscured = parse_bool(request.form.get("obscured", ""))
    except InvalidValue as e:
        raise InvalidInput(records.field_message(e), detail="obscured flag") from e
    # Showing again a document already hidden needs no check with the regional system (the
    # row proves it is the patient's), so it works even while that system is down.
    if obscured or document_id not in ops.obscured_ids(db.session, cf):
        document_id = records.own_document(cf, document_id).document_id
    ops.set_obscured(db.session, subject.actor, document_id, obscured, patient_cf=cf)
    db.session.commit()
    if obscured:
        flash(_("The document is now hidden from clinicians, except its author."), "success")
    else:
        flash(_("The document is visible again to the clinicians you allow."), "success")
    return redirect(subject.url("overview") + "#documents")


@_page("name_clinician", ["POST"], "/clinici")
def name_clinician(ward_cf: str | None = None) -> Any:
    subject = _subject(ward_cf)
    raw = request.form.get("codice_fiscale", "")
    clinician_cf = typed_fiscal_code(raw)
    registered = care.practitioner(clinician_cf) if clinician_cf else None
    if registered is None:
        raise InvalidInput(
            _("This fiscal code is not a clinician of the regional registry."),
            detail="named clinician not in the registry",
        )
    if ops.name_clinician(db.session, subject.actor, registered, patient_cf=subject.patient_cf):
        flash(
            _("%(name)s may now consult the record, while consent is given.", name=registered.name),
            "success",
        )
    db.session.commit()
    return redirect(subject.url("overview") + "#clinicians")


@_page("unname_clinician", ["POST"], "/clinici/<fiscal_code:clinician_cf>/rimuovi")
def unname_clinician(clinician_cf: str, ward_cf: str | None = None) -> BaseResponse:
    subject = _subject(ward_cf)
    ops.unname_clinician(db.session, subject.actor, clinician_cf, patient_cf=subject.patient_cf)
    db.session.commit()
    flash(_("The clinician can no longer consult the record."), "success")
    return redirect(subject.url("overview") + "#clinicians")


@_page("access_log", ["GET"], "/accessi")
def access_log(ward_cf: str | None = None) -> str:
    subject = _subject(ward_cf)
    cf = subject.patient_cf
    entries = read_access_log(db.session, cf)
    return render_template(
        "health/patient_access_log.html",
        subject=subject,
        entries=entries,
        signed=inclusions(db.session, audit_settings(), [e.audit_seq for e in entries]),
        grants=break_glass_grants(db.session, cf),
        decisions=ops.decisions(db.session, cf),
    )


@_page("access_proof", ["GET"], "/accessi/<id:seq>/prova.json")
def access_proof(seq: int, ward_cf: str | None = None) -> Response:
    """The inclusion proof of one access-log entry in the signed audit log, to download."""
    subject = _subject(ward_cf)
    if not own_access(db.session, subject.patient_cf, seq):
        raise NotFound(detail=f"no access {seq} in the log of this patient")
    return proof_download(db.session, seq)
