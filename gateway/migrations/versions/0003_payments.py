"""payments

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Payment notices with their code counter, payments (one success per notice: unique
paid_notice_id), partner terminals, the nonces of signed terminal requests and the stored
answers of idempotent calls.
"""

from alembic import op
import sqlalchemy as sa


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotency_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_record")),
        sa.UniqueConstraint("scope", "key", name=op.f("uq_idempotency_record_scope")),
    )
    op.create_table(
        "notice_counter",
        sa.Column("segregation", sa.String(length=2), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("segregation", name=op.f("pk_notice_counter")),
    )
    op.create_table(
        "terminal",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("network", sa.String(length=100), nullable=False),
        sa.Column("shop_name", sa.String(length=200), nullable=False),
        sa.Column("shop_address", sa.String(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("secret_enc", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("disabled_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terminal")),
    )
    op.create_table(
        "terminal_nonce",
        sa.Column("terminal_id", sa.String(length=32), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("terminal_id", "nonce", name=op.f("pk_terminal_nonce")),
    )
    with op.batch_alter_table("terminal_nonce", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_terminal_nonce_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=18), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("creditor_name", sa.String(length=200), nullable=False),
        sa.Column("creditor_fiscal_code", sa.String(length=11), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("payer_cf", sa.String(length=16), nullable=False),
        sa.Column("payer_name", sa.String(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("paid_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transaction.id"],
            name=op.f("fk_notice_transaction_id_transaction"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice")),
        sa.UniqueConstraint("code", name=op.f("uq_notice_code")),
    )
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_payer_cf"), ["payer_cf"], unique=False)
        batch_op.create_index("ix_notice_status_valid", ["status", "valid_until"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_notice_transaction_id"), ["transaction_id"], unique=False
        )

    op.create_table(
        "payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("paid_notice_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("terminal_id", sa.String(length=32), nullable=True),
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
            ["notice_id"], ["notice.id"], name=op.f("fk_payment_notice_id_notice")
        ),
        sa.ForeignKeyConstraint(
            ["paid_notice_id"], ["notice.id"], name=op.f("fk_payment_paid_notice_id_notice")
        ),
        sa.ForeignKeyConstraint(
            ["receipt_document_id"],
            ["document.id"],
            name=op.f("fk_payment_receipt_document_id_document"),
        ),
        sa.ForeignKeyConstraint(
            ["terminal_id"], ["terminal.id"], name=op.f("fk_payment_terminal_id_terminal")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment")),
        sa.UniqueConstraint("paid_notice_id", name=op.f("uq_payment_paid_notice_id")),
        sa.UniqueConstraint("receipt_id", name=op.f("uq_payment_receipt_id")),
        sa.UniqueConstraint("token", name=op.f("uq_payment_token")),
    )
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_notice_id"), ["notice_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_terminal_id"), ["terminal_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_terminal_id"))
        batch_op.drop_index(batch_op.f("ix_payment_notice_id"))

    op.drop_table("payment")
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_transaction_id"))
        batch_op.drop_index("ix_notice_status_valid")
        batch_op.drop_index(batch_op.f("ix_notice_payer_cf"))

    op.drop_table("notice")
    with op.batch_alter_table("terminal_nonce", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_terminal_nonce_expires_at"))

    op.drop_table("terminal_nonce")
    op.drop_table("terminal")
    op.drop_table("notice_counter")
    op.drop_table("idempotency_record")
