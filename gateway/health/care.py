"""Care relationships and guardianship, as the FSE rules define them.

A clinician may consult a consenting patient's record only within a care relationship: the
patient's general practitioner (or paediatrician) of record, a clinician of a facility with an
open episode for the patient (admission, booked or ongoing visit, referral), or one the patient
named. The regional health service is the authority for GPs, episodes, practitioners and
guardians (read through ``connectors``); the gateway keeps only the clinicians a patient names.
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors import CareRelationships, Guardian, HealthConnector, Practitioner, Ward
from connectors import NotFound as LegacyNotFound
from connectors.health import Patient

from ..legacy import connector
from ..models import NamedClinician


def health_service(app: Flask | None = None) -> HealthConnector:
    """The regional health record (FSE), as this app reaches it."""
    return connector("health", HealthConnector, app)


GP = "gp"
EPISODE = "episode"
NAMED = "named"


def practitioner(fiscal_code: str) -> Practitioner | None:
    """The registry's entry of a clinician, None for someone who is not a practitioner.

    An outage propagates (``Unavailable``): no decision on access is taken without the registry.
    """
    try:
        return health_service().get_practitioner(fiscal_code)
    except LegacyNotFound:
        return None


def patient(patient_cf: str) -> Patient | None:
    """Who the patient is (name, date of birth), None for a code the registry of patients lacks.

    Read only for a clinician who may consult the record: a refusal names nobody. An outage
    propagates: documents are not shown without the name of the person they belong to.
    """
    try:
        return health_service().get_patient(patient_cf)
    except LegacyNotFound:
        return None


def relationships(patient_cf: str) -> CareRelationships:
    return health_service().get_care_relationships(patient_cf)


def named_clinicians(session: Session, patient_cf: str) -> list[NamedClinician]:
    return list(
        session.scalars(
            select(NamedClinician)
            .where(NamedClinician.patient_cf == patient_cf)
            .order_by(NamedClinician.named_at, NamedClinician.id)
        )
    )


def relationship_of(
    session: Session, clinician: Practitioner, patient_cf: str, care: CareRelationships
) -> str | None:
    """The clinician's care relationship with the patient (gp, episode, named), or None."""
    gp = care.general_practitioner
    if gp is not None and gp.fiscal_code == clinician.fiscal_code:
        return GP
    for episode in care.open_episodes():
        if episode.clinician_fiscal_code == clinician.fiscal_code:
            return EPISODE
        if episode.facility.code in clinician.facility_codes:
            return EPISODE
    named = session.scalar(
        select(NamedClinician.id).where(
            NamedClinician.patient_cf == patient_cf,
            NamedClinician.clinician_cf == clinician.fiscal_code,
        )
    )
    return NAMED if named is not None else None


def wards(guardian_cf: str) -> list[Ward]:
    """The patients this person may act for today (minors, or under legal guardianship)."""
    return health_service().list_wards(guardian_cf)


def ward_of(guardian_cf: str, patient_cf: str) -> Ward | None:
    """The ward ``patient_cf`` if ``guardian_cf`` is their guardian today, else None."""
    for ward in wards(guardian_cf):
        if ward.fiscal_code == patient_cf:
            return ward
    return None


def guardians(patient_cf: str) -> list[Guardian]:
    return health_service().get_guardians(patient_cf)
