"""The regional shared health record (FSE): documents, summaries, care relationships, guardians.

Besides the record itself the service is authoritative for what an access policy rests on: the
general practitioner (or paediatrician) of record, episodes of care, guardianship and the
practitioner registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from lxml import etree

from connectors.simulators.clock import today_in_rome
from connectors.simulators.seed import seed
from connectors.simulators.soap import ElementBuilder, SoapFault

NAMESPACE = "urn:regione-esempio:fse:v1"
E = ElementBuilder(NAMESPACE)
ADULT_AGE = 18


@dataclass(frozen=True)
class _Registry:
    """The seed file resolved once per load; replaced whole, so readers never see half of it."""

    loaded_on: date
    facilities: dict[str, str]
    practitioners: dict[str, dict[str, Any]]
    patients: dict[str, dict[str, Any]]


def is_minor(born: date, today: date) -> bool:
    """Under 18 on `today` (someone born on 29 February comes of age on 1 March)."""
    try:
        of_age = born.replace(year=born.year + ADULT_AGE)
    except ValueError:
        of_age = date(born.year + ADULT_AGE, 3, 1)
    return today < of_age


class HealthService:
    """Read-only, in-memory health records with dates relative to the day of loading."""

    namespace = NAMESPACE

    def __init__(self, today: Callable[[], date] = today_in_rome) -> None:
        self._today = today
        self._data = _load(today())
        self.operations: dict[str, Callable[[etree._Element], etree._Element]] = {
            "ListDocuments": self.list_documents,
            "GetDocument": self.get_document,
            "GetPatientSummary": self.get_patient_summary,
            "GetCareRelationships": self.get_care_relationships,
            "GetGuardians": self.get_guardians,
            "ListWards": self.list_wards,
            "GetPractitioner": self.get_practitioner,
            "GetPatient": self.get_patient,
        }

    def reset(self) -> None:
        self._data = _load(self._today())

    def counters(self) -> dict[str, Any]:
        return {}

    def list_documents(self, request: etree._Element) -> etree._Element:
        data = self._data
        patient = data.patients.get(_field(request, "patientFiscalCode"), {})
        response = E.root("ListDocumentsResponse")
        for document in sorted(patient.get("documents", []), key=lambda d: d["days_ago"]):
            response.append(self._reference(data, document))
        return response

    def get_document(self, request: etree._Element) -> etree._Element:
        data = self._data
        patient = data.patients.get(_field(request, "patientFiscalCode"), {})
        wanted = _field(request, "documentId")
        for document in patient.get("documents", []):
            if document["id"] == wanted:
                response = E.root("GetDocumentResponse")
                response.append(self._reference(data, document))
                E.add(response, "mimeType", document.get("mime_type", "text/plain"))
                E.add(response, "body", document["body"])
                return response
        # Same answer whether the document does not exist or belongs to someone else.
        raise SoapFault("Client.NotFound", "No such document for this patient", "FSE-404")

    def get_patient_summary(self, request: etree._Element) -> etree._Element:
        data = self._data
        fiscal_code = _field(request, "patientFiscalCode")
        summary = data.patients.get(fiscal_code, {}).get("summary")
        if summary is None:
            raise SoapFault("Client.NotFound", "No patient summary for this patient", "FSE-404")
        response = E.root("GetPatientSummaryResponse")
        E.add(response, "patientFiscalCode", fiscal_code)
        E.add(response, "bloodGroup", summary["blood_group"])
        for allergy in summary["allergies"]:
            node = E.add(response, "allergy")
            E.add(node, "substance", allergy["substance"])
            E.add(node, "reaction", allergy["reaction"])
        for condition in summary["chronic_conditions"]:
            node = E.add(response, "chronicCondition")
            E.add(node, "name", condition["name"])
            if condition.get("since"):
                E.add(node, "since", condition["since"])
        for medication in summary["medications"]:
            node = E.add(response, "medication")
            E.add(node, "name", medication["name"])
            E.add(node, "dosage", medication["dosage"])
        E.add(response, "updatedOn", _days_ago(data, summary["updated_days_ago"]))
        return response

    def get_care_relationships(self, request: etree._Element) -> etree._Element:
        """GP of record and episodes, newest first; an unknown patient has neither."""
        data = self._data
        fiscal_code = _field(request, "patientFiscalCode")
        patient = data.patients.get(fiscal_code, {})
        response = E.root("GetCareRelationshipsResponse")
        E.add(response, "patientFiscalCode", fiscal_code)
        gp = patient.get("general_practitioner")
        if gp is not None:
            practitioner = data.practitioners[gp["fiscal_code"]]
            node = E.add(response, "generalPractitioner")
            E.add(node, "fiscalCode", gp["fiscal_code"])
            E.add(node, "name", practitioner["name"])
            E.add(node, "role", practitioner["role"])
            E.add(node, "since", _days_ago(data, gp["since_days_ago"]))
            _facility(data, node, practitioner["facilities"][0])
        episodes = sorted(patient.get("episodes", []), key=lambda e: e["start_days_ago"])
        for episode in episodes:
            node = E.add(response, "episode")
            start = _days_ago(data, episode["start_days_ago"])
            end = None
            if episode.get("end_days_ago") is not None:
                end = _days_ago(data, episode["end_days_ago"])
            E.add(node, "episodeId", episode["id"])
            E.add(node, "kind", episode["kind"])
            E.add(node, "status", "open" if end is None or end > data.loaded_on else "closed")
            E.add(node, "description", episode["description"])
            _facility(data, node, episode["facility_code"])
            E.add(node, "startDate", start)
            if end is not None:
                E.add(node, "endDate", end)
            if episode.get("clinician"):
                E.add(node, "clinicianFiscalCode", episode["clinician"])
        return response

    def get_guardians(self, request: etree._Element) -> etree._Element:
        data = self._data
        fiscal_code = _field(request, "patientFiscalCode")
        response = E.root("GetGuardiansResponse")
        E.add(response, "patientFiscalCode", fiscal_code)
        patient = data.patients.get(fiscal_code)
        if patient is None:
            return response
        for guardian in self._guardians_now(patient):
            node = E.add(response, "guardian")
            E.add(node, "fiscalCode", guardian["fiscal_code"])
            E.add(node, "name", guardian["name"])
            E.add(node, "relationship", guardian["relationship"])
            E.add(node, "since", guardian["since"])
        return response

    def list_wards(self, request: etree._Element) -> etree._Element:
        data = self._data
        wanted = _field(request, "guardianFiscalCode")
        response = E.root("ListWardsResponse")
        for fiscal_code, patient in data.patients.items():
            for guardian in self._guardians_now(patient):
                if guardian["fiscal_code"] == wanted:
                    node = E.add(response, "ward")
                    E.add(node, "fiscalCode", fiscal_code)
                    E.add(node, "name", patient["name"])
                    E.add(node, "dateOfBirth", patient["date_of_birth"])
                    E.add(node, "relationship", guardian["relationship"])
                    E.add(node, "since", guardian["since"])
        return response

    def get_practitioner(self, request: etree._Element) -> etree._Element:
        data = self._data
        fiscal_code = _field(request, "fiscalCode")
        practitioner = data.practitioners.get(fiscal_code)
        if practitioner is None:
            raise SoapFault("Client.NotFound", "Not a registered practitioner", "FSE-404")
        response = E.root("GetPractitionerResponse")
        E.add(response, "fiscalCode", fiscal_code)
        E.add(response, "name", practitioner["name"])
        E.add(response, "role", practitioner["role"])
        for code in practitioner["facilities"]:
            _facility(data, response, code)
        return response

    def get_patient(self, request: etree._Element) -> etree._Element:
        """Who the patient is; the same fault for a code the registry lacks as for a document."""
        fiscal_code = _field(request, "patientFiscalCode")
        patient = self._data.patients.get(fiscal_code)
        if patient is None:
            raise SoapFault("Client.NotFound", "No such patient", "FSE-404")
        response = E.root("GetPatientResponse")
        E.add(response, "fiscalCode", fiscal_code)
        E.add(response, "familyName", patient["family_name"])
        E.add(response, "givenName", patient["given_name"])
        E.add(response, "dateOfBirth", patient["date_of_birth"])
        return response

    def _guardians_now(self, patient: dict[str, Any]) -> list[dict[str, Any]]:
        """Legal guardians always; parents only while the patient is a minor today."""
        minor = is_minor(patient["date_of_birth"], self._data.loaded_on)
        return [g for g in patient.get("guardians", []) if g["relationship"] != "parent" or minor]

    def _reference(self, data: _Registry, document: dict[str, Any]) -> etree._Element:
        node = etree.Element(E.q("document"))
        E.add(node, "documentId", document["id"])
        E.add(node, "type", document["type"])
        E.add(node, "date", _days_ago(data, document["days_ago"]))
        E.add(node, "title", document["title"])
        E.add(node, "author", document["author"])
        E.add(node, "facility", data.facilities[document["facility_code"]])
        if document.get("author_fiscal_code"):
            E.add(node, "authorFiscalCode", document["author_fiscal_code"])
        E.add(node, "facilityCode", document["facility_code"])
        return node


def _load(today: date) -> _Registry:
    """The seed resolved against `today`: names filled in, every code checked to exist.

    A patient's `name` (given name first, as wards and guardians are named) is made of the
    registry's family and given names."""
    raw = seed("health")
    facilities: dict[str, str] = dict(raw["facilities"])
    practitioners: dict[str, dict[str, Any]] = raw["practitioners"]
    for practitioner in practitioners.values():
        for code in practitioner["facilities"]:
            _require(code in facilities, f"unknown facility {code}")
    patients: dict[str, dict[str, Any]] = {}
    for fiscal_code, entry in raw["patients"].items():
        patient = dict(entry)
        _require(bool(entry.get("family_name") and entry.get("given_name")), f"{fiscal_code}: name")
        patient["name"] = f"{entry['given_name']} {entry['family_name']}"
        patient["date_of_birth"] = date.fromisoformat(entry["date_of_birth"])
        for document in entry.get("documents", []):
            _require(document["facility_code"] in facilities, f"unknown facility in {document}")
        for episode in entry.get("episodes", []):
            _require(episode["facility_code"] in facilities, f"unknown facility in {episode}")
            clinician = episode.get("clinician")
            _require(not clinician or clinician in practitioners, f"unknown clinician {clinician}")
        gp = entry.get("general_practitioner")
        _require(gp is None or gp["fiscal_code"] in practitioners, f"unknown GP {gp}")
        patients[fiscal_code] = patient
    for patient in patients.values():
        patient["guardians"] = [
            _guardian(today, patients, patient, g) for g in patient.get("guardians", [])
        ]
    return _Registry(today, facilities, practitioners, patients)


def _guardian(
    today: date,
    patients: dict[str, dict[str, Any]],
    ward: dict[str, Any],
    entry: dict[str, Any],
) -> dict[str, Any]:
    """A guardian with a name and a from-date: a parent's is the ward's date of birth."""
    name = entry.get("name") or patients.get(entry["fiscal_code"], {}).get("name")
    _require(bool(name), f"guardian without a name: {entry}")
    if entry["relationship"] == "parent":
        since = ward["date_of_birth"]
    else:
        since = today - timedelta(days=int(entry["since_days_ago"]))
    return {**entry, "name": name, "since": since}


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(f"health.yaml: {message}")


def _field(request: etree._Element, name: str) -> str:
    """A request field exactly as sent: the schema has checked its shape, nothing is trimmed."""
    return request.findtext(E.q(name)) or ""


def _facility(data: _Registry, parent: etree._Element, code: str) -> None:
    node = E.add(parent, "facility")
    E.add(node, "code", code)
    E.add(node, "name", data.facilities[code])


def _days_ago(data: _Registry, days: int) -> date:
    return data.loaded_on - timedelta(days=int(days))
