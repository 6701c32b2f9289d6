"""Reading the regional health record for a page, and the input both sides of the slice parse."""

from __future__ import annotations

import re
from io import BytesIO

from flask import Response, send_file
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from connectors import HealthDocument, HealthDocumentRef, PatientSummary
from connectors import NotFound as LegacyNotFound
from forms import InvalidValue, field_error
from forms.validators import clean_text, normalize_codice_fiscale

from ..exceptions import InvalidInput
from ..legacy import legacy, try_legacy
from .errors import document_not_found
from .operations import REASON_MAX_LENGTH, REASON_MIN_LENGTH

# Identifiers the regional system issues ("DOC-BNC-0009"); anything else cannot exist there.
DOCUMENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# What a browser may be handed as a download, with the extension of its file name.
DOWNLOAD_TYPES = {"text/plain": "txt", "application/pdf": "pdf"}


def field_message(error: InvalidValue) -> str:
    return field_error(error.code, error.params).message(str(get_locale() or "it"))


def parse_fiscal_code(value: str) -> str:
    """The canonical codice fiscale, or InvalidInput (422) saying what is wrong with it."""
    try:
        return normalize_codice_fiscale(value or "")
    except InvalidValue as e:
        raise InvalidInput(field_message(e), detail=f"fiscal code {e.code}") from e


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
    return try_legacy("health", lambda: legacy().health.list_documents(patient_cf))


def patient_summary(patient_cf: str) -> tuple[PatientSummary | None, str | None]:
    """(summary or None if the patient has none, None), or (None, message) when down."""

    def read() -> PatientSummary | None:
        try:
            return legacy().health.get_patient_summary(patient_cf)
        except LegacyNotFound:
            return None

    return try_legacy("health", read)


def own_document(patient_cf: str, document_id: str) -> HealthDocumentRef:
    """The patient's document reference; anyone else's or a missing one is the same 404."""
    if DOCUMENT_ID.match(document_id):
        for ref in legacy().health.list_documents(patient_cf):
            if ref.document_id == document_id:
                return ref
    raise document_not_found(detail=f"no document {document_id!r} for this patient")


def fetch_document(patient_cf: str, document_id: str) -> HealthDocument:
    """The document with its content; anyone else's or a missing one is the same 404.

    An outage propagates as the connector's Unavailable: the error page says so in plain words.
    """
    if not DOCUMENT_ID.match(document_id):
        raise document_not_found(detail="malformed document id")
    try:
        return legacy().health.get_document(patient_cf, document_id)
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
        # The id matched DOCUMENT_ID: letters, digits, dot, dash and underscore only.
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
BASES = {"consent": _l("consent"), "emergency": _l("emergency (break-glass)")}


def document_type_label(kind: str) -> str:
    return str(DOCUMENT_TYPES.get(kind, kind))


def basis_label(kind: str) -> str:
    return str(BASES.get(kind, kind))
