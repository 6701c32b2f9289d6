"""The guardian's page of their children's school records, and their certificates."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template
from sqlalchemy import select

from connectors import NotFound as LegacyNotFound
from connectors import Student, StudentRecord

from ..access import require_identity
from ..audit import append_audit
from ..db import db
from ..legacy import try_legacy
from ..models import Document, Transaction
from ..transactions.states import FINAL_STATES
from . import handlers  # noqa: F401 - registers the stamp duty's paid hook
from .certificates import SERVICE
from .registry import school_registry

bp = Blueprint("school", __name__, template_folder="templates")


@dataclass(frozen=True)
class ChildRecord:
    student: Student
    record: StudentRecord | None
    unavailable: str | None
    subjects: list[str]
    terms: list[int]


def _child(student: Student) -> ChildRecord:
    try:
        record, message = try_legacy(
            "school", lambda: school_registry().get_record(student.fiscal_code)
        )
    except LegacyNotFound:
        record, message = None, None
    subjects: list[str] = []
    terms: list[int] = []
    if record is not None:
        for grade in record.grades:
            if grade.subject not in subjects:
                subjects.append(grade.subject)
            if grade.term not in terms:
                terms.append(grade.term)
    return ChildRecord(student, record, message, subjects, sorted(terms))


@bp.get("/")
def records() -> str:
    identity = require_identity()
    students, unavailable = try_legacy(
        "school", lambda: school_registry().list_students(identity.fiscal_code)
    )
    children = [_child(s) for s in students or []]
    if children:
        append_audit(
            db.session,
            actor=f"citizen:{identity.fiscal_code}",
            action="school.records_viewed",
            subject=identity.fiscal_code,
            channel="web",
            data={"students": [c.student.fiscal_code for c in children]},
        )
        db.session.commit()
    final = [s.value for s in FINAL_STATES]
    requests = db.session.scalars(
        select(Transaction)
        .where(
            Transaction.subject_cf == identity.fiscal_code,
            Transaction.service == SERVICE,
            Transaction.state.not_in(final),
        )
        .order_by(Transaction.created_at.desc())
    ).all()
    certificates = db.session.execute(
        select(Document, Transaction.reference)
        .join(Transaction, Document.transaction_id == Transaction.id)
        .where(Document.subject_cf == identity.fiscal_code, Document.kind == "school_certificate")
        .order_by(Document.issued_at.desc())
    ).all()
    return render_template(
        "school/records.html",
        children=children,
        unavailable=unavailable,
        requests=requests,
        certificates=certificates,
        service=SERVICE,
    )
