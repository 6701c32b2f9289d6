"""login binding

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

Pending SAML logins remember the browser that started them (hash of its binder cookie) and the
session it was logged in with; web sessions carry the key an IdP-initiated logout finds them by.
"""

from alembic import op
import sqlalchemy as sa


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("saml_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("browser_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("session_subject", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("session_hash", sa.String(length=64), nullable=True))
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sso_key", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_web_session_sso_key"), ["sso_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_session_sso_key"))
        batch_op.drop_column("sso_key")
    with op.batch_alter_table("saml_request", schema=None) as batch_op:
        batch_op.drop_column("session_hash")
        batch_op.drop_column("session_subject")
        batch_op.drop_column("browser_hash")
