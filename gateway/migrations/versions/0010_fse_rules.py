"""fse rules

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

Shared health records by the FSE rules: the privacy officer's review of emergency accesses,
clinicians a patient names, and the care relationship and document titles of each access.
"""

from alembic import op
import sqlalchemy as sa


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("health_break_glass", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_outcome", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("review_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("reviewed_by_cf", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("reviewed_by_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("health_clinical_access", schema=None) as batch_op:
        batch_op.add_column(sa.Column("relationship", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("document_titles", sa.JSON(), nullable=True))
    op.create_table(
        "health_named_clinician",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_cf", sa.String(length=16), nullable=False),
        sa.Column("clinician_cf", sa.String(length=16), nullable=False),
        sa.Column("clinician_name", sa.String(length=200), nullable=False),
        sa.Column("named_by_cf", sa.String(length=16), nullable=False),
        sa.Column("named_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_named_clinician")),
        sa.UniqueConstraint(
            "patient_cf", "clinician_cf", name=op.f("uq_health_named_clinician_patient_cf")
        ),
    )
    with op.batch_alter_table("health_named_clinician", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_health_named_clinician_patient_cf"), ["patient_cf"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("health_named_clinician", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_health_named_clinician_patient_cf"))
    op.drop_table("health_named_clinician")
    with op.batch_alter_table("health_clinical_access", schema=None) as batch_op:
        batch_op.drop_column("document_titles")
        batch_op.drop_column("relationship")
    with op.batch_alter_table("health_break_glass", schema=None) as batch_op:
        batch_op.drop_column("reviewed_at")
        batch_op.drop_column("reviewed_by_name")
        batch_op.drop_column("reviewed_by_cf")
        batch_op.drop_column("review_note")
        batch_op.drop_column("review_outcome")
