"""Shared health records: the patient's consent, obscured documents, break-glass, access log.

The records themselves stay in the regional system (reached through ``connectors``); the
gateway keeps only what the patient decided and who consulted what, under which legal basis.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class HealthConsent(Base):
    """One decision of a patient on consultation by the clinicians treating them.

    Append-only: the latest row is the patient's current choice, earlier rows are its history.
    No row means no consent.
    """

    __tablename__ = "health_consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_cf: Mapped[str] = mapped_column(String(16), index=True)
    granted: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    channel: Mapped[str] = mapped_column(String(16))
    audit_seq: Mapped[int] = mapped_column(Integer)


class ObscuredDocument(Base):
    """A document the patient hides from clinicians; unobscuring deletes the row."""

    __tablename__ = "health_obscured_document"
    __table_args__ = (UniqueConstraint("patient_cf", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_cf: Mapped[str] = mapped_column(String(16))
    document_id: Mapped[str] = mapped_column(String(64))
    obscured_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BreakGlass(Base):
    """Emergency access of one clinician to one patient's record without consent.

    Valid until ``expires_at``; the reason is shown to the patient and to reviewers.
    """

    __tablename__ = "health_break_glass"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_cf: Mapped[str] = mapped_column(String(16), index=True)
    clinician_cf: Mapped[str] = mapped_column(String(16))
    clinician_name: Mapped[str] = mapped_column(String(200))
    facility: Mapped[str] = mapped_column(String(200))
    registry_number: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    audit_seq: Mapped[int] = mapped_column(Integer)
    # The privacy officer's review: "justified" or "unjustified", with a note; the patient sees it.
    review_outcome: Mapped[str | None] = mapped_column(String(16))
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_by_cf: Mapped[str | None] = mapped_column(String(16))
    reviewed_by_name: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NamedClinician(Base):
    """A clinician the patient (or their guardian) explicitly allows, beyond GP and episodes."""

    __tablename__ = "health_named_clinician"
    __table_args__ = (UniqueConstraint("patient_cf", "clinician_cf"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_cf: Mapped[str] = mapped_column(String(16), index=True)
    clinician_cf: Mapped[str] = mapped_column(String(16))
    clinician_name: Mapped[str] = mapped_column(String(200))
    named_by_cf: Mapped[str] = mapped_column(String(16))
    named_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClinicalAccess(Base):
    """One consultation of a patient's record (the list or a document), as the patient sees it.

    Written in the same transaction as its audit entry (``audit_seq``), with the same data.
    ``basis`` is "consent" (with the care ``relationship``: gp, episode, named), "emergency"
    (naming its break-glass grant), "self" (the patient) or "guardian" (a parent or legal
    guardian, whose fiscal code and name are in the ``clinician_*`` columns, role "guardian").
    """

    __tablename__ = "health_clinical_access"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    patient_cf: Mapped[str] = mapped_column(String(16))
    clinician_cf: Mapped[str] = mapped_column(String(16))
    clinician_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    facility: Mapped[str] = mapped_column(String(200))
    registry_number: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    document_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    basis: Mapped[str] = mapped_column(String(16))
    break_glass_id: Mapped[int | None] = mapped_column(ForeignKey("health_break_glass.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    audit_seq: Mapped[int] = mapped_column(Integer, unique=True)
    relationship: Mapped[str | None] = mapped_column(String(16))
    document_titles: Mapped[list[str] | None] = mapped_column(JSON, default=list)


Index("ix_health_break_glass_grant", BreakGlass.clinician_cf, BreakGlass.patient_cf)
Index("ix_health_clinical_access_patient_at", ClinicalAccess.patient_cf, ClinicalAccess.at)
