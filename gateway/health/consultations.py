"""The access log of a health record: who looked at what, when, and on what basis.

Each consultation is written in the same transaction as its audit entry, with the same data,
after the basis and the obscured documents were re-read under the patient's lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from connectors import HealthDocumentRef

from ..audit import append_audit
from ..models import BreakGlass, ClinicalAccess
from ..transactions.operations import Actor
from .errors import ConsultationNotAllowed, document_not_found
from .operations import (
    CLINICIAN_ROLE,
    GUARDIAN,
    SELF,
    AccessBasis,
    Clinician,
    access_basis,
    lock_health_writes,
    obscured_ids,
    visible_to,
)


def record_consultation(
    session: Session,
    clinician: Clinician,
    patient_cf: str,
    basis: AccessBasis,
    action: str,
    documents: Sequence[HealthDocumentRef],
) -> ClinicalAccess:
    """Record that the clinician saw the list ("list") or a document ("open"), then allow it.

    ``documents`` are references as the health service returned them (their ids are the ones
    checked and logged, never an id from the request). Re-checks the basis and the obscured
    documents under the lock: a withdrawal committed in the meantime raises
    ConsultationNotAllowed, a document obscured in the meantime is dropped from a list or
    refused as not found (unless the clinician wrote it). Serve only ``access.document_ids``.
    """
    if action not in ("list", "open"):
        raise ValueError(f"unknown consultation {action!r}")
    lock_health_writes(session, patient_cf)
    now_basis = access_basis(session, clinician.fiscal_code, patient_cf, basis.relationship)
    if now_basis is None or now_basis.kind != basis.kind:
        raise ConsultationNotAllowed(detail=f"basis changed for {patient_cf}")
    hidden = obscured_ids(session, patient_cf)
    shown = visible_to(clinician.fiscal_code, documents, hidden)
    if action == "open" and len(shown) != len(documents):
        raise document_not_found(detail="obscured while being opened")
    grant = now_basis.break_glass
    data: dict[str, Any] = {
        "clinician_name": clinician.name,
        "role": CLINICIAN_ROLE,
        "facility": clinician.facility,
        "registry_number": clinician.registry_number,
        "documents": [d.document_id for d in shown],
        "basis": now_basis.kind,
        "relationship": now_basis.relationship,
        "break_glass_id": grant.id if grant else None,
        "reason": grant.reason if grant else None,
    }
    entry = append_audit(
        session,
        actor=clinician.actor.audit_name,
        action=f"health.consult_{action}",
        subject=patient_cf,
        channel="web",
        data=data,
    )
    access = ClinicalAccess(
        at=entry.at,
        patient_cf=patient_cf,
        clinician_cf=clinician.fiscal_code,
        clinician_name=clinician.name,
        role=CLINICIAN_ROLE,
        facility=clinician.facility,
        registry_number=clinician.registry_number,
        action=action,
        document_ids=data["documents"],
        document_titles=[d.title for d in shown],
        basis=now_basis.kind,
        relationship=now_basis.relationship,
        break_glass_id=data["break_glass_id"],
        reason=data["reason"],
        audit_seq=entry.seq,
    )
    session.add(access)
    return access


def record_own_access(
    session: Session,
    person: Actor,
    patient_cf: str,
    action: str,
    documents: Sequence[HealthDocumentRef],
) -> ClinicalAccess:
    """A patient's own (basis "self") or a guardian's ("guardian") look at the record."""
    if action not in ("list", "open"):
        raise ValueError(f"unknown consultation {action!r}")
    basis = SELF if person.id == patient_cf else GUARDIAN
    if basis == GUARDIAN and person.on_behalf_of != patient_cf:
        raise ValueError("a guardian acts on behalf of the ward")
    data = {
        "name": person.name,
        "documents": [d.document_id for d in documents],
        "basis": basis,
    }
    entry = append_audit(
        session,
        actor=person.audit_name,
        action=f"health.{basis}_{action}",
        subject=patient_cf,
        channel=person.channel,
        data=data,
    )
    access = ClinicalAccess(
        at=entry.at,
        patient_cf=patient_cf,
        clinician_cf=person.id,
        clinician_name=person.name,
        role="patient" if basis == SELF else "guardian",
        facility="",
        registry_number="",
        action=action,
        document_ids=data["documents"],
        document_titles=[d.title for d in documents],
        basis=basis,
        audit_seq=entry.seq,
    )
    session.add(access)
    return access


def access_log(session: Session, patient_cf: str, limit: int = 500) -> list[ClinicalAccess]:
    """The consultations of the patient's record, newest first."""
    return list(
        session.scalars(
            select(ClinicalAccess)
            .where(ClinicalAccess.patient_cf == patient_cf)
            .order_by(ClinicalAccess.at.desc(), ClinicalAccess.id.desc())
            .limit(limit)
        )
    )


def own_access(session: Session, patient_cf: str, audit_seq: int) -> bool:
    """Is the consultation audited as ``audit_seq`` one of this patient's record?"""
    return (
        session.scalar(
            select(ClinicalAccess.id).where(
                ClinicalAccess.patient_cf == patient_cf, ClinicalAccess.audit_seq == audit_seq
            )
        )
        is not None
    )


def access_count(session: Session, patient_cf: str) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(ClinicalAccess)
            .where(ClinicalAccess.patient_cf == patient_cf)
        )
        or 0
    )


def break_glass_grants(
    session: Session, patient_cf: str | None = None, limit: int = 500
) -> list[BreakGlass]:
    """Emergency grants, newest first: one patient's, or all of them for review."""
    query = select(BreakGlass).order_by(BreakGlass.opened_at.desc(), BreakGlass.id.desc())
    if patient_cf is not None:
        query = query.where(BreakGlass.patient_cf == patient_cf)
    return list(session.scalars(query.limit(limit)))


def consultations_per_grant(session: Session, grant_ids: list[int]) -> dict[int, int]:
    """How many consultations each break-glass grant was used for."""
    if not grant_ids:
        return {}
    rows = session.execute(
        select(ClinicalAccess.break_glass_id, func.count())
        .where(ClinicalAccess.break_glass_id.in_(grant_ids))
        .group_by(ClinicalAccess.break_glass_id)
    ).all()
    return {grant_id: int(count) for grant_id, count in rows if grant_id is not None}
