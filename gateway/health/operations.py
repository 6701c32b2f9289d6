"""Operations on shared health records: the only code that writes consent, obscuring,
break-glass grants and the access log.

Every write first takes the lock on the audit chain's head row (``_serialise``), the same lock
each audit append takes anyway. Consent changes, obscuring and consultations are then strictly
ordered, and each re-reads the patient's decisions after taking it: once a withdrawal is
committed, no consultation on the old consent can be recorded, and a view serves a record only
after its consultation is recorded. The caller commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..audit import append_audit
from ..exceptions import Forbidden
from ..models import (
    AuditHead,
    BreakGlass,
    ClinicalAccess,
    HealthConsent,
    ObscuredDocument,
    RoleAssignment,
    Transaction,
    utcnow,
)
from ..notifications import notify
from ..transactions.operations import SYSTEM, Actor, change_state, open_transaction, record_event
from ..transactions.states import State
from .errors import BreakGlassNotNeeded, ConsultationNotAllowed, document_not_found

CLINICIAN_ROLE = "clinician"
HEALTH_SERVICE = "fascicolo_sanitario"
HEALTH_TITLE = "Fascicolo Sanitario Elettronico — consenso e accessi"
BREAK_GLASS_DURATION = timedelta(hours=1)
REASON_MIN_LENGTH = 20
REASON_MAX_LENGTH = 500
CONSENT = "consent"
EMERGENCY = "emergency"


@dataclass(frozen=True)
class Clinician:
    """A person with an active clinician role, as the access log names them."""

    fiscal_code: str
    name: str
    facility: str
    registry_number: str

    @property
    def actor(self) -> Actor:
        return Actor(kind="clinician", id=self.fiscal_code, name=self.name, channel="web")


@dataclass(frozen=True)
class AccessBasis:
    """Why a clinician may consult a record now: the patient's consent, or an emergency."""

    kind: str
    break_glass: BreakGlass | None = None


def clinician_profile(session: Session, fiscal_code: str, fallback_name: str = "") -> Clinician:
    """The clinician's name, facility and registry number from their role assignment.

    Raises Forbidden if the role is not (or no longer) active.
    """
    role = session.scalar(
        select(RoleAssignment).where(
            RoleAssignment.fiscal_code == fiscal_code,
            RoleAssignment.role == CLINICIAN_ROLE,
            RoleAssignment.active.is_(True),
        )
    )
    if role is None:
        raise Forbidden(detail="no active clinician role")
    return Clinician(
        fiscal_code=fiscal_code,
        name=role.display_name or fallback_name,
        facility=role.facility or "",
        registry_number=role.registry_number or "",
    )


def current_consent(session: Session, patient_cf: str) -> HealthConsent | None:
    """The patient's latest decision (None: they never decided, which means no consent)."""
    return session.scalar(
        select(HealthConsent)
        .where(HealthConsent.patient_cf == patient_cf)
        .order_by(HealthConsent.id.desc())
        .limit(1)
    )


def has_consent(session: Session, patient_cf: str) -> bool:
    consent = current_consent(session, patient_cf)
    return consent is not None and consent.granted


def obscured_ids(session: Session, patient_cf: str) -> set[str]:
    return set(
        session.scalars(
            select(ObscuredDocument.document_id).where(ObscuredDocument.patient_cf == patient_cf)
        )
    )


def active_break_glass(
    session: Session, clinician_cf: str, patient_cf: str, now: datetime | None = None
) -> BreakGlass | None:
    """The clinician's unexpired emergency grant on this patient, the longest-lived first."""
    return session.scalar(
        select(BreakGlass)
        .where(
            BreakGlass.clinician_cf == clinician_cf,
            BreakGlass.patient_cf == patient_cf,
            BreakGlass.expires_at > (now or utcnow()),
        )
        .order_by(BreakGlass.expires_at.desc())
        .limit(1)
    )


def access_basis(session: Session, clinician_cf: str, patient_cf: str) -> AccessBasis | None:
    """Consent first; without it, an active break-glass grant; otherwise None."""
    if has_consent(session, patient_cf):
        return AccessBasis(CONSENT)
    grant = active_break_glass(session, clinician_cf, patient_cf)
    return AccessBasis(EMERGENCY, grant) if grant is not None else None


def require_access(session: Session, clinician: Clinician, patient_cf: str) -> AccessBasis:
    basis = access_basis(session, clinician.fiscal_code, patient_cf)
    if basis is None:
        raise ConsultationNotAllowed(detail=f"no consent nor break-glass for {patient_cf}")
    return basis


def _serialise(session: Session) -> None:
    session.execute(select(AuditHead.seq).where(AuditHead.id == 1).with_for_update())


def health_record(session: Session, patient_cf: str) -> Transaction:
    """The patient's standing pratica whose timeline holds their health-record events."""
    tx = session.scalar(
        select(Transaction).where(
            Transaction.subject_cf == patient_cf, Transaction.service == HEALTH_SERVICE
        )
    )
    if tx is None:
        tx = open_transaction(
            session,
            service=HEALTH_SERVICE,
            title=HEALTH_TITLE,
            subject_cf=patient_cf,
            actor=SYSTEM,
            state=State.SUBMITTED,
        )
        change_state(session, tx, State.COMPLETED, SYSTEM)
    return tx


