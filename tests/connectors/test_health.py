"""Contract of the shared health record, through HealthConnector against the simulator."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from connectors import HealthConnector, NotFound
from connectors.health import CareRelationships, Facility, Guardian, Patient, Practitioner
from connectors.simulators import RunningSimulators
from connectors.simulators.clock import today_in_rome
from connectors.simulators.health_service import E as HEALTH
from connectors.simulators.health_service import HealthService, is_minor

from .cast import (
    ANDREA,
    CARLA,
    CHIARA,
    ELENA,
    ELISA,
    ERNESTO,
    FRANCESCA,
    GIULIA,
    LUCA,
    MARCO,
    MARIO,
    PAOLO,
    ROBERTO,
    SILVIA,
    SOFIA,
)
from .conftest import settings_for

BIRTH_DATES = {SOFIA: date(2012, 9, 10), MARCO: date(2015, 4, 22)}


ALL_TYPES = {"lab_report", "discharge_letter", "prescription", "vaccination", "patient_summary"}


def test_giulia_has_many_documents_of_every_type(health: HealthConnector) -> None:
    documents = health.list_documents(GIULIA)
    assert len(documents) >= 8
    assert {d.type for d in documents} == ALL_TYPES
    assert len({d.document_id for d in documents}) == len(documents)
    dates = [d.date for d in documents]
    assert dates == sorted(dates, reverse=True)
    assert any("Ospedale Maggiore di Villanova" in d.facility for d in documents)


@pytest.mark.parametrize("patient", [LUCA, MARIO, FRANCESCA])
def test_other_patients_have_some_documents(health: HealthConnector, patient: str) -> None:
    assert 1 <= len(health.list_documents(patient)) < len(health.list_documents(GIULIA))


def test_patient_without_records_has_an_empty_index(health: HealthConnector) -> None:
    assert health.list_documents(CHIARA) == []


def test_get_document_returns_text_content(health: HealthConnector) -> None:
    ref = health.list_documents(GIULIA)[0]
    document = health.get_document(GIULIA, ref.document_id)
    assert document.ref == ref
    assert document.mime_type == "text/plain"
    assert document.content.strip()


def test_document_of_another_patient_is_not_found(health: HealthConnector) -> None:
    giulias = health.list_documents(GIULIA)[0].document_id
    with pytest.raises(NotFound) as caught:
        health.get_document(LUCA, giulias)
    assert caught.value.legacy_code == "FSE-404"


def test_patient_summary(health: HealthConnector) -> None:
    summary = health.get_patient_summary(FRANCESCA)
    assert summary.patient_fiscal_code == FRANCESCA
    assert summary.blood_group == "0-"
    assert [a.substance for a in summary.allergies] == ["Acido acetilsalicilico"]
    assert len(summary.chronic_conditions) == 2
    assert all(isinstance(c.since, int) for c in summary.chronic_conditions)
    assert {m.name for m in summary.medications} >= {"Warfarin 5 mg"}


def test_summary_with_nothing_to_report_has_empty_lists(health: HealthConnector) -> None:
    summary = health.get_patient_summary(LUCA)
    assert (summary.allergies, summary.chronic_conditions, summary.medications) == ((), (), ())


def test_missing_summary_is_not_found(health: HealthConnector) -> None:
    with pytest.raises(NotFound):
        health.get_patient_summary(CHIARA)


# --- Document authors and facilities -------------------------------------------------------


def test_document_refs_name_the_author_and_the_facility_by_code(health: HealthConnector) -> None:
    documents = {d.document_id: d for d in health.list_documents(GIULIA)}
    discharge = documents["DOC-BNC-0004"]
    assert (discharge.author_fiscal_code, discharge.facility_code) == (PAOLO, "OMV-ORT")
    assert documents["DOC-BNC-0007"].author_fiscal_code == ROBERTO
    vaccination = documents["DOC-BNC-0006"]  # produced by a service, not by a clinician
    assert vaccination.author_fiscal_code is None
    assert vaccination.facility_code == "ASLV-SISP"
    # One code, one facility name, across every patient's index.
    names: dict[str, set[str]] = {}
    for patient in (GIULIA, LUCA, MARIO, FRANCESCA, SOFIA, MARCO, ERNESTO):
        for ref in health.list_documents(patient):
            names.setdefault(ref.facility_code, set()).add(ref.facility)
    assert all(len(found) == 1 for found in names.values())
    assert names["OMV-ORT"] == {"Ospedale Maggiore di Villanova — U.O. Ortopedia"}


def test_get_document_carries_the_same_reference_fields(health: HealthConnector) -> None:
    document = health.get_document(GIULIA, "DOC-BNC-0004")
    assert document.ref.author_fiscal_code == PAOLO
    assert document.ref.facility_code == "OMV-ORT"


def test_authors_with_a_fiscal_code_are_registered_practitioners(
    health: HealthConnector,
) -> None:
    for patient in (GIULIA, LUCA, MARIO, FRANCESCA, SOFIA, MARCO, ERNESTO):
        for ref in health.list_documents(patient):
            if ref.author_fiscal_code is not None:
                assert health.get_practitioner(ref.author_fiscal_code).name == ref.author


# --- Care relationships ----------------------------------------------------------------------


def test_giulia_has_her_gp_and_an_open_orthopaedic_visit(health: HealthConnector) -> None:
    care = health.get_care_relationships(GIULIA)
    assert care.patient_fiscal_code == GIULIA
    gp = care.general_practitioner
    assert gp is not None
    assert (gp.fiscal_code, gp.name, gp.role) == (
        ROBERTO,
        "Dott. Roberto Neri",
        "general_practitioner",
    )
    assert gp.facility == Facility("ASLV-MMG", "ASL Villanova — Medicina generale")
    assert gp.since < today_in_rome()
    (visit,) = care.open_episodes()
    assert (visit.kind, visit.status, visit.is_open) == ("visit", "open", True)
    assert visit.facility == Facility("OMV-ORT", "Ospedale Maggiore di Villanova — U.O. Ortopedia")
    assert visit.clinician_fiscal_code == PAOLO
    assert visit.end_date is None
    assert visit.start_date > today_in_rome()  # booked
    closed = [e for e in care.episodes if not e.is_open]
    assert {e.kind for e in closed} == {"admission", "referral"}
    assert all(e.end_date is not None and e.end_date <= today_in_rome() for e in closed)
    starts = [e.start_date for e in care.episodes]
    assert starts == sorted(starts, reverse=True)
    assert len({e.episode_id for e in care.episodes}) == len(care.episodes)


def test_children_have_a_paediatrician_of_record(health: HealthConnector) -> None:
    for child in (SOFIA, MARCO):
        gp = health.get_care_relationships(child).general_practitioner
        assert gp is not None
        assert (gp.fiscal_code, gp.role) == (ELISA, "paediatrician")


def test_luca_has_his_own_gp_and_no_open_episode(health: HealthConnector) -> None:
    care = health.get_care_relationships(LUCA)
    assert care.general_practitioner is not None
    assert care.general_practitioner.fiscal_code == CARLA
    assert care.episodes and care.open_episodes() == ()


def test_an_episode_may_name_no_clinician(health: HealthConnector) -> None:
    care = health.get_care_relationships(FRANCESCA)
    admission = next(e for e in care.episodes if e.kind == "admission")
    assert admission.clinician_fiscal_code is None
    assert admission.facility.code == "OMV-CAR"
    assert [e.kind for e in care.open_episodes()] == ["referral"]


def test_unknown_patient_has_no_relationships(health: HealthConnector) -> None:
    assert health.get_care_relationships(CHIARA) == CareRelationships(CHIARA, None, ())


def test_episode_clinicians_work_at_the_episode_facility(health: HealthConnector) -> None:
    for patient in (GIULIA, LUCA, MARIO, FRANCESCA, SOFIA, MARCO, ERNESTO):
        care = health.get_care_relationships(patient)
        if care.general_practitioner is not None:
            gp = health.get_practitioner(care.general_practitioner.fiscal_code)
            assert care.general_practitioner.facility in gp.facilities
            assert gp.role == care.general_practitioner.role
        for episode in care.episodes:
            if episode.clinician_fiscal_code is not None:
                clinician = health.get_practitioner(episode.clinician_fiscal_code)
                assert episode.facility.code in clinician.facility_codes


def test_the_other_facility_clinician_has_no_relationship_with_giulia(
    health: HealthConnector,
) -> None:
    silvia = health.get_practitioner(SILVIA)
    assert silvia.role == "specialist"
    assert silvia.facility_codes == {"CSL-DER"}
    care = health.get_care_relationships(GIULIA)
    assert care.general_practitioner is not None
    assert care.general_practitioner.fiscal_code != SILVIA
    assert not silvia.facility_codes & {e.facility.code for e in care.episodes}
    assert SILVIA not in {e.clinician_fiscal_code for e in care.episodes}
    assert SILVIA not in {d.author_fiscal_code for d in health.list_documents(GIULIA)}


# --- Guardianship ----------------------------------------------------------------------------


def _minor_today(child: str) -> bool:
    return is_minor(BIRTH_DATES[child], today_in_rome())


@pytest.mark.parametrize("child", [SOFIA, MARCO])
def test_mario_is_the_parent_of_his_minor_children(health: HealthConnector, child: str) -> None:
    guardians = health.get_guardians(child)
    # Parents act for a child only while the child is a minor: the service decides.
    expected = [Guardian(MARIO, "Mario Rossi", "parent", BIRTH_DATES[child])]
    assert guardians == (expected if _minor_today(child) else [])


def test_mario_lists_his_wards(health: HealthConnector) -> None:
    wards = {ward.fiscal_code: ward for ward in health.list_wards(MARIO)}
    expected = {child for child in (SOFIA, MARCO) if _minor_today(child)}
    assert set(wards) == expected
    for code, ward in wards.items():
        assert ward.date_of_birth == BIRTH_DATES[code]
        assert (ward.relationship, ward.since) == ("parent", ward.date_of_birth)
    if SOFIA in wards:
        assert wards[SOFIA].name == "Sofia Rossi"


def test_an_adult_under_legal_guardianship(health: HealthConnector) -> None:
    (guardian,) = health.get_guardians(ERNESTO)
    assert (guardian.fiscal_code, guardian.name, guardian.relationship) == (
        CHIARA,
        "Chiara Romano",
        "legal_guardian",
    )
    assert guardian.since < today_in_rome()
    (ward,) = health.list_wards(CHIARA)
    assert (ward.fiscal_code, ward.relationship, ward.since) == (
        ERNESTO,
        "legal_guardian",
        guardian.since,
    )


def test_adults_and_unknown_people_have_no_guardians_nor_wards(health: HealthConnector) -> None:
    assert health.get_guardians(GIULIA) == []
    assert health.get_guardians(ANDREA) == []  # not a patient at all
    assert health.list_wards(GIULIA) == []
    assert health.list_wards(SOFIA) == []


def _guardians_on(day: date, patient: str) -> list[str]:
    """Guardians the simulator reports on `day`, asked in process (its clock is injected)."""
    service = HealthService(today=lambda: day)
    request = HEALTH.root("GetGuardiansRequest")
    HEALTH.add(request, "patientFiscalCode", patient)
    answer = service.get_guardians(request)
    return [
        node.findtext(HEALTH.q("fiscalCode")) or "" for node in answer.iter(HEALTH.q("guardian"))
    ]


def test_a_parent_stops_being_a_guardian_on_the_eighteenth_birthday() -> None:
    eighteenth = date(2030, 9, 10)  # Sofia was born on 10 September 2012
    assert _guardians_on(eighteenth - timedelta(days=1), SOFIA) == [MARIO]
    assert _guardians_on(eighteenth, SOFIA) == []
    # A legal guardianship does not end with majority.
    assert _guardians_on(eighteenth, ERNESTO) == [CHIARA]


def test_coming_of_age_on_29_february() -> None:
    assert is_minor(date(2008, 2, 29), date(2026, 2, 28))
    assert not is_minor(date(2008, 2, 29), date(2026, 3, 1))


# --- Registry of patients --------------------------------------------------------------------


def test_the_registry_names_a_patient_with_their_date_of_birth(health: HealthConnector) -> None:
    giulia = health.get_patient(GIULIA)
    assert giulia == Patient(GIULIA, "Bianchi", "Giulia", date(1985, 3, 15))
    assert giulia.name == "Giulia Bianchi"
    sofia = health.get_patient(SOFIA)
    assert (sofia.family_name, sofia.given_name, sofia.date_of_birth) == (
        "Rossi",
        "Sofia",
        BIRTH_DATES[SOFIA],
    )


def test_a_ward_has_the_name_and_birth_date_the_registry_of_patients_gives() -> None:
    """ListWards and GetPatient read the same entry: one name, one date of birth."""
    service = HealthService(today=lambda: date(2026, 12, 1))
    wards = service.list_wards(_request("ListWardsRequest", "guardianFiscalCode", MARIO))
    patient = service.get_patient(_request("GetPatientRequest", "patientFiscalCode", SOFIA))
    (sofia,) = [w for w in wards.iter(HEALTH.q("ward")) if HEALTH.text(w, "fiscalCode") == SOFIA]
    assert HEALTH.text(sofia, "name") == " ".join(
        (HEALTH.text(patient, "givenName"), HEALTH.text(patient, "familyName"))
    )
    assert HEALTH.text(sofia, "dateOfBirth") == HEALTH.text(patient, "dateOfBirth") == "2012-09-10"


@pytest.mark.parametrize("person", [CHIARA, ANDREA, PAOLO])
def test_someone_the_registry_of_patients_lacks_is_not_found(
    health: HealthConnector, person: str
) -> None:
    with pytest.raises(NotFound) as caught:
        health.get_patient(person)
    assert type(caught.value) is NotFound  # the service answered: a well-formed code
    assert caught.value.legacy_code == "FSE-404"


def _request(root: str, field: str, value: str) -> object:
    request = HEALTH.root(root)
    HEALTH.add(request, field, value)
    return request


# --- Practitioner registry -------------------------------------------------------------------


def test_practitioner_registry_entries(health: HealthConnector) -> None:
    paolo = health.get_practitioner(PAOLO)
    assert paolo == Practitioner(
        PAOLO,
        "Dott. Paolo Ferrari",
        "specialist",
        (Facility("OMV-ORT", "Ospedale Maggiore di Villanova — U.O. Ortopedia"),),
    )
    assert health.get_practitioner(ROBERTO).role == "general_practitioner"
    assert health.get_practitioner(ELISA).role == "paediatrician"
    assert health.get_practitioner(ELENA).facility_codes == {"OMV-LAB", "LVC-LAB"}


@pytest.mark.parametrize("person", [ANDREA, GIULIA, MARIO])
def test_someone_who_is_not_a_practitioner_is_not_found(
    health: HealthConnector, person: str
) -> None:
    with pytest.raises(NotFound) as caught:
        health.get_practitioner(person)
    assert type(caught.value) is NotFound  # the service answered: a well-formed code
    assert caught.value.legacy_code == "FSE-404"


# --- Reads are retried like the others -------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "read"),
    [
        ("GetCareRelationships", lambda h: h.get_care_relationships(GIULIA)),
        ("GetGuardians", lambda h: h.get_guardians(ERNESTO)),
        ("ListWards", lambda h: h.list_wards(CHIARA)),
        ("GetPractitioner", lambda h: h.get_practitioner(PAOLO)),
        ("GetPatient", lambda h: h.get_patient(GIULIA)),
    ],
)
def test_new_reads_are_retried_after_an_outage(
    sims: RunningSimulators, operation: str, read: Callable[[HealthConnector], object]
) -> None:
    health = HealthConnector(settings_for(sims, "health", retries=2))
    sims.control("health", fail_next=1)
    assert read(health)
    state = sims.state()["services"]["health"]
    assert state["calls"][operation] == 2
    assert state["injected_faults"][operation] == 1
