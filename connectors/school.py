"""Facade of the regional school registry (anagrafe scolastica)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from connectors.base import SoapConnector
from connectors.convert import as_list

CertificateKind = Literal["enrolment", "attendance"]


@dataclass(frozen=True)
class School:
    code: str  # codice meccanografico
    name: str
    level: str  # primaria, secondaria_primo_grado, ...
    address: str
    municipality: str


@dataclass(frozen=True)
class Student:
    fiscal_code: str
    given_name: str
    family_name: str
    birth_date: date
    birth_place: str
    school: School
    class_name: str
    school_year: str  # "2026/2027"


@dataclass(frozen=True)
class Grade:
    """A mark: "4".."10" in secondary schools, a descriptive judgement in primary schools."""

    subject: str
    term: int  # 1 or 2
    mark: str


@dataclass(frozen=True)
class Absences:
    term: int
    days: int
    justified_days: int


@dataclass(frozen=True)
class StudentRecord:
    student: Student
    grades: tuple[Grade, ...]
    absences: tuple[Absences, ...]

    def grades_for(self, term: int) -> dict[str, str]:
        """Subject -> mark for one term."""
        return {grade.subject: grade.mark for grade in self.grades if grade.term == term}


@dataclass(frozen=True)
class CertificateRecord:
    """What the registry certifies; the gateway prints it (printing/) with a seal."""

    certificate_number: str
    issue_date: date
    kind: CertificateKind
    purpose: str
    student: Student


class SchoolConnector(SoapConnector):
    """Students of a guardian, a student's record, certificates.

    The registry does not check who asks: the gateway must check that the caller is a guardian
    (list_students) before reading a record or issuing a certificate. issue_certificate is a
    write (a new number each call) and is never retried.
    """

    service = "school"

    def list_students(self, guardian_fiscal_code: str) -> list[Student]:
        answer = self._call(
            "ListStudents", idempotent=True, guardianFiscalCode=guardian_fiscal_code.strip().upper()
        )
        return [_student(item) for item in as_list(answer, "student")]

    def get_record(self, student_fiscal_code: str) -> StudentRecord:
        answer = self._call(
            "GetStudentRecord",
            idempotent=True,
            studentFiscalCode=student_fiscal_code.strip().upper(),
        )
        return StudentRecord(
            student=_student(answer["student"]),
            grades=tuple(
                Grade(item["subject"], int(item["term"]), item["mark"])
                for item in answer.get("grade") or []
            ),
            absences=tuple(
                Absences(int(item["term"]), int(item["days"]), int(item["justifiedDays"]))
                for item in answer.get("absences") or []
            ),
        )

    def issue_certificate(
        self, student_fiscal_code: str, kind: CertificateKind, purpose: str
    ) -> CertificateRecord:
        answer = self._call(
            "IssueCertificate",
            idempotent=False,
            studentFiscalCode=student_fiscal_code.strip().upper(),
            kind=kind,
            purpose=purpose,
        )
        return CertificateRecord(
            certificate_number=answer["certificateNumber"],
            issue_date=answer["issueDate"],
            kind=answer["kind"],
            purpose=answer["purpose"],
            student=_student(answer["student"]),
        )


def _student(item: dict[str, Any]) -> Student:
    school = item["school"]
    return Student(
        fiscal_code=item["fiscalCode"],
        given_name=item["givenName"],
        family_name=item["familyName"],
        birth_date=item["birthDate"],
        birth_place=item["birthPlace"],
        school=School(
            code=school["code"],
            name=school["name"],
            level=school["level"],
            address=school["address"],
            municipality=school["municipality"],
        ),
        class_name=item["className"],
        school_year=item["schoolYear"],
    )
