"""notifications and help

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23

Citizens' contacts and message preferences, the portal inbox; offices, desks, opening hours
and help requests (appointments and call-backs) with the unique (desk, slot) booking.
"""

import sqlalchemy as sa
from alembic import op


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('citizen_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fiscal_code', sa.String(length=16), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('email_source', sa.String(length=16), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('muted', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citizen_contact')),
    sa.UniqueConstraint('fiscal_code', name=op.f('uq_citizen_contact_fiscal_code'))
    )
    op.create_table('help_office',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('slot_minutes', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_help_office')),
    sa.UniqueConstraint('slug', name=op.f('uq_help_office_slug'))
    )
    op.create_table('help_desk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['help_office.id'], name=op.f('fk_help_desk_office_id_help_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_help_desk'))
    )
    with op.batch_alter_table('help_desk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_help_desk_office_id'), ['office_id'], unique=False)

    op.create_table('help_opening_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('opens', sa.Time(), nullable=False),
    sa.Column('closes', sa.Time(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['help_office.id'], name=op.f('fk_help_opening_hours_office_id_help_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_help_opening_hours'))
    )
    with op.batch_alter_table('help_opening_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_help_opening_hours_office_id'), ['office_id'], unique=False)

    op.create_table('inbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('citizen_cf', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=48), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('mandatory', sa.Boolean(), nullable=False),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=True),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('transaction_id', sa.Integer(), nullable=True),
    sa.Column('dedupe_key', sa.String(length=120), nullable=False),
    sa.Column('email_key', sa.String(length=128), nullable=True),
    sa.Column('email_skipped', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['transaction_id'], ['transaction.id'], name=op.f('fk_inbox_message_transaction_id_transaction')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox_message')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_inbox_message_dedupe_key'))
    )
    with op.batch_alter_table('inbox_message', schema=None) as batch_op:
        batch_op.create_index('ix_inbox_citizen_created', ['citizen_cf', 'created_at'], unique=False)

    op.create_table('help_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('citizen_cf', sa.String(length=16), nullable=True),
    sa.Column('citizen_name', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('topic', sa.String(length=500), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('related_reference', sa.String(length=16), nullable=True),
    sa.Column('transaction_id', sa.Integer(), nullable=True),
    sa.Column('office_id', sa.Integer(), nullable=True),
    sa.Column('desk_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', sa.DateTime(), nullable=True),
    sa.Column('ends_at', sa.DateTime(), nullable=True),
    sa.Column('slot_start', sa.DateTime(), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('taken_by', sa.String(length=16), nullable=True),
    sa.Column('taken_by_name', sa.String(length=200), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['desk_id'], ['help_desk.id'], name=op.f('fk_help_request_desk_id_help_desk')),
    sa.ForeignKeyConstraint(['office_id'], ['help_office.id'], name=op.f('fk_help_request_office_id_help_office')),
    sa.ForeignKeyConstraint(['transaction_id'], ['transaction.id'], name=op.f('fk_help_request_transaction_id_transaction')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_help_request')),
    sa.UniqueConstraint('code', name=op.f('uq_help_request_code')),
    sa.UniqueConstraint('desk_id', 'slot_start', name=op.f('uq_help_request_desk_id'))
    )
    with op.batch_alter_table('help_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_help_request_citizen_cf'), ['citizen_cf'], unique=False)
        batch_op.create_index('ix_help_request_queue', ['status', 'starts_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('help_request', schema=None) as batch_op:
        batch_op.drop_index('ix_help_request_queue')
        batch_op.drop_index(batch_op.f('ix_help_request_citizen_cf'))

    op.drop_table('help_request')
    with op.batch_alter_table('inbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_inbox_citizen_created')

    op.drop_table('inbox_message')
    with op.batch_alter_table('help_opening_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_help_opening_hours_office_id'))

    op.drop_table('help_opening_hours')
    with op.batch_alter_table('help_desk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_help_desk_office_id'))

    op.drop_table('help_desk')
    op.drop_table('help_office')
    op.drop_table('citizen_contact')
