"""page feedback

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-03

The answers of the "how clear is the information on this page?" box: per page path, the
stars, the reason chosen and an optional short comment; no identity.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "page_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page", sa.String(length=200), nullable=False),
        sa.Column("rating", sa.SmallInteger(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("comment", sa.String(length=200), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_page_feedback_rating")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_feedback")),
    )
    with op.batch_alter_table("page_feedback", schema=None) as batch_op:
        batch_op.create_index("ix_page_feedback_page_at", ["page", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_page_feedback_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("page_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_page_feedback_at"))
        batch_op.drop_index("ix_page_feedback_page_at")
    op.drop_table("page_feedback")
