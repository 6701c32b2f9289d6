"""Operations on shared health records: the only code that writes consent, obscuring,
named clinicians and break-glass grants (the access log: ``consultations.py``; the
privacy officer's review: ``review.py``).

Access follows the FSE rules: a clinician consults a record with the patient's consent *and*
a care relationship (``care.py``: GP of record, open episode, named by the patient), or by
break-glass; an obscured document stays visible to the patient, their guardians and its
author, and to nobody else.

Every write first takes the patient's own lock (``lock_health_writes``: a transaction-level
advisory lock on PostgreSQL, the write lock on SQLite), so one patient's consent changes,
obscuring and consultations are strictly ordered while other patients' go on in parallel,
and each re-reads the patient's decisions after taking it: once a
withdrawal is committed, no consultation on the old consent can be recorded, and a view serves
a record only after its consultation is recorded. The caller commits once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from connectors import Facility, HealthDocumentRef, Practitioner

from ..audit import append_audit
from ..exceptions import Forbidden
from ..i18n import TITLES, written
from ..models import (
    BreakGlass,
    Event,
    HealthConsent,
    NamedClinician,
    ObscuredDocument,
    RoleAssignment,
    Transaction,
    utcnow,
)
from ..notifications import notify
from ..transactions.operations import SYSTEM, Actor, change_state, open_transaction, record_event
from ..transactions.states import State
from .errors import BreakGlassNotNeeded, ConsultationNotAllowed

CLINICIAN_ROLE = "clinician"
HEALTH_SERVICE = "fascicolo_sanitario"
BREAK_GLASS_DURATION = timedelta(hours=1)
REASON_MIN_LENGTH = 20
REASON_MAX_LENGTH = 500
CONSENT = "consent"
EMERGENCY = "emergency"
SELF = "self"
GUARDIAN = "guardian"
JUSTIFIED = "justified"
UNJUSTIFIED = "unjustified"
REVIEW_OUTCOMES = (JUSTIFIED, UNJUSTIFIED)
PRIVACY_OFFICER_ROLE = "privacy_officer"


@dataclass(frozen=True)
class Clinician:
    """A person with an active clinician role and a registry entry, as the access log names them."""

    fiscal_code: str
    name: str
    facility: str
    registry_number: str
    role: str = "specialist"
    facility_codes: frozenset[str] = frozenset()

    @property
    def actor(self) -> Actor:
        return Actor(kind="clinician", id=self.fiscal_code, name=self.name, channel="web")

    @property
    def practitioner(self) -> Practitioner:
        return Practitioner(
            fiscal_code=self.fiscal_code,
            name=self.name,
            role=self.role,  # type: ignore[arg-type]
            facilities=tuple(Facility(code, "") for code in sorted(self.facility_codes)),
        )


@dataclass(frozen=True)
class AccessBasis:
    """Why a clinician may consult a record now: consent within a care relationship, or an
    emergency (break-glass)."""

    kind: str
    break_glass: BreakGlass | None = None
    relationship: str | None = None


def clinician_profile(
    session: Session,
    fiscal_code: str,
    fallback_name: str = "",
    registry: Practitioner | None = None,
) -> Clinician:
    """The clinician as the gateway and the regional practitioner registry know them.

    ``registry`` is their registry entry (``care.practitioner``); without one, the role
    assignment's facility stands in (no episode of any facility will match). Raises Forbidden
    if the role is not (or no longer) active.
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
    if registry is None:
        return Clinician(
            fiscal_code=fiscal_code,
            name=role.display_name or fallback_name,
            facility=role.facility or "",
            registry_number=role.registry_number or "",
        )
    return Clinician(
        fiscal_code=fiscal_code,
        name=registry.name or role.display_name or fallback_name,
        facility="; ".join(f.name for f in registry.facilities) or role.facility or "",
        registry_number=role.registry_number or "",
        role=registry.role,
        facility_codes=registry.facility_codes,
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


def access_basis(
    session: Session, clinician_cf: str, patient_cf: str, relationship: str | None
) -> AccessBasis | None:
    """Consent within a care relationship first; else an active break-glass grant; else None."""
    if relationship is not None and has_consent(session, patient_cf):
        return AccessBasis(CONSENT, relationship=relationship)
    grant = active_break_glass(session, clinician_cf, patient_cf)
    return AccessBasis(EMERGENCY, grant) if grant is not None else None


def refusal_reason(session: Session, patient_cf: str, relationship: str | None) -> str:
    """Why there is no basis: "no_consent" or "no_relationship" (for the refusal page)."""
    return "no_relationship" if has_consent(session, patient_cf) else "no_consent"


def require_access(
    session: Session, clinician: Clinician, patient_cf: str, relationship: str | None
) -> AccessBasis:
    basis = access_basis(session, clinician.fiscal_code, patient_cf, relationship)
    if basis is None:
        raise ConsultationNotAllowed(detail=f"no consent with care relationship for {patient_cf}")
    return basis


def visible_to(
    clinician_cf: str, documents: Sequence[HealthDocumentRef], hidden: set[str]
) -> list[HealthDocumentRef]:
    """The documents a clinician may see: all but the obscured ones, except their own."""
    return [
        d for d in documents if d.document_id not in hidden or d.author_fiscal_code == clinician_cf
    ]


def lock_health_writes(session: Session, patient_cf: str) -> None:
    """Serialise the writes and consultations of one patient's record until commit."""
    if session.get_bind().dialect.name == "postgresql":
        digest = hashlib.sha256(f"health:{patient_cf}".encode()).digest()
        key = int.from_bytes(digest[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    else:
        # A locking read opens SQLite's transaction with BEGIN IMMEDIATE (gateway.db).
        session.execute(
            select(HealthConsent.id)
            .where(HealthConsent.patient_cf == patient_cf)
            .limit(1)
            .with_for_update()
        )


def health_record(session: Session, patient_cf: str) -> Transaction:
    """The patient's standing pratica whose timeline holds their health-record events."""
    tx = session.scalar(
        select(Transaction).where(
            Transaction.subject_cf == patient_cf, Transaction.service == HEALTH_SERVICE
        )
    )
    if tx is None:
        title, titles = written(
            lambda words: words.gettext("Electronic health record — consent and accesses")
        )
        tx = open_transaction(
            session,
            service=HEALTH_SERVICE,
            title=title,
            subject_cf=patient_cf,
            actor=SYSTEM,
            state=State.SUBMITTED,
            data={TITLES: titles},
        )
        change_state(session, tx, State.COMPLETED, SYSTEM)
    return tx


def set_consent(
    session: Session, patient: Actor, granted: bool, *, patient_cf: str | None = None
) -> bool:
    """Record the patient's decision; False (nothing written) if it is already their choice.

    ``patient`` acts; ``patient_cf`` is whose record it is when a guardian acts (``patient``
    then names the ward in ``on_behalf_of``). Takes effect for every later request, including
    those of a clinician whose page is open.
    """
    patient, patient_cf = _acting(patient, patient_cf)
    lock_health_writes(session, patient_cf)
    current = current_consent(session, patient_cf)
    if (current is not None and current.granted) == granted:
        return False
    kind = "health_consent_given" if granted else "health_consent_withdrawn"
    entry = append_audit(
        session,
        actor=patient.audit_name,
        action=f"health.{kind.removeprefix('health_')}",
        subject=patient_cf,
        channel=patient.channel,
        data={"granted": granted, "on_behalf_of": patient.on_behalf_of},
    )
    session.add(
        HealthConsent(
            patient_cf=patient_cf,
            granted=granted,
            at=entry.at,
            channel=patient.channel,
            audit_seq=entry.seq,
        )
    )
    record_event(session, health_record(session, patient_cf), patient, kind, {"granted": granted})
    return True


def set_obscured(
    session: Session,
    patient: Actor,
    document_id: str,
    obscured: bool,
    *,
    patient_cf: str | None = None,
) -> bool:
    """Hide a document from clinicians (but its author) or show it again; False if no change.

    The caller has checked that the document is the patient's; ``patient_cf`` as in
    ``set_consent``.
    """
    patient, patient_cf = _acting(patient, patient_cf)
    lock_health_writes(session, patient_cf)
    row = session.scalar(
        select(ObscuredDocument).where(
            ObscuredDocument.patient_cf == patient_cf,
            ObscuredDocument.document_id == document_id,
        )
    )
    if obscured == (row is not None):
        return False
    if row is None:
        session.add(ObscuredDocument(patient_cf=patient_cf, document_id=document_id))
    else:
        session.delete(row)
    kind = "health_document_obscured" if obscured else "health_document_unobscured"
    append_audit(
        session,
        actor=patient.audit_name,
        action=f"health.{kind.removeprefix('health_')}",
        subject=patient_cf,
        channel=patient.channel,
        data={"document_id": document_id, "on_behalf_of": patient.on_behalf_of},
    )
    record_event(
        session, health_record(session, patient_cf), patient, kind, {"document_id": document_id}
    )
    return True


def _acting(actor: Actor, patient_cf: str | None) -> tuple[Actor, str]:
    """(actor, whose record): a guardian acts on behalf of the ward, anyone else for themself."""
    if patient_cf is None or patient_cf == actor.id:
        return actor, actor.id
    if actor.on_behalf_of != patient_cf:
        raise ValueError("an actor for another patient's record must act on their behalf")
    return actor, patient_cf


def name_clinician(
    session: Session, patient: Actor, clinician: Practitioner, *, patient_cf: str | None = None
) -> bool:
    """Let one more clinician consult (with consent); False if already named."""
    patient, patient_cf = _acting(patient, patient_cf)
    lock_health_writes(session, patient_cf)
    exists = session.scalar(
        select(NamedClinician.id).where(
            NamedClinician.patient_cf == patient_cf,
            NamedClinician.clinician_cf == clinician.fiscal_code,
        )
    )
    if exists is not None:
        return False
    session.add(
        NamedClinician(
            patient_cf=patient_cf,
            clinician_cf=clinician.fiscal_code,
            clinician_name=clinician.name,
            named_by_cf=patient.id,
        )
    )
    _record_decision(
        session,
        patient,
        patient_cf,
        "health_clinician_named",
        {"clinician_cf": clinician.fiscal_code, "clinician_name": clinician.name},
    )
    return True


def unname_clinician(
    session: Session, patient: Actor, clinician_cf: str, *, patient_cf: str | None = None
) -> bool:
    """Withdraw a named clinician (effective on their next request); False if not named."""
    patient, patient_cf = _acting(patient, patient_cf)
    lock_health_writes(session, patient_cf)
    row = session.scalar(
        select(NamedClinician).where(
            NamedClinician.patient_cf == patient_cf, NamedClinician.clinician_cf == clinician_cf
        )
    )
    if row is None:
        return False
    data = {"clinician_cf": clinician_cf, "clinician_name": row.clinician_name}
    session.delete(row)
    _record_decision(session, patient, patient_cf, "health_clinician_unnamed", data)
    return True


def _record_decision(
    session: Session, actor: Actor, patient_cf: str, kind: str, data: dict[str, Any]
) -> None:
    append_audit(
        session,
        actor=actor.audit_name,
        action=f"health.{kind.removeprefix('health_')}",
        subject=patient_cf,
        channel=actor.channel,
        data={**data, "on_behalf_of": actor.on_behalf_of},
    )
    record_event(session, health_record(session, patient_cf), actor, kind, data)


def open_break_glass(
    session: Session,
    clinician: Clinician,
    patient_cf: str,
    reason: str,
    relationship: str | None = None,
) -> BreakGlass:
    """Open a time-limited emergency access outside consent and care, with its stated reason.

    ``reason`` is already cleaned (see ``views``). Raises BreakGlassNotNeeded when the patient's
    consent and a care relationship allow consultation anyway. The grant is audited, recorded
    as an event on the patient's health-record timeline and notified to the patient; the
    privacy officer reviews it.
    """
    lock_health_writes(session, patient_cf)
    if relationship is not None and has_consent(session, patient_cf):
        raise BreakGlassNotNeeded(detail=f"consent and care relationship for {patient_cf}")
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


DECISION_KINDS = (
    "health_consent_given",
    "health_consent_withdrawn",
    "health_document_obscured",
    "health_document_unobscured",
    "health_clinician_named",
    "health_clinician_unnamed",
)


def decisions(session: Session, patient_cf: str, limit: int = 200) -> list[Event]:
    """The decisions taken on the record (consent, obscuring, named clinicians), newest first,
    with who took them: the patient, or a guardian on the patient's behalf."""
    tx = session.scalar(
        select(Transaction.id).where(
            Transaction.subject_cf == patient_cf, Transaction.service == HEALTH_SERVICE
        )
    )
    if tx is None:
        return []
    return list(
        session.scalars(
            select(Event)
            .where(Event.transaction_id == tx, Event.kind.in_(DECISION_KINDS))
            .order_by(Event.at.desc(), Event.id.desc())
            .limit(limit)
        )
    )
