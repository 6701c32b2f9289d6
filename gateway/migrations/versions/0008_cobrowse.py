"""cobrowse

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23

Shared live sessions (co-browsing one transaction): sessions, proposals and live events.
"""

from alembic import op
import sqlalchemy as sa


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cobrowse_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=True),
        sa.Column("citizen_cf", sa.String(length=16), nullable=False),
        sa.Column("citizen_name", sa.String(length=200), nullable=False),
        sa.Column("clerk_cf", sa.String(length=16), nullable=True),
        sa.Column("clerk_name", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("code_expires_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=True),
        sa.Column("last_activity_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("ended_by", sa.String(length=64), nullable=True),
        sa.Column("end_reason", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transaction.id"],
            name=op.f("fk_cobrowse_session_transaction_id_transaction"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cobrowse_session")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_cobrowse_session_code_hash")),
    )
    with op.batch_alter_table("cobrowse_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cobrowse_session_citizen_cf"), ["citizen_cf"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_cobrowse_session_clerk_cf"), ["clerk_cf"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_cobrowse_session_transaction_id"), ["transaction_id"], unique=False
        )

    op.create_table(
        "cobrowse_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["cobrowse_session.id"],
            name=op.f("fk_cobrowse_message_session_id_cobrowse_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cobrowse_message")),
    )
    with op.batch_alter_table("cobrowse_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cobrowse_message_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "cobrowse_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=True),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("display", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposed_by", sa.String(length=16), nullable=False),
        sa.Column("proposed_at", sa.DateTime(), nullable=False),
        sa.Column("answered_by", sa.String(length=16), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["cobrowse_session.id"],
            name=op.f("fk_cobrowse_proposal_session_id_cobrowse_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cobrowse_proposal")),
    )
    with op.batch_alter_table("cobrowse_proposal", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cobrowse_proposal_session_id"), ["session_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("cobrowse_proposal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cobrowse_proposal_session_id"))

    op.drop_table("cobrowse_proposal")
    with op.batch_alter_table("cobrowse_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cobrowse_message_session_id"))

    op.drop_table("cobrowse_message")
    with op.batch_alter_table("cobrowse_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cobrowse_session_transaction_id"))
        batch_op.drop_index(batch_op.f("ix_cobrowse_session_clerk_cf"))
        batch_op.drop_index(batch_op.f("ix_cobrowse_session_citizen_cf"))

    op.drop_table("cobrowse_session")
