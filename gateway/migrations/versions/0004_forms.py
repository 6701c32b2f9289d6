"""forms

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Form drafts with hashed resume codes, clerks' delegations, and counted resume-code guesses.
"""

from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delegation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clerk_cf", sa.String(length=16), nullable=False),
        sa.Column("clerk_name", sa.String(length=200), nullable=False),
        sa.Column("citizen_cf", sa.String(length=16), nullable=False),
        sa.Column("citizen_name", sa.String(length=200), nullable=False),
        sa.Column("evidence_type", sa.String(length=32), nullable=False),
        sa.Column("document_type", sa.String(length=32), nullable=True),
        sa.Column("evidence_number", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegation")),
    )
    with op.batch_alter_table("delegation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delegation_citizen_cf"), ["citizen_cf"], unique=False)
        batch_op.create_index(batch_op.f("ix_delegation_clerk_cf"), ["clerk_cf"], unique=False)

    op.create_table(
        "resume_guess",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resume_guess")),
    )
    with op.batch_alter_table("resume_guess", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resume_guess_at"), ["at"], unique=False)
        batch_op.create_index("ix_resume_guess_client_at", ["client", "at"], unique=False)

    op.create_table(
        "form_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("subject_cf", sa.String(length=16), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transaction.id"],
            name=op.f("fk_form_draft_transaction_id_transaction"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_draft")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_form_draft_code_hash")),
        sa.UniqueConstraint("transaction_id", name=op.f("uq_form_draft_transaction_id")),
    )
    with op.batch_alter_table("form_draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_form_draft_subject_cf"), ["subject_cf"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("form_draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_draft_subject_cf"))

    op.drop_table("form_draft")
    with op.batch_alter_table("resume_guess", schema=None) as batch_op:
        batch_op.drop_index("ix_resume_guess_client_at")
        batch_op.drop_index(batch_op.f("ix_resume_guess_at"))

    op.drop_table("resume_guess")
    with op.batch_alter_table("delegation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delegation_clerk_cf"))
        batch_op.drop_index(batch_op.f("ix_delegation_citizen_cf"))

    op.drop_table("delegation")
