"""identity

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Pending SAML requests, the assertion replay cache on the database, and role assignments.
"""

from alembic import op
import sqlalchemy as sa


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "role_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fiscal_code", sa.String(length=16), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("office", sa.String(length=200), nullable=True),
        sa.Column("facility", sa.String(length=200), nullable=True),
        sa.Column("registry_number", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_assignment")),
        sa.UniqueConstraint("fiscal_code", "role", name=op.f("uq_role_assignment_fiscal_code")),
    )
    with op.batch_alter_table("role_assignment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_role_assignment_fiscal_code"), ["fiscal_code"], unique=False
        )

    op.create_table(
        "saml_assertion_seen",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_saml_assertion_seen")),
    )
    with op.batch_alter_table("saml_assertion_seen", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_saml_assertion_seen_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "saml_request",
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("relay_state", sa.String(length=128), nullable=False),
        sa.Column("idp_entity_id", sa.String(length=300), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("issue_instant", sa.DateTime(), nullable=False),
        sa.Column("next_url", sa.String(length=500), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_saml_request")),
        sa.UniqueConstraint("relay_state", name=op.f("uq_saml_request_relay_state")),
    )
    with op.batch_alter_table("saml_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_saml_request_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("saml_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saml_request_expires_at"))

    op.drop_table("saml_request")
    with op.batch_alter_table("saml_assertion_seen", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saml_assertion_seen_expires_at"))

    op.drop_table("saml_assertion_seen")
    with op.batch_alter_table("role_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_role_assignment_fiscal_code"))

    op.drop_table("role_assignment")
