"""Contract of the school registry, through SchoolConnector against the simulator over HTTP."""

from __future__ import annotations

import re
from datetime import date

import pytest

from connectors import NotFound, SchoolConnector
from connectors.school import CertificateKind
from connectors.simulators import RunningSimulators
from connectors.simulators.clock import today_in_rome

from .cast import CHIARA, MARCO, MARIO, SOFIA


def current_school_year() -> str:
    today = today_in_rome()
    start = today.year if today.month >= 9 else today.year - 1
    return f"{start}/{start + 1}"


def test_mario_is_guardian_of_sofia_and_marco(school: SchoolConnector) -> None:
    students = school.list_students(MARIO)
    assert {s.fiscal_code for s in students} == {SOFIA, MARCO}
    sofia = next(s for s in students if s.fiscal_code == SOFIA)
    assert (sofia.given_name, sofia.family_name, sofia.birth_date) == (
        "Sofia",
        "Rossi",
        date(2012, 9, 10),
    )
    assert sofia.school.level == "secondaria_primo_grado"
    assert re.fullmatch(r"[A-Z]{4}[0-9A-Z]{6}", sofia.school.code)
    assert sofia.school_year == current_school_year()


def test_no_children_for_another_citizen(school: SchoolConnector) -> None:
    assert school.list_students(CHIARA) == []


def test_record_has_grades_for_two_terms_and_absences(school: SchoolConnector) -> None:
    record = school.get_record(SOFIA)
    assert record.student.fiscal_code == SOFIA
    assert {g.term for g in record.grades} == {1, 2}
    first, second = record.grades_for(1), record.grades_for(2)
    assert set(first) == set(second) and "Matematica" in first
    assert all(
        mark.isdigit() for subject, mark in first.items() if subject != "Religione cattolica"
    )
    assert [a.term for a in record.absences] == [1, 2]
    assert all(0 <= a.justified_days <= a.days for a in record.absences)


def test_primary_school_uses_descriptive_judgements(school: SchoolConnector) -> None:
    record = school.get_record(MARCO)
    assert record.student.school.level == "primaria"
    judgements = {"Avanzato", "Intermedio", "Base", "In via di prima acquisizione"}
    assert {g.mark for g in record.grades} <= judgements


def test_unknown_student_is_not_found(school: SchoolConnector) -> None:
    with pytest.raises(NotFound) as caught:
        school.get_record(CHIARA)
    assert caught.value.legacy_code == "SC-404"


@pytest.mark.parametrize("kind", ["enrolment", "attendance"])
def test_issue_certificate_returns_printable_data(
    school: SchoolConnector, kind: CertificateKind
) -> None:
    certificate = school.issue_certificate(SOFIA, kind, "Uso iscrizione attività sportiva")
    assert certificate.kind == kind
    assert certificate.purpose == "Uso iscrizione attività sportiva"
    assert certificate.issue_date == today_in_rome()
    assert certificate.student.fiscal_code == SOFIA
    assert certificate.student.class_name == "3B"
    assert certificate.student.school.name
    assert certificate.student.school_year == current_school_year()


def test_each_certificate_gets_a_new_number(
    school: SchoolConnector, sims: RunningSimulators
) -> None:
    numbers = {school.issue_certificate(MARCO, "enrolment", "Uso famiglia").certificate_number}
    numbers.add(school.issue_certificate(MARCO, "enrolment", "Uso famiglia").certificate_number)
    assert len(numbers) == 2
    assert sims.state()["services"]["school"]["certificates_issued"] == 2
