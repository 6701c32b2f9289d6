"""health

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

Shared health records: the patient's consent decisions, obscured documents, break-glass grants
and the clinicians' access log.
"""

from alembic import op
import sqlalchemy as sa


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "health_break_glass",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_cf", sa.String(length=16), nullable=False),
        sa.Column("clinician_cf", sa.String(length=16), nullable=False),
        sa.Column("clinician_name", sa.String(length=200), nullable=False),
        sa.Column("facility", sa.String(length=200), nullable=False),
        sa.Column("registry_number", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("audit_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_break_glass")),
    )
    with op.batch_alter_table("health_break_glass", schema=None) as batch_op:
        batch_op.create_index(
            "ix_health_break_glass_grant", ["clinician_cf", "patient_cf"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_health_break_glass_patient_cf"), ["patient_cf"], unique=False
        )

    op.create_table(
        "health_consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_cf", sa.String(length=16), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("audit_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_consent")),
    )
    with op.batch_alter_table("health_consent", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_health_consent_patient_cf"), ["patient_cf"], unique=False
        )

    op.create_table(
        "health_obscured_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_cf", sa.String(length=16), nullable=False),
        sa.Column("document_id", sa.String(length=64), nullable=False),
        sa.Column("obscured_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_obscured_document")),
        sa.UniqueConstraint(
            "patient_cf", "document_id", name=op.f("uq_health_obscured_document_patient_cf")
        ),
    )
    op.create_table(
        "health_clinical_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("patient_cf", sa.String(length=16), nullable=False),
        sa.Column("clinician_cf", sa.String(length=16), nullable=False),
        sa.Column("clinician_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("facility", sa.String(length=200), nullable=False),
        sa.Column("registry_number", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("document_ids", sa.JSON(), nullable=False),
        sa.Column("basis", sa.String(length=16), nullable=False),
        sa.Column("break_glass_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("audit_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["break_glass_id"],
            ["health_break_glass.id"],
            name=op.f("fk_health_clinical_access_break_glass_id_health_break_glass"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_clinical_access")),
        sa.UniqueConstraint("audit_seq", name=op.f("uq_health_clinical_access_audit_seq")),
    )
    with op.batch_alter_table("health_clinical_access", schema=None) as batch_op:
        batch_op.create_index(
            "ix_health_clinical_access_patient_at", ["patient_cf", "at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("health_clinical_access", schema=None) as batch_op:
        batch_op.drop_index("ix_health_clinical_access_patient_at")

    op.drop_table("health_clinical_access")
    op.drop_table("health_obscured_document")
    with op.batch_alter_table("health_consent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_health_consent_patient_cf"))

    op.drop_table("health_consent")
    with op.batch_alter_table("health_break_glass", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_health_break_glass_patient_cf"))
        batch_op.drop_index("ix_health_break_glass_grant")

    op.drop_table("health_break_glass")
