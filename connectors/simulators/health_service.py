"""The regional shared health record (FSE): document index, documents, patient summaries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from lxml import etree

from connectors.simulators.clock import today_in_rome
from connectors.simulators.seed import seed
from connectors.simulators.soap import ElementBuilder, SoapFault

NAMESPACE = "urn:regione-esempio:fse:v1"
E = ElementBuilder(NAMESPACE)


class HealthService:
    """Read-only, in-memory health records with dates relative to the day of loading."""

    namespace = NAMESPACE

    def __init__(self, today: Callable[[], date] = today_in_rome) -> None:
        self._today = today
        self._patients: dict[str, dict[str, Any]] = {}
        self._loaded_on = today()
        self.reset()
        self.operations: dict[str, Callable[[etree._Element], etree._Element]] = {
            "ListDocuments": self.list_documents,
            "GetDocument": self.get_document,
            "GetPatientSummary": self.get_patient_summary,
        }

    def reset(self) -> None:
        raw = seed("health")
        # Replaced whole, so readers never see a half-loaded dictionary.
        self._loaded_on = self._today()
        self._patients = raw["patients"]

    def counters(self) -> dict[str, Any]:
        return {}

    def list_documents(self, request: etree._Element) -> etree._Element:
        patient = self._patients.get(E.text(request, "patientFiscalCode"), {})
        response = E.root("ListDocumentsResponse")
        for document in sorted(patient.get("documents", []), key=lambda d: d["days_ago"]):
            response.append(self._reference(document))
        return response

    def get_document(self, request: etree._Element) -> etree._Element:
        patient = self._patients.get(E.text(request, "patientFiscalCode"), {})
        wanted = E.text(request, "documentId")
        for document in patient.get("documents", []):
            if document["id"] == wanted:
                response = E.root("GetDocumentResponse")
                response.append(self._reference(document))
                E.add(response, "mimeType", document.get("mime_type", "text/plain"))
                E.add(response, "body", document["body"])
                return response
        # Same answer whether the document does not exist or belongs to someone else.
        raise SoapFault("Client.NotFound", "No such document for this patient", "FSE-404")

    def get_patient_summary(self, request: etree._Element) -> etree._Element:
        fiscal_code = E.text(request, "patientFiscalCode")
        summary = self._patients.get(fiscal_code, {}).get("summary")
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
        E.add(response, "updatedOn", self._days_ago(summary["updated_days_ago"]))
        return response

    def _reference(self, document: dict[str, Any]) -> etree._Element:
        node = etree.Element(E.q("document"))
        E.add(node, "documentId", document["id"])
        E.add(node, "type", document["type"])
        E.add(node, "date", self._days_ago(document["days_ago"]))
        for name in ("title", "author", "facility"):
            E.add(node, name, document[name])
        return node

    def _days_ago(self, days: int) -> date:
        return self._loaded_on - timedelta(days=int(days))
