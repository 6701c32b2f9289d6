"""The regional school registry: students by guardian, records, numbered certificates."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

from lxml import etree

from connectors.simulators.clock import today_in_rome
from connectors.simulators.seed import seed
from connectors.simulators.soap import ElementBuilder, SoapFault

NAMESPACE = "urn:regione-esempio:scuola:anagrafe:v1"
E = ElementBuilder(NAMESPACE)


def school_year(today: date) -> str:
    """The school year running on `today` ("2026/2027" from September 2026 to August 2027)."""
    start = today.year if today.month >= 9 else today.year - 1
    return f"{start}/{start + 1}"


class SchoolService:
    """In-memory school registry; certificates get a new sequential number on every call."""

    namespace = NAMESPACE

    def __init__(self, today: Callable[[], date] = today_in_rome) -> None:
        self._today = today
        self._lock = threading.Lock()
        self._schools: dict[str, dict[str, Any]] = {}
        self._students: dict[str, dict[str, Any]] = {}
        self._issued = 0
        self.reset()
        self.operations: dict[str, Callable[[etree._Element], etree._Element]] = {
            "ListStudents": self.list_students,
            "GetStudentRecord": self.get_student_record,
            "IssueCertificate": self.issue_certificate,
        }

    def reset(self) -> None:
        raw = seed("school")
        with self._lock:
            self._schools = {school["code"]: school for school in raw["schools"]}
            self._students = {student["fiscal_code"]: student for student in raw["students"]}
            self._issued = 0

    def counters(self) -> dict[str, Any]:
        with self._lock:
            return {"certificates_issued": self._issued}

    def list_students(self, request: etree._Element) -> etree._Element:
        guardian = E.text(request, "guardianFiscalCode")
        response = E.root("ListStudentsResponse")
        with self._lock:
            for student in self._students.values():
                if guardian in student["guardians"]:
                    response.append(self._student_element(student))
        return response

    def get_student_record(self, request: etree._Element) -> etree._Element:
        student = self._find(E.text(request, "studentFiscalCode"))
        response = E.root("GetStudentRecordResponse")
        response.append(self._student_element(student))
        for term, marks in sorted(student["grades"].items()):
            for subject, mark in marks.items():
                grade = E.add(response, "grade")
                E.add(grade, "subject", subject)
                E.add(grade, "term", term)
                E.add(grade, "mark", mark)
        for term, counts in sorted(student["absences"].items()):
            absences = E.add(response, "absences")
            E.add(absences, "term", term)
            E.add(absences, "days", counts["days"])
            E.add(absences, "justifiedDays", counts["justified_days"])
        return response

    def issue_certificate(self, request: etree._Element) -> etree._Element:
        student = self._find(E.text(request, "studentFiscalCode"))
        today = self._today()
        with self._lock:
            self._issued += 1
            number = f"CERT-{today:%Y}-{self._issued:06d}"
        response = E.root("IssueCertificateResponse")
        E.add(response, "certificateNumber", number)
        E.add(response, "issueDate", today)
        E.add(response, "kind", E.text(request, "kind"))
        E.add(response, "purpose", E.text(request, "purpose"))
        response.append(self._student_element(student))
        return response

    def _find(self, fiscal_code: str) -> dict[str, Any]:
        student = self._students.get(fiscal_code)
        if student is None:
            raise SoapFault("Client.NotFound", "No student with that fiscal code", "SC-404")
        return student

    def _student_element(self, student: dict[str, Any]) -> etree._Element:
        node = etree.Element(E.q("student"))
        E.add(node, "fiscalCode", student["fiscal_code"])
        E.add(node, "givenName", student["given_name"])
        E.add(node, "familyName", student["family_name"])
        E.add(node, "birthDate", student["birth_date"])
        E.add(node, "birthPlace", student["birth_place"])
        school = self._schools[student["school"]]
        school_node = E.add(node, "school")
        for name in ("code", "name", "level", "address", "municipality"):
            E.add(school_node, name, school[name])
        E.add(node, "className", student["class_name"])
        E.add(node, "schoolYear", school_year(self._today()))
        return node
