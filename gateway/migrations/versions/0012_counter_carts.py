"""counter carts

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

Several notices paid in one counter transaction: the cart, and each payment's cart.
"""

from alembic import op
import sqlalchemy as sa


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "counter_cart",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("terminal_id", sa.String(length=32), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("activated_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("payment_method", sa.String(length=32), nullable=True),
        sa.Column("external_ref", sa.String(length=64), nullable=True),
        sa.Column("receipt_id", sa.String(length=32), nullable=True),
        sa.Column("receipt_document_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["receipt_document_id"],
            ["document.id"],
            name=op.f("fk_counter_cart_receipt_document_id_document"),
        ),
        sa.ForeignKeyConstraint(
            ["terminal_id"], ["terminal.id"], name=op.f("fk_counter_cart_terminal_id_terminal")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counter_cart")),
        sa.UniqueConstraint("receipt_id", name=op.f("uq_counter_cart_receipt_id")),
        sa.UniqueConstraint("token", name=op.f("uq_counter_cart_token")),
    )
    with op.batch_alter_table("counter_cart", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_counter_cart_terminal_id"), ["terminal_id"], unique=False
        )
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cart_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_payment_cart_id"), ["cart_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_payment_cart_id_counter_cart"), "counter_cart", ["cart_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_payment_cart_id_counter_cart"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_payment_cart_id"))
        batch_op.drop_column("cart_id")
    with op.batch_alter_table("counter_cart", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_counter_cart_terminal_id"))
    op.drop_table("counter_cart")
