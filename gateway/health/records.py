"""Reading the regional health record for a page, and the input both sides of the slice parse."""

from __future__ import annotations

from io import BytesIO

from flask import Response, send_file
from flask_babel import lazy_gettext as _l

from connectors import HealthDocument, HealthDocumentRef, PatientSummary
from connectors import NotFound as LegacyNotFound
from forms import InvalidValue, field_error
from forms.validators import clean_text, normalize_codice_fiscale

from ..exceptions import InvalidInput
from ..i18n import current_language
from ..identifiers import valid_health_document_id
from ..legacy import try_legacy
from .care import health_service
from .errors import document_not_found
from .operations import REASON_MAX_LENGTH, REASON_MIN_LENGTH

# What a browser may be handed as a download, with the extension of its file name.
DOWNLOAD_TYPES = {"text/plain": "txt", "application/pdf": "pdf"}


def field_message(error: InvalidValue) -> str:
    return field_error(error.code, error.params).message(current_language())


def fiscal_code_problem(value: str) -> str:
    """What is wrong with a codice fiscale that `typed_fiscal_code` refused, in plain words."""
    try:
        normalize_codice_fiscale(value or "")
    except InvalidValue as e:
        return field_message(e)
    return field_message(InvalidValue("cf.format"))


def clean_reason(value: str) -> str:
    """The stated reason of an emergency access, or InvalidInput (422)."""
    try:
        return clean_text(
            value or "",
            min_length=REASON_MIN_LENGTH,
            max_length=REASON_MAX_LENGTH,
            multiline=True,
        )
    except InvalidValue as e:
        raise InvalidInput(field_message(e), detail=f"reason {e.code}") from e


def list_documents(patient_cf: str) -> tuple[list[HealthDocumentRef] | None, str | None]:
    """(documents, None), or (None, plain-words message) when the health record is down."""
    return try_legacy("health", lambda: health_service().list_documents(patient_cf))


def patient_summary(patient_cf: str) -> tuple[PatientSummary | None, str | None]:
    """(summary or None if the patient has none, None), or (None, message) when down."""

    def read() -> PatientSummary | None:
        try:
            return health_service().get_patient_summary(patient_cf)
        except LegacyNotFound:
            return None

    return try_legacy("health", read)


def own_document(patient_cf: str, document_id: str) -> HealthDocumentRef:
    """The patient's document reference; anyone else's or a missing one is the same 404."""
    if valid_health_document_id(document_id) is not None:
        for ref in health_service().list_documents(patient_cf):
            if ref.document_id == document_id:
                return ref
    raise document_not_found(detail=f"no document {document_id!r} for this patient")


def fetch_document(patient_cf: str, document_id: str) -> HealthDocument:
    """The document with its content; anyone else's or a missing one is the same 404.

    An outage propagates as the connector's Unavailable: the error page says so in plain words.
    """
    if valid_health_document_id(document_id) is None:
        raise document_not_found(detail="malformed document id")
    try:
        return health_service().get_document(patient_cf, document_id)
    except LegacyNotFound as e:
        raise document_not_found(detail=f"legacy has no {document_id!r} for this patient") from e


def download(document: HealthDocument) -> Response:
    """The document as an attachment: a known type or opaque bytes, never rendered inline."""
    mime = document.mime_type.split(";")[0].strip().lower()
    extension = DOWNLOAD_TYPES.get(mime)
    if extension is None:
        mime, extension = "application/octet-stream", "bin"
    response = send_file(
        BytesIO(document.content.encode("utf-8")),
        mimetype=mime,  # werkzeug adds "; charset=utf-8" to text types
        as_attachment=True,
        # Document ids of the record's contract: capital letters, digits, dot and dash only.
        download_name=f"{document.ref.document_id}.{extension}",
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


DOCUMENT_TYPES = {
    "lab_report": _l("Lab report"),
    "discharge_letter": _l("Discharge letter"),
    "prescription": _l("Prescription"),
    "vaccination": _l("Vaccination"),
    "patient_summary": _l("Patient summary"),
}
BASES = {
    "consent": _l("consent"),
    "emergency": _l("emergency (break-glass)"),
    "self": _l("the patient"),
    "guardian": _l("parent or guardian"),
}
RELATIONSHIPS = {
    "gp": _l("general practitioner of record"),
    "episode": _l("open episode of care at their facility"),
    "named": _l("named by the patient"),
}
REVIEWS = {"justified": _l("justified"), "unjustified": _l("not justified")}


def document_type_label(kind: str) -> str:
    return str(DOCUMENT_TYPES.get(kind, kind))


def basis_label(kind: str) -> str:
    return str(BASES.get(kind, kind))


def relationship_label(kind: str | None) -> str:
    return str(RELATIONSHIPS.get(kind or "", ""))


def review_label(outcome: str | None) -> str:
    return str(REVIEWS.get(outcome or "", ""))
