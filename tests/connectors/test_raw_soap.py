"""Plain HTTP clients (no zeep) can talk to the simulators: standard SOAP 1.1 and WSDL."""

from __future__ import annotations

import pytest
import requests
from lxml import etree
from zeep.exceptions import Fault

from connectors import Invalid, Unavailable
from connectors.base import map_error
from connectors.simulators import RunningSimulators

from .cast import GIULIA, MARCO, MARIO, SOFIA
from .conftest import TEST_PASSWORD, TEST_USER
from .soap_messages import digest_token, envelope, fault_parts, post, text_token

FINES = "urn:villanova:polizialocale:fines:v1"
SCHOOL = "urn:regione-esempio:scuola:anagrafe:v1"
HEALTH = "urn:regione-esempio:fse:v1"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"


def test_fines_list_by_plate_over_plain_http(sims: RunningSimulators) -> None:
    body = f'<f:ListFinesRequest xmlns:f="{FINES}"><f:plate>EK903ZP</f:plate></f:ListFinesRequest>'
    status, answer = post(
        sims.url("fines"),
        envelope(body, text_token(TEST_USER, TEST_PASSWORD)),
        f"{FINES}#ListFines",
    )
    assert status == 200
    assert answer.tag == f"{{{FINES}}}ListFinesResponse"
    fines = answer.findall(f"{{{FINES}}}fine")
    assert len(fines) == 1
    assert fines[0].findtext(f"{{{FINES}}}offenderFiscalCode") == GIULIA
    assert fines[0].findtext(f"{{{FINES}}}status") == "open"
    assert int(fines[0].findtext(f"{{{FINES}}}amountDue") or "0") > 0


def test_school_list_students_with_password_digest(sims: RunningSimulators) -> None:
    body = (
        f'<s:ListStudentsRequest xmlns:s="{SCHOOL}">'
        f"<s:guardianFiscalCode>{MARIO}</s:guardianFiscalCode></s:ListStudentsRequest>"
    )
    status, answer = post(
        sims.url("school"),
        envelope(body, digest_token(TEST_USER, TEST_PASSWORD)),
        f"{SCHOOL}#ListStudents",
    )
    assert status == 200
    codes = {s.findtext(f"{{{SCHOOL}}}fiscalCode") for s in answer.iter(f"{{{SCHOOL}}}student")}
    assert codes == {SOFIA, MARCO}


def test_health_list_documents_over_plain_http(sims: RunningSimulators) -> None:
    body = (
        f'<h:ListDocumentsRequest xmlns:h="{HEALTH}">'
        f"<h:patientFiscalCode>{GIULIA}</h:patientFiscalCode></h:ListDocumentsRequest>"
    )
    status, answer = post(
        sims.url("health"),
        envelope(body, text_token(TEST_USER, TEST_PASSWORD)),
        f"{HEALTH}#ListDocuments",
    )
    assert status == 200
    types = [d.findtext(f"{{{HEALTH}}}type") for d in answer.iter(f"{{{HEALTH}}}document")]
    assert len(types) >= 8
    assert set(types) == {
        "lab_report",
        "discharge_letter",
        "prescription",
        "vaccination",
        "patient_summary",
    }


def test_faults_are_soap_11_faults_with_a_legacy_code(sims: RunningSimulators) -> None:
    body = (
        f'<f:GetFineRequest xmlns:f="{FINES}"><f:reportNumber>VL-1999-000001</f:reportNumber>'
        "</f:GetFineRequest>"
    )
    status, answer = post(
        sims.url("fines"), envelope(body, text_token(TEST_USER, TEST_PASSWORD)), f"{FINES}#GetFine"
    )
    assert status == 500
    assert fault_parts(answer) == ("soap:Client.NotFound", "PL-404")
    assert answer.findtext("faultstring")


def test_request_outside_the_schema_is_a_client_fault(sims: RunningSimulators) -> None:
    body = f'<f:GetFineRequest xmlns:f="{FINES}"><f:plate>EK903ZP</f:plate></f:GetFineRequest>'
    status, answer = post(
        sims.url("fines"), envelope(body, text_token(TEST_USER, TEST_PASSWORD)), f"{FINES}#GetFine"
    )
    assert status == 500
    assert fault_parts(answer) == ("soap:Client.Invalid", "XSD-001")


def test_soap_12_envelope_is_a_version_mismatch(sims: RunningSimulators) -> None:
    payload = (
        b'<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>'
    )
    status, answer = post(sims.url("fines"), payload, "")
    assert status == 500
    assert fault_parts(answer)[0] == "soap:VersionMismatch"


@pytest.mark.parametrize(
    ("service", "namespace", "binding"),
    [
        ("fines", FINES, "FinesBinding"),
        ("school", SCHOOL, "SchoolRegistryBinding"),
        ("health", HEALTH, "HealthRecordBinding"),
    ],
)
def test_wsdl_is_served_with_the_actual_address(
    sims: RunningSimulators, service: str, namespace: str, binding: str
) -> None:
    answer = requests.get(sims.wsdl_url(service), timeout=5)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/xml")
    wsdl = etree.fromstring(answer.content)
    assert wsdl.get("targetNamespace") == namespace
    assert wsdl.find(f"{{{WSDL}}}binding[@name='{binding}']") is not None
    addresses = [a.get("location") for a in wsdl.iter(f"{{{WSDL_SOAP}}}address")]
    assert addresses == [sims.url(service)]


