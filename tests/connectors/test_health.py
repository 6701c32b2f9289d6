"""Contract of the shared health record, through HealthConnector against the simulator."""

from __future__ import annotations

import pytest

from connectors import HealthConnector, NotFound

from .cast import CHIARA, FRANCESCA, GIULIA, LUCA, MARIO

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
