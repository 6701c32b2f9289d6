"""late outcomes, amounts that change

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02

A counter's OK that arrives after its token expired: payments remember that they closed late,
and the ones that must be refunded carry a clerk's reconciliation. A notice whose amount
changes with time (a fine) stays valid and remembers the last day of its current amount.
"""

from alembic import op
import sqlalchemy as sa


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("late", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("reconciled_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("reconciled_by", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("reconciliation_note", sa.String(length=500), nullable=True)
        )
        batch_op.create_index("ix_payment_status", ["status"], unique=False)
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.add_column(sa.Column("amount_until", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_column("amount_until")
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_status")
        batch_op.drop_column("reconciliation_note")
        batch_op.drop_column("reconciled_by")
        batch_op.drop_column("reconciled_at")
        batch_op.drop_column("late")
