"""Facade of the regional shared health record (Fascicolo Sanitario Elettronico).

Identifiers are taken exactly as given: each is matched whole against its pattern below and
sent unchanged, or refused with `InvalidIdentifier` (a `NotFound`) before any network call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from connectors.base import SoapConnector
from connectors.convert import as_list, year
from connectors.errors import Invalid, InvalidIdentifier
from connectors.identifiers import checked, checked_fiscal_code

DocumentType = Literal[
    "lab_report", "discharge_letter", "prescription", "vaccination", "patient_summary"
]
PractitionerRole = Literal[
    "general_practitioner", "paediatrician", "specialist", "nurse", "midwife", "pharmacist"
]
PrimaryCareRole = Literal["general_practitioner", "paediatrician"]
EpisodeKind = Literal["admission", "visit", "referral"]
EpisodeStatus = Literal["open", "closed"]
GuardianRelationship = Literal["parent", "legal_guardian"]

# The contract's DocumentId ("DOC-BNC-0009"): upper case, digits, dot and dash, 1-64 characters.
DOCUMENT_ID = re.compile(r"[A-Z0-9][A-Z0-9.\-]{0,63}")
# Person fiscal codes: `connectors.identifiers.PERSON_FISCAL_CODE` plus the check character.


@dataclass(frozen=True)
class HealthDocumentRef:
    """One entry of the document index. `author_fiscal_code` is None for documents a service
    produced (a vaccination centre); `facility_code` is the producing facility's stable code."""

    document_id: str
    type: DocumentType
    date: date
    title: str
    author: str
    facility: str
    author_fiscal_code: str | None = None
    facility_code: str = ""


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


@dataclass(frozen=True)
class Facility:
    code: str  # stable regional code, one per unit ("OMV-ORT")
    name: str


@dataclass(frozen=True)
class GeneralPractitioner:
    """The patient's medico di medicina generale or pediatra di libera scelta of record."""

    fiscal_code: str
    name: str
    role: PrimaryCareRole
    since: date
    facility: Facility


@dataclass(frozen=True)
class Episode:
    """An admission, a booked or ongoing visit, or a referral, at one facility.

    `status` is the service's ("open" until the end date has passed); a booked visit is open
    with a start date in the future. `clinician_fiscal_code` is None when nobody is named.
    """

    episode_id: str
    kind: EpisodeKind
    status: EpisodeStatus
    description: str
    facility: Facility
    start_date: date
    end_date: date | None
    clinician_fiscal_code: str | None

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class CareRelationships:
    """Who cares for the patient; empty (no GP, no episodes) for a patient the service lacks."""

    patient_fiscal_code: str
    general_practitioner: GeneralPractitioner | None
    episodes: tuple[Episode, ...]  # newest first

    def open_episodes(self) -> tuple[Episode, ...]:
        return tuple(episode for episode in self.episodes if episode.is_open)


@dataclass(frozen=True)
class Guardian:
    """Someone who may act for the patient today: a parent of a minor or a legal guardian."""

    fiscal_code: str
    name: str
    relationship: GuardianRelationship
    since: date


@dataclass(frozen=True)
class Ward:
    """A patient for whom the guardian may act today."""

    fiscal_code: str
    name: str
    date_of_birth: date
    relationship: GuardianRelationship
    since: date


@dataclass(frozen=True)
class Patient:
    """Who a patient is, as the regional registry of patients records them."""

    fiscal_code: str
    family_name: str
    given_name: str
    date_of_birth: date

    @property
    def name(self) -> str:
        """Given name first, as the record names wards and guardians ("Giulia Bianchi")."""
        return f"{self.given_name} {self.family_name}"


@dataclass(frozen=True)
class Practitioner:
    """A registered clinician's entry in the regional practitioner registry."""

    fiscal_code: str
    name: str
    role: PractitionerRole
    facilities: tuple[Facility, ...]

    @property
    def facility_codes(self) -> frozenset[str]:
        return frozenset(facility.code for facility in self.facilities)


