"""answers kept across an expired session

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02

A form posted after the session expired keeps its answers for the browser that posted them,
until the person logs in again (shown once) or an hour has passed.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_kept_answers",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("owner_tag", sa.String(length=64), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_form_kept_answers")),
    )
    with op.batch_alter_table("form_kept_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_form_kept_answers_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("form_kept_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_kept_answers_expires_at"))
    op.drop_table("form_kept_answers")
