"""Identifiers reach the health record exactly as given, or not at all.

A malformed identifier raises InvalidIdentifier (a NotFound: callers answer 404) before any
network call; the simulator's request counters prove that nothing was sent.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from connectors import HealthConnector, NotFound, Unavailable
from connectors.errors import InvalidIdentifier
from connectors.identifiers import fiscal_code_check_character, is_person_fiscal_code
from connectors.simulators import RunningSimulators
from forms.validators.codice_fiscale import codice_fiscale_check_char, is_valid_codice_fiscale

from .cast import CAST, GIULIA, LUCA, MARIO, PAOLO

GIULIAS_DOCUMENT = "DOC-BNC-0009"

HOSTILE_DOCUMENT_IDS = [
    GIULIAS_DOCUMENT + "\n",
    GIULIAS_DOCUMENT + "\r",
    GIULIAS_DOCUMENT + "\r\n",
    GIULIAS_DOCUMENT + "\t",
    "\t" + GIULIAS_DOCUMENT,
    " " + GIULIAS_DOCUMENT,
    GIULIAS_DOCUMENT + " ",
    GIULIAS_DOCUMENT + "%00",
    GIULIAS_DOCUMENT + "\x00",
    "doc-bnc-0009",
    "Doc-BNC-0009",
    "D" * 200,
    "D" * 65,
    "",
    "-DOC-BNC-0009",
    "DOC/BNC/0009",
    "../DOC-BNC-0009",
    "DOC-BNC-٠٠٠٩",  # Arabic-Indic digits: not the contract's 0-9
    "DOC-BNC-0009\u2028",
]

HOSTILE_FISCAL_CODES = [
    GIULIA + "\n",
    GIULIA + "\r",
    GIULIA + "\t",
    " " + GIULIA,
    GIULIA + "\x00",
    GIULIA + "%00",
    GIULIA.lower(),
    GIULIA[:15] + "A",  # wrong check character
    GIULIA[:15],
    GIULIA + "X",
    "G" * 200,
    "",
    "BNCGLI85F55F205C",  # F is not a month letter
    "BNCGLI٨٥C55F205C",  # Arabic-Indic digits
    "RSSMRA80A01H501U\n",
]


def sent_calls(sims: RunningSimulators) -> int:
    """SOAP calls the health simulator has received since the last reset."""
    return sum(sims.state()["services"]["health"]["calls"].values())


def assert_refused_without_a_call(
    sims: RunningSimulators, read: Callable[[], object], identifier: str
) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        read()
    error = caught.value
    assert isinstance(error, NotFound) and not isinstance(error, Unavailable)
    assert not error.retryable
    assert error.identifier == identifier
    assert sent_calls(sims) == 0


@pytest.mark.parametrize("document_id", HOSTILE_DOCUMENT_IDS, ids=repr)
def test_malformed_document_id_is_refused_before_any_call(
    sims: RunningSimulators, health: HealthConnector, document_id: str
) -> None:
    assert_refused_without_a_call(
        sims, lambda: health.get_document(GIULIA, document_id), "document_id"
    )


@pytest.mark.parametrize("fiscal_code", HOSTILE_FISCAL_CODES, ids=repr)
@pytest.mark.parametrize(
    ("read", "identifier"),
    [
        (lambda h, cf: h.list_documents(cf), "patient_fiscal_code"),
        (lambda h, cf: h.get_document(cf, GIULIAS_DOCUMENT), "patient_fiscal_code"),
        (lambda h, cf: h.get_patient_summary(cf), "patient_fiscal_code"),
        (lambda h, cf: h.get_care_relationships(cf), "patient_fiscal_code"),
        (lambda h, cf: h.get_guardians(cf), "patient_fiscal_code"),
        (lambda h, cf: h.list_wards(cf), "guardian_fiscal_code"),
        (lambda h, cf: h.get_practitioner(cf), "fiscal_code"),
        (lambda h, cf: h.get_patient(cf), "patient_fiscal_code"),
    ],
    ids=[
        "list_documents",
        "get_document",
        "get_patient_summary",
        "get_care_relationships",
        "get_guardians",
        "list_wards",
        "get_practitioner",
        "get_patient",
    ],
)
def test_malformed_fiscal_code_is_refused_before_any_call(
    sims: RunningSimulators,
    health: HealthConnector,
    fiscal_code: str,
    read: Callable[[HealthConnector, str], object],
    identifier: str,
) -> None:
    assert_refused_without_a_call(sims, lambda: read(health, fiscal_code), identifier)


@pytest.mark.parametrize("value", [None, b"DOC-BNC-0009", 9])
def test_a_non_string_identifier_is_refused(
    sims: RunningSimulators, health: HealthConnector, value: object
) -> None:
    assert_refused_without_a_call(
        sims,
        lambda: health.get_document(GIULIA, value),  # type: ignore[arg-type]
        "document_id",
    )


def test_the_refusal_does_not_depend_on_the_service_being_up(
    sims: RunningSimulators, health: HealthConnector
) -> None:
    sims.control("health", down=True)
    assert_refused_without_a_call(
        sims, lambda: health.get_document(GIULIA, GIULIAS_DOCUMENT + "\n"), "document_id"
    )
    assert sims.state()["services"]["health"]["dropped_connections"] == 0
    assert health.state() == "up"  # a refusal is no strike against the service


def test_another_patients_document_id_is_sent_and_not_found(
    sims: RunningSimulators, health: HealthConnector
) -> None:
    # Well formed, so it goes out as given, and the service says: not this patient's.
    with pytest.raises(NotFound) as caught:
        health.get_document(LUCA, GIULIAS_DOCUMENT)
    assert type(caught.value) is NotFound
    assert caught.value.legacy_code == "FSE-404"
    assert sims.state()["services"]["health"]["calls"] == {"GetDocument": 1}


@pytest.mark.parametrize("document_id", ["DOC-BNC-9999", "DOC-XYZ-0001", "X", "A.B-C"])
def test_well_formed_unknown_document_is_not_found(
    health: HealthConnector, document_id: str
) -> None:
    with pytest.raises(NotFound) as caught:
        health.get_document(GIULIA, document_id)
    assert type(caught.value) is NotFound


def test_a_well_formed_id_is_sent_unchanged(health: HealthConnector) -> None:
    document = health.get_document(GIULIA, GIULIAS_DOCUMENT)
    assert document.ref.document_id == GIULIAS_DOCUMENT


def test_the_services_schema_refusal_is_an_invalid_identifier(health: HealthConnector) -> None:
    """Past the facade's check (called below it), the simulator's schema refuses the id with
    Client.Invalid / XSD-001, and the facade still says NotFound, not an outage."""
    with pytest.raises(InvalidIdentifier) as caught:
        health._call(
            "GetDocument",
            idempotent=True,
            patientFiscalCode=GIULIA,
            documentId=GIULIAS_DOCUMENT + "\n",
        )
    assert (caught.value.fault_code, caught.value.legacy_code) == ("Client.Invalid", "XSD-001")
    assert health.state() == "up"


def test_an_injected_client_fault_stays_invalid(
    sims: RunningSimulators, health: HealthConnector
) -> None:
    """Only the schema's refusal becomes InvalidIdentifier; other Client faults are unchanged."""
    from connectors import Invalid

    sims.control("health", fail_next=1, fault="Client.Invalid")
    with pytest.raises(Invalid) as caught:
        health.get_practitioner(PAOLO)
    assert not isinstance(caught.value, NotFound)


