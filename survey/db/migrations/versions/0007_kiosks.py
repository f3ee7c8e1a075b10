"""Kiosks with their hashed pairing code and staff PIN, and transactions pushed to them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from survey.db.base import UTCDateTime


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('kiosks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('pin_salt', sa.String(length=32), nullable=False),
    sa.Column('pin_hash', sa.String(length=64), nullable=False),
    sa.Column('pairing_code_hash', sa.String(length=64), nullable=True),
    sa.Column('pairing_expires_at', UTCDateTime(), nullable=True),
    sa.Column('credential_id', sa.Integer(), nullable=True),
    sa.Column('paired_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_kiosks_created_by_users')),
    sa.ForeignKeyConstraint(['credential_id'], ['credentials.id'], name=op.f('fk_kiosks_credential_id_credentials')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_kiosks_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kiosks')),
    sa.UniqueConstraint('credential_id', name=op.f('uq_kiosks_credential_id')),
    sa.UniqueConstraint('pairing_code_hash', name=op.f('uq_kiosks_pairing_code_hash'))
    )
    op.create_index('ix_kiosks_unit_id', 'kiosks', ['unit_id'], unique=False)
    op.create_table('kiosk_pushes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kiosk_id', sa.Integer(), nullable=False),
    sa.Column('transaction_ref', sa.String(length=128), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('counter_unit_id', sa.Integer(), nullable=True),
    sa.Column('pushed_by_user', sa.Integer(), nullable=True),
    sa.Column('pushed_by_credential', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('expires_at', UTCDateTime(), nullable=False),
    sa.Column('delivered_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['counter_unit_id'], ['units.id'], name=op.f('fk_kiosk_pushes_counter_unit_id_units')),
    sa.ForeignKeyConstraint(['kiosk_id'], ['kiosks.id'], name=op.f('fk_kiosk_pushes_kiosk_id_kiosks')),
    sa.ForeignKeyConstraint(['pushed_by_credential'], ['credentials.id'], name=op.f('fk_kiosk_pushes_pushed_by_credential_credentials')),
    sa.ForeignKeyConstraint(['pushed_by_user'], ['users.id'], name=op.f('fk_kiosk_pushes_pushed_by_user_users')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_kiosk_pushes_service_id_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kiosk_pushes'))
    )
    op.create_index('ix_kiosk_pushes_kiosk_id', 'kiosk_pushes', ['kiosk_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_kiosk_pushes_kiosk_id', table_name='kiosk_pushes')
    op.drop_table('kiosk_pushes')
    op.drop_index('ix_kiosks_unit_id', table_name='kiosks')
    op.drop_table('kiosks')
