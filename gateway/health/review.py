"""The privacy officer's review of emergency accesses (break-glass).

Only the privacy officer of the health authority sees the list; every look at it and every
mark is in the audit log, and the patient sees each outcome in their access log.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..audit import append_audit
from ..exceptions import NotFound
from ..models import BreakGlass, utcnow
from ..notifications import notify
from ..transactions.operations import Actor, record_event
from .operations import REVIEW_OUTCOMES, UNJUSTIFIED, health_record, lock_health_writes


def review_list_viewed(session: Session, officer: Actor, count: int) -> None:
    """Every look at the emergency accesses is itself in the audit log."""
    append_audit(
        session,
        actor=officer.audit_name,
        action="health.break_glass_review_viewed",
        subject="-",
        channel=officer.channel,
        data={"grants_shown": count},
    )


def review_break_glass(
    session: Session, officer: Actor, grant_id: int, outcome: str, note: str
) -> BreakGlass:
    """The privacy officer marks an emergency access justified or not, with a note.

    The patient sees the outcome in their access log (and is told when it was not justified).
    A later review replaces an earlier one; both stay in the audit log.
    """
    if outcome not in REVIEW_OUTCOMES:
        raise ValueError(f"unknown review outcome {outcome!r}")
    grant = session.get(BreakGlass, grant_id, with_for_update=True)
    if grant is None:
        raise NotFound(detail=f"no break-glass grant {grant_id}")
    lock_health_writes(session, grant.patient_cf)
    now = utcnow()
    grant.review_outcome = outcome
    grant.review_note = note
    grant.reviewed_by_cf = officer.id
    grant.reviewed_by_name = officer.name
    grant.reviewed_at = now
    details = {"break_glass_id": grant.id, "outcome": outcome, "note": note}
    append_audit(
        session,
        actor=officer.audit_name,
        action="health.break_glass_reviewed",
        subject=grant.patient_cf,
        channel=officer.channel,
        data={**details, "clinician_cf": grant.clinician_cf},
    )
    record_event(
        session,
        health_record(session, grant.patient_cf),
        officer,
        "health_break_glass_reviewed",
        details,
    )
    if outcome == UNJUSTIFIED:
        notify(
            session,
            citizen_cf=grant.patient_cf,
            kind="break_glass_unjustified",
            context={
                "clinician_name": grant.clinician_name,
                "reason": grant.reason,
                "at": grant.opened_at.isoformat(),
                "note": note,
            },
            link="/area-personale/salute/accessi",
            dedupe_key=f"bg{grant.id}-unjustified",
        )
    return grant