# --- The local check character agrees with forms/ ---------------------------------------------


def test_check_character_agrees_with_forms_on_random_codes() -> None:
    draw = random.Random(20261201)
    letters, digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789LMNPQRSTUV"
    agreed_valid = 0
    for _ in range(3000):
        day = draw.choice([f"{d:02d}" for d in (*range(1, 29), *range(41, 69))])
        first15 = (
            "".join(draw.choice(letters) for _ in range(6))
            + draw.choice(digits)
            + draw.choice(digits)
            + draw.choice("ABCDEHLMPRST")
            + day
            + draw.choice(letters)
            + "".join(draw.choice("0123456789") for _ in range(3))
        )
        assert fiscal_code_check_character(first15) == codice_fiscale_check_char(first15)
        last = draw.choice([fiscal_code_check_character(first15), draw.choice(letters)])
        code = first15 + last
        assert is_person_fiscal_code(code) == is_valid_codice_fiscale(code), code
        agreed_valid += is_person_fiscal_code(code)
    assert 1000 < agreed_valid < 3000  # both sides of the check were exercised


def test_the_cast_passes_and_a_typo_does_not() -> None:
    assert all(is_person_fiscal_code(code) for code in CAST)
    assert not is_person_fiscal_code(MARIO[:6] + "08" + MARIO[8:])  # transposed year digits
