"""alternative notice codes

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03

A fine's reduced amount may need its own notice code (SEND's alternative code; the second
page the pagoPA guidelines ask for when a Poste slip carries a fixed amount). That notice
names the notice of the whole debt: paying either one pays the debt once.
"""

from alembic import op
import sqlalchemy as sa


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.add_column(sa.Column("primary_notice_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_notice_primary_notice_id", ["primary_notice_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_notice_primary_notice_id_notice", "notice", ["primary_notice_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_constraint("fk_notice_primary_notice_id_notice", type_="foreignkey")
        batch_op.drop_index("ix_notice_primary_notice_id")
        batch_op.drop_column("primary_notice_id")
