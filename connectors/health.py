"""Facade of the regional shared health record (Fascicolo Sanitario Elettronico)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from connectors.base import SoapConnector
from connectors.convert import as_list, year

DocumentType = Literal[
    "lab_report", "discharge_letter", "prescription", "vaccination", "patient_summary"
]


@dataclass(frozen=True)
class HealthDocumentRef:
    document_id: str
    type: DocumentType
    date: date
    title: str
    author: str
    facility: str


@dataclass(frozen=True)
class HealthDocument:
    ref: HealthDocumentRef
    mime_type: str
    content: str


@dataclass(frozen=True)
class Allergy:
    substance: str
    reaction: str


@dataclass(frozen=True)
class ChronicCondition:
    name: str
    since: int | None  # year


@dataclass(frozen=True)
class Medication:
    name: str
    dosage: str


@dataclass(frozen=True)
class PatientSummary:
    patient_fiscal_code: str
    blood_group: str  # "A+", "0-", ... or "unknown"
    allergies: tuple[Allergy, ...]
    chronic_conditions: tuple[ChronicCondition, ...]
    medications: tuple[Medication, ...]
    updated_on: date


class HealthConnector(SoapConnector):
    """Reads of the shared health record; every operation is a read, so all are retried.

    The service trusts its client: consent, obscured documents and break-glass are the
    gateway's job. get_document answers NotFound for a document of another patient.
    """

    service = "health"

    def list_documents(self, patient_fiscal_code: str) -> list[HealthDocumentRef]:
        answer = self._call(
            "ListDocuments", idempotent=True, patientFiscalCode=_cf(patient_fiscal_code)
        )
        return [_ref(item) for item in as_list(answer, "document")]

    def get_document(self, patient_fiscal_code: str, document_id: str) -> HealthDocument:
        answer = self._call(
            "GetDocument",
            idempotent=True,
            patientFiscalCode=_cf(patient_fiscal_code),
            documentId=document_id.strip(),
        )
        return HealthDocument(
            ref=_ref(answer["document"]), mime_type=answer["mimeType"], content=answer["body"]
        )

    def get_patient_summary(self, patient_fiscal_code: str) -> PatientSummary:
        answer = self._call(
            "GetPatientSummary", idempotent=True, patientFiscalCode=_cf(patient_fiscal_code)
        )
        return PatientSummary(
            patient_fiscal_code=answer["patientFiscalCode"],
            blood_group=answer["bloodGroup"],
            allergies=tuple(
                Allergy(item["substance"], item["reaction"]) for item in answer.get("allergy") or []
            ),
            chronic_conditions=tuple(
                ChronicCondition(item["name"], year(item.get("since")))
                for item in answer.get("chronicCondition") or []
            ),
            medications=tuple(
                Medication(item["name"], item["dosage"]) for item in answer.get("medication") or []
            ),
            updated_on=answer["updatedOn"],
        )


def _cf(fiscal_code: str) -> str:
    return fiscal_code.strip().upper()


def _ref(item: dict[str, Any]) -> HealthDocumentRef:
    return HealthDocumentRef(
        document_id=item["documentId"],
        type=item["type"],
        date=item["date"],
        title=item["title"],
        author=item["author"],
        facility=item["facility"],
    )
