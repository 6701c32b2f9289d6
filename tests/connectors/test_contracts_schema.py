"""The WSDL contracts are valid WSDL 1.1 with valid embedded XSD, and the seed data is sound."""

from __future__ import annotations

from pathlib import Path

import pytest
import xmlschema
import yaml
from lxml import etree
from xmlschema.extras.wsdl import Wsdl11Document

from connectors.simulators import RunningSimulators

from .cast import CAST, GIULIA, MARIO, SOFIA, check_character
from .conftest import TEST_PASSWORD, TEST_USER
from .soap_messages import envelope, post, text_token

SIMULATORS = Path(__file__).parents[2] / "connectors" / "simulators"
WSDL_FILES = sorted((SIMULATORS / "wsdl").glob("*.wsdl"))
XSD = "http://www.w3.org/2001/XMLSchema"


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
    assert len(binding.operations) == 3
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
    assert sum(name.endswith("Request") for name in names) == 3


LIVE_REQUESTS = {
    "fines": f"<t:ListFinesRequest xmlns:t='{{ns}}'><t:fiscalCode>{MARIO}</t:fiscalCode>"
    "</t:ListFinesRequest>",
    "school": f"<t:GetStudentRecordRequest xmlns:t='{{ns}}'><t:studentFiscalCode>{SOFIA}"
    "</t:studentFiscalCode></t:GetStudentRecordRequest>",
    "health": f"<t:GetPatientSummaryRequest xmlns:t='{{ns}}'><t:patientFiscalCode>{GIULIA}"
    "</t:patientFiscalCode></t:GetPatientSummaryRequest>",
}


@pytest.mark.parametrize("service", sorted(LIVE_REQUESTS))
def test_live_answers_validate_with_xmlschema(sims: RunningSimulators, service: str) -> None:
    schema = embedded_schema(SIMULATORS / "wsdl" / f"{service}.wsdl")
    request = LIVE_REQUESTS[service].replace("{ns}", schema.target_namespace)
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
    health = yaml.safe_load((data / "health.yaml").read_text(encoding="utf-8"))
    codes = {fine["offender"] for fine in fines["fines"]}
    for student in school["students"]:
        codes |= {student["fiscal_code"], *student["guardians"]}
    return codes | set(health["patients"])


def test_seed_fiscal_codes_have_valid_check_characters() -> None:
    codes = seed_fiscal_codes()
    assert len(codes) >= 7
    for code in codes:
        assert check_character(code[:15]) == code[15], code
    assert codes <= set(CAST)


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
