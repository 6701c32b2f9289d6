"""The WSDL contracts are valid WSDL 1.1 with valid embedded XSD, and the seed data is sound."""

from __future__ import annotations

from pathlib import Path

import pytest
import xmlschema
import yaml
from lxml import etree
from xmlschema.extras.wsdl import Wsdl11Document

from connectors.simulators import RunningSimulators

from .cast import ANDREA, CAST, CHIARA, ELENA, GIULIA, MARIO, SOFIA, check_character
from .conftest import TEST_PASSWORD, TEST_USER
from .soap_messages import envelope, post, text_token

SIMULATORS = Path(__file__).parents[2] / "connectors" / "simulators"
WSDL_FILES = sorted((SIMULATORS / "wsdl").glob("*.wsdl"))
XSD = "http://www.w3.org/2001/XMLSchema"
OPERATIONS = {"fines": 3, "school": 3, "health": 8}


def embedded_schema(path: Path) -> xmlschema.XMLSchema10:
    types = etree.parse(str(path)).getroot().find("{http://schemas.xmlsoap.org/wsdl/}types")
    assert types is not None
    schema_element = types.find(f"{{{XSD}}}schema")
    assert schema_element is not None
    return xmlschema.XMLSchema10(etree.tostring(schema_element).decode())


def test_there_are_three_contracts() -> None:
    assert [p.stem for p in WSDL_FILES] == ["fines", "health", "school"]


@pytest.mark.parametrize("path", WSDL_FILES, ids=lambda p: p.stem)
def test_wsdl_is_valid_wsdl_11(path: Path) -> None:
    document = Wsdl11Document(str(path))  # strict: raises on any error
    assert document.schema.is_valid(str(path))  # against the WSDL 1.1 schema itself
    assert document.soap_binding
    (binding,) = document.bindings.values()
    assert len(binding.operations) == OPERATIONS[path.stem]
    for operation in binding.operations.values():
        assert operation.soap_action and operation.soap_style == "document"
        for message in (operation.input.message, operation.output.message):
            (element,) = message.parts.values()
            assert element.name.endswith(("Request", "Response"))
        (fault,) = operation.faults.values()
        assert fault.message is not None


@pytest.mark.parametrize("path", WSDL_FILES, ids=lambda p: p.stem)
def test_embedded_schema_is_valid_xsd(path: Path) -> None:
    schema = embedded_schema(path)
    assert schema.validity == "valid"
    names = {etree.QName(name).localname for name in schema.elements}
    assert "ServiceFault" in names
    assert sum(name.endswith("Request") for name in names) == OPERATIONS[path.stem]


LIVE_REQUESTS = {
    "fines": f"<t:ListFinesRequest xmlns:t='{{ns}}'><t:fiscalCode>{MARIO}</t:fiscalCode>"
    "</t:ListFinesRequest>",
    "school": f"<t:GetStudentRecordRequest xmlns:t='{{ns}}'><t:studentFiscalCode>{SOFIA}"
    "</t:studentFiscalCode></t:GetStudentRecordRequest>",
    "health": f"<t:GetPatientSummaryRequest xmlns:t='{{ns}}'><t:patientFiscalCode>{GIULIA}"
    "</t:patientFiscalCode></t:GetPatientSummaryRequest>",
}


# Every health operation, with an argument that has something to answer.
HEALTH_REQUESTS = {
    "ListDocuments": f"<t:patientFiscalCode>{GIULIA}</t:patientFiscalCode>",
    "GetDocument": f"<t:patientFiscalCode>{GIULIA}</t:patientFiscalCode>"
    "<t:documentId>DOC-BNC-0006</t:documentId>",
    "GetCareRelationships": f"<t:patientFiscalCode>{GIULIA}</t:patientFiscalCode>",
    "GetGuardians": f"<t:patientFiscalCode>{SOFIA}</t:patientFiscalCode>",
    "ListWards": f"<t:guardianFiscalCode>{CHIARA}</t:guardianFiscalCode>",
    "GetPractitioner": f"<t:fiscalCode>{ELENA}</t:fiscalCode>",
    "GetPatient": f"<t:patientFiscalCode>{GIULIA}</t:patientFiscalCode>",
}
LIVE_REQUESTS |= {
    f"health:{name}": f"<t:{name}Request xmlns:t='{{ns}}'>{body}</t:{name}Request>"
    for name, body in HEALTH_REQUESTS.items()
}