def set_consent(session: Session, patient: Actor, granted: bool) -> bool:
    """Record the patient's decision; False (nothing written) if it is already their choice.

    Takes effect for every later request, including those of a clinician whose page is open.
    """
    _serialise(session)
    current = current_consent(session, patient.id)
    if (current is not None and current.granted) == granted:
        return False
    kind = "health_consent_given" if granted else "health_consent_withdrawn"
    entry = append_audit(
        session,
        actor=patient.audit_name,
        action=f"health.{kind.removeprefix('health_')}",
        subject=patient.id,
        channel=patient.channel,
        data={"granted": granted},
    )
    session.add(
        HealthConsent(
            patient_cf=patient.id,
            granted=granted,
            at=entry.at,
            channel=patient.channel,
            audit_seq=entry.seq,
        )
    )
    record_event(session, health_record(session, patient.id), patient, kind, {"granted": granted})
    return True


def set_obscured(session: Session, patient: Actor, document_id: str, obscured: bool) -> bool:
    """Hide a document from clinicians or show it again; False if nothing changes.

    The caller has checked that the document is the patient's.
    """
    _serialise(session)
    row = session.scalar(
        select(ObscuredDocument).where(
            ObscuredDocument.patient_cf == patient.id,
            ObscuredDocument.document_id == document_id,
        )
    )
    if obscured == (row is not None):
        return False
    if row is None:
        session.add(ObscuredDocument(patient_cf=patient.id, document_id=document_id))
    else:
        session.delete(row)
    kind = "health_document_obscured" if obscured else "health_document_unobscured"
    append_audit(
        session,
        actor=patient.audit_name,
        action=f"health.{kind.removeprefix('health_')}",
        subject=patient.id,
        channel=patient.channel,
        data={"document_id": document_id},
    )
    record_event(
        session, health_record(session, patient.id), patient, kind, {"document_id": document_id}
    )
    return True


def open_break_glass(
    session: Session, clinician: Clinician, patient_cf: str, reason: str
) -> BreakGlass:
    """Open a time-limited emergency access without consent, with its stated reason.

    ``reason`` is already cleaned (see ``views``). Raises BreakGlassNotNeeded when the patient's
    consent allows consultation anyway. The grant is audited and recorded as an event on the
    patient's health-record timeline, where a notifier can find it.
    """
    _serialise(session)
    if has_consent(session, patient_cf):
        raise BreakGlassNotNeeded(detail=f"consent present for {patient_cf}")
    now = utcnow()
    expires_at = now + BREAK_GLASS_DURATION
    details = {
        "clinician_name": clinician.name,
        "facility": clinician.facility,
        "registry_number": clinician.registry_number,
        "reason": reason,
        "expires_at": expires_at.isoformat(),
    }
    entry = append_audit(
        session,
        actor=clinician.actor.audit_name,
        action="health.break_glass",
        subject=patient_cf,
        channel="web",
        data=details,
    )
    grant = BreakGlass(
        patient_cf=patient_cf,
        clinician_cf=clinician.fiscal_code,
        clinician_name=clinician.name,
        facility=clinician.facility,
        registry_number=clinician.registry_number,
        reason=reason,
        opened_at=now,
        expires_at=expires_at,
        audit_seq=entry.seq,
    )
    session.add(grant)
    session.flush()
    record_event(
        session,
        health_record(session, patient_cf),
        clinician.actor,
        "health_break_glass",
        {"break_glass_id": grant.id, **details},
    )
    notify(
        session,
        citizen_cf=patient_cf,
        kind="break_glass_access",
        context={"clinician_name": clinician.name, "reason": reason, "at": now.isoformat()},
        link="/area-personale/salute/accessi",
        dedupe_key=f"bg{grant.id}",
    )
    return grant


def record_consultation(
    session: Session,
    clinician: Clinician,
    patient_cf: str,
    basis: AccessBasis,
    action: str,
    document_ids: list[str],
) -> ClinicalAccess:
    """Record that the clinician saw the list ("list") or a document ("open"), then allow it.

    Re-checks the basis and the obscured documents under the lock: a withdrawal committed in
    the meantime raises ConsultationNotAllowed, a document obscured in the meantime is dropped
    from a list or refused as not found. Serve only ``access.document_ids``.
    """
    if action not in ("list", "open"):
        raise ValueError(f"unknown consultation {action!r}")
    _serialise(session)
    now_basis = access_basis(session, clinician.fiscal_code, patient_cf)
    if now_basis is None or now_basis.kind != basis.kind:
        raise ConsultationNotAllowed(detail=f"basis changed for {patient_cf}")
    hidden = obscured_ids(session, patient_cf)
    if action == "open" and hidden.intersection(document_ids):
        raise document_not_found(detail="obscured while being opened")
    shown = [d for d in document_ids if d not in hidden]
    grant = now_basis.break_glass
    data: dict[str, Any] = {
        "clinician_name": clinician.name,
        "role": CLINICIAN_ROLE,
        "facility": clinician.facility,
        "registry_number": clinician.registry_number,
        "documents": shown,
        "basis": now_basis.kind,
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
        document_ids=shown,
        basis=now_basis.kind,
        break_glass_id=data["break_glass_id"],
        reason=data["reason"],
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