class HealthConnector(SoapConnector):
    """Reads of the shared health record; every operation is a read, so all are retried.

    The service trusts its client: consent, obscured documents, care relationships as access
    rules and break-glass are the gateway's job; this facade supplies the facts. get_document
    answers NotFound for a document of another patient. A malformed identifier raises
    InvalidIdentifier (a NotFound) without a call; so does the service's schema refusing one.
    """

    service = "health"

    def list_documents(self, patient_fiscal_code: str) -> list[HealthDocumentRef]:
        patient = self._fiscal_code("patient_fiscal_code", patient_fiscal_code)
        answer = self._call("ListDocuments", idempotent=True, patientFiscalCode=patient)
        return [_ref(item) for item in as_list(answer, "document")]

    def get_document(self, patient_fiscal_code: str, document_id: str) -> HealthDocument:
        patient = self._fiscal_code("patient_fiscal_code", patient_fiscal_code)
        wanted = checked(self.service, "document_id", document_id, DOCUMENT_ID)
        answer = self._call(
            "GetDocument", idempotent=True, patientFiscalCode=patient, documentId=wanted
        )
        return HealthDocument(
            ref=_ref(answer["document"]), mime_type=answer["mimeType"], content=answer["body"]
        )

    def get_patient_summary(self, patient_fiscal_code: str) -> PatientSummary:
        patient = self._fiscal_code("patient_fiscal_code", patient_fiscal_code)
        answer = self._call("GetPatientSummary", idempotent=True, patientFiscalCode=patient)
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

    def get_care_relationships(self, patient_fiscal_code: str) -> CareRelationships:
        """GP of record and episodes of care (open and closed), newest first."""
        patient = self._fiscal_code("patient_fiscal_code", patient_fiscal_code)
        answer = self._call("GetCareRelationships", idempotent=True, patientFiscalCode=patient)
        gp = answer.get("generalPractitioner")
        return CareRelationships(
            patient_fiscal_code=answer["patientFiscalCode"],
            general_practitioner=None
            if gp is None
            else GeneralPractitioner(
                fiscal_code=gp["fiscalCode"],
                name=gp["name"],
                role=gp["role"],
                since=gp["since"],
                facility=_facility(gp["facility"]),
            ),
            episodes=tuple(_episode(item) for item in answer.get("episode") or []),
        )

    def get_guardians(self, patient_fiscal_code: str) -> list[Guardian]:
        """Who may act for the patient today (the service decides who is a minor); often []."""
        patient = self._fiscal_code("patient_fiscal_code", patient_fiscal_code)
        answer = self._call("GetGuardians", idempotent=True, patientFiscalCode=patient)
        return [
            Guardian(
                fiscal_code=item["fiscalCode"],
                name=item["name"],
                relationship=item["relationship"],
                since=item["since"],
            )
            for item in answer.get("guardian") or []
        ]

    def list_wards(self, guardian_fiscal_code: str) -> list[Ward]:
        """The patients for whom this person is a guardian today; often []."""
        guardian = self._fiscal_code("guardian_fiscal_code", guardian_fiscal_code)
        answer = self._call("ListWards", idempotent=True, guardianFiscalCode=guardian)
        return [
            Ward(
                fiscal_code=item["fiscalCode"],
                name=item["name"],
                date_of_birth=item["dateOfBirth"],
                relationship=item["relationship"],
                since=item["since"],
            )
            for item in as_list(answer, "ward")
        ]

    def get_practitioner(self, fiscal_code: str) -> Practitioner:
        """The registry entry; NotFound for someone who is not a registered practitioner."""
        wanted = self._fiscal_code("fiscal_code", fiscal_code)
        answer = self._call("GetPractitioner", idempotent=True, fiscalCode=wanted)
        return Practitioner(
            fiscal_code=answer["fiscalCode"],
            name=answer["name"],
            role=answer["role"],
            facilities=tuple(_facility(item) for item in answer.get("facility") or []),
        )

    def get_patient(self, patient_fiscal_code: str) -> Patient:
        """Name and date of birth; NotFound for a code the registry of patients lacks."""
        patient = self._fiscal_code("patient_fiscal_code", patient_fiscal_code)
        answer = self._call("GetPatient", idempotent=True, patientFiscalCode=patient)
        return Patient(
            fiscal_code=answer["fiscalCode"],
            family_name=answer["familyName"],
            given_name=answer["givenName"],
            date_of_birth=answer["dateOfBirth"],
        )

    def _fiscal_code(self, name: str, value: str) -> str:
        return checked_fiscal_code(self.service, name, value)

    def _call(self, operation: str, *, idempotent: bool, **params: Any) -> Any:
        """As the base, except that the schema refusing a request is InvalidIdentifier.

        Every field of this contract's requests is an identifier, so a request outside the
        schema (Client.Invalid, XSD-001) means one of them cannot exist there.
        """
        try:
            return super()._call(operation, idempotent=idempotent, **params)
        except Invalid as e:
            if e.fault_code != "Client.Invalid" or e.legacy_code != "XSD-001":
                raise
            raise InvalidIdentifier(
                self.service,
                f"{operation}: the service refused an identifier: {e.message}",
                e.legacy_code,
                fault_code=e.fault_code,
            ) from e


def _ref(item: dict[str, Any]) -> HealthDocumentRef:
    return HealthDocumentRef(
        document_id=item["documentId"],
        type=item["type"],
        date=item["date"],
        title=item["title"],
        author=item["author"],
        facility=item["facility"],
        author_fiscal_code=item.get("authorFiscalCode"),
        facility_code=item["facilityCode"],
    )


def _facility(item: dict[str, Any]) -> Facility:
    return Facility(code=item["code"], name=item["name"])


def _episode(item: dict[str, Any]) -> Episode:
    return Episode(
        episode_id=item["episodeId"],
        kind=item["kind"],
        status=item["status"],
        description=item["description"],
        facility=_facility(item["facility"]),
        start_date=item["startDate"],
        end_date=item.get("endDate"),
        clinician_fiscal_code=item.get("clinicianFiscalCode"),
    )