@pytest.mark.parametrize("case", sorted(LIVE_REQUESTS))
def test_live_answers_validate_with_xmlschema(sims: RunningSimulators, case: str) -> None:
    service = case.split(":")[0]
    schema = embedded_schema(SIMULATORS / "wsdl" / f"{service}.wsdl")
    request = LIVE_REQUESTS[case].replace("{ns}", schema.target_namespace)
    schema.validate(request)  # what we send is what the contract says
    token = text_token(TEST_USER, TEST_PASSWORD)
    status, answer = post(sims.url(service), envelope(request, token), "")
    assert status == 200
    assert etree.QName(answer).localname.endswith("Response")
    schema.validate(etree.tostring(answer).decode())


def seed_fiscal_codes() -> set[str]:
    data = SIMULATORS / "data"
    fines = yaml.safe_load((data / "fines.yaml").read_text(encoding="utf-8"))
    school = yaml.safe_load((data / "school.yaml").read_text(encoding="utf-8"))
    codes = {fine["offender"] for fine in fines["fines"]}
    for student in school["students"]:
        codes |= {student["fiscal_code"], *student["guardians"]}
    return codes | health_fiscal_codes()


def health_fiscal_codes() -> set[str]:
    """Every fiscal code the health seed names: patients, practitioners, GPs, clinicians,
    authors, guardians."""
    health = yaml.safe_load((SIMULATORS / "data" / "health.yaml").read_text(encoding="utf-8"))
    codes = set(health["patients"]) | set(health["practitioners"])
    for patient in health["patients"].values():
        if patient.get("general_practitioner"):
            codes.add(patient["general_practitioner"]["fiscal_code"])
        codes |= {e["clinician"] for e in patient.get("episodes", []) if e.get("clinician")}
        codes |= {g["fiscal_code"] for g in patient.get("guardians", [])}
        codes |= {
            d["author_fiscal_code"] for d in patient["documents"] if d.get("author_fiscal_code")
        }
    return codes


def test_seed_fiscal_codes_have_valid_check_characters() -> None:
    codes = seed_fiscal_codes()
    assert len(codes) >= 7
    for code in codes:
        assert check_character(code[:15]) == code[15], code
    assert codes <= set(CAST)


def test_health_seed_people_are_valid_for_the_forms_validator_too() -> None:
    """The cast's codes pass the full check of forms/ (day and month included), and each
    patient's date of birth is the one the code encodes."""
    from forms.validators.codice_fiscale import (
        birth_date_from_codice_fiscale,
        is_valid_codice_fiscale,
    )

    codes = health_fiscal_codes()
    assert {ELENA, MARIO} <= codes and ANDREA not in codes  # the privacy officer is nobody here
    assert all(is_valid_codice_fiscale(code) for code in codes)
    health = yaml.safe_load((SIMULATORS / "data" / "health.yaml").read_text(encoding="utf-8"))
    for code, patient in health["patients"].items():
        born = birth_date_from_codice_fiscale(code).isoformat()
        assert patient["date_of_birth"] == born, code


def test_check_character_computation_catches_a_typo() -> None:
    # The computation must be able to say no: a transposed pair changes the expected character.
    assert check_character("RSSMRA80A01H501") == "U"
    assert check_character("RSSMRA08A01H501") != "U"


def test_seeded_notice_codes_carry_valid_check_digits() -> None:
    """The fines system's past payments quote pagoPA notice codes: they must check."""
    import re
    from pathlib import Path

    from printing.codes import check_notice_code

    data = (
        Path(__file__).resolve().parents[2] / "connectors/simulators/data/fines.yaml"
    ).read_text()
    codes = re.findall(r'notice_code:\s*"?(\d{18})"?', data)
    assert codes and all(check_notice_code(code) for code in codes)