def test_get_without_wsdl_query_is_not_a_soap_call(sims: RunningSimulators) -> None:
    assert requests.get(sims.url("fines"), timeout=5).status_code == 405
    assert requests.get(f"{sims.base_url}/nothing", timeout=5).status_code == 404


def health_call(sims: RunningSimulators, operation: str, fields: str) -> tuple[int, etree._Element]:
    body = f'<h:{operation}Request xmlns:h="{HEALTH}">{fields}</h:{operation}Request>'
    token = text_token(TEST_USER, TEST_PASSWORD)
    return post(sims.url("health"), envelope(body, token), f"{HEALTH}#{operation}")


def test_health_care_relationships_over_plain_http(sims: RunningSimulators) -> None:
    status, answer = health_call(
        sims, "GetCareRelationships", f"<h:patientFiscalCode>{GIULIA}</h:patientFiscalCode>"
    )
    assert status == 200
    gp = answer.find(f"{{{HEALTH}}}generalPractitioner")
    assert gp is not None and gp.findtext(f"{{{HEALTH}}}role") == "general_practitioner"
    episodes = answer.findall(f"{{{HEALTH}}}episode")
    open_ones = [e for e in episodes if e.findtext(f"{{{HEALTH}}}status") == "open"]
    assert len(open_ones) == 1
    assert open_ones[0].findtext(f"{{{HEALTH}}}facility/{{{HEALTH}}}code") == "OMV-ORT"
    assert open_ones[0].find(f"{{{HEALTH}}}endDate") is None


def test_health_unknown_practitioner_is_a_not_found_fault(sims: RunningSimulators) -> None:
    status, answer = health_call(sims, "GetPractitioner", f"<h:fiscalCode>{MARIO}</h:fiscalCode>")
    assert status == 500
    assert fault_parts(answer) == ("soap:Client.NotFound", "FSE-404")


@pytest.mark.parametrize(
    ("operation", "fields"),
    [
        (
            "GetDocument",
            f"<h:patientFiscalCode>{GIULIA}</h:patientFiscalCode>"
            "<h:documentId>DOC-BNC-0009\n</h:documentId>",
        ),
        (
            "GetDocument",
            f"<h:patientFiscalCode>{GIULIA}</h:patientFiscalCode>"
            "<h:documentId>DOC-BNC-0009&#10;</h:documentId>",
        ),
        (
            "GetDocument",
            f"<h:patientFiscalCode>{GIULIA}</h:patientFiscalCode>"
            "<h:documentId> DOC-BNC-0009</h:documentId>",
        ),
        (
            "GetDocument",
            f"<h:patientFiscalCode>{GIULIA}</h:patientFiscalCode>"
            "<h:documentId>doc-bnc-0009</h:documentId>",
        ),
        (
            "GetDocument",
            f"<h:patientFiscalCode>{GIULIA}</h:patientFiscalCode>"
            f"<h:documentId>{'D' * 200}</h:documentId>",
        ),
        ("ListDocuments", f"<h:patientFiscalCode>{GIULIA.lower()}</h:patientFiscalCode>"),
        ("GetCareRelationships", f"<h:patientFiscalCode>{GIULIA}\t</h:patientFiscalCode>"),
        ("GetGuardians", f"<h:patientFiscalCode>{SOFIA}\r</h:patientFiscalCode>"),
        ("ListWards", f"<h:guardianFiscalCode>{MARIO}%00</h:guardianFiscalCode>"),
        ("GetPractitioner", "<h:fiscalCode>frrpla70e12a944t</h:fiscalCode>"),
        ("GetPatient", f"<h:patientFiscalCode>{GIULIA} </h:patientFiscalCode>"),
    ],
)
def test_health_schema_refuses_malformed_identifiers_as_a_client_fault(
    sims: RunningSimulators, operation: str, fields: str
) -> None:
    status, answer = health_call(sims, operation, fields)
    assert status == 500
    code, legacy = fault_parts(answer)
    assert (code, legacy) == ("soap:Client.Invalid", "XSD-001")
    # A Client fault: the connector's mapping can never make it an outage.
    error = map_error("health", Fault(answer.findtext("faultstring"), code=code))
    assert isinstance(error, Invalid) and not isinstance(error, Unavailable)


def test_health_nul_character_is_not_even_xml(sims: RunningSimulators) -> None:
    status, answer = health_call(
        sims,
        "GetDocument",
        f"<h:patientFiscalCode>{GIULIA}</h:patientFiscalCode>"
        "<h:documentId>DOC-BNC-0009&#0;</h:documentId>",
    )
    assert status == 500
    assert fault_parts(answer) == ("soap:Client.Invalid", "XML-001")
