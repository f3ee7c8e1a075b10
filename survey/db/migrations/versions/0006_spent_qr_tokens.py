"""Spent single-use QR link tokens (issue 5).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from survey.db.base import UTCDateTime


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('spent_qr_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('transaction_ref', sa.String(length=128), nullable=False),
    sa.Column('response_uuid', sa.String(length=36), nullable=False),
    sa.Column('spent_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_spent_qr_tokens_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spent_qr_tokens')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_spent_qr_tokens_token_digest'))
    )


def downgrade() -> None:
    op.drop_table('spent_qr_tokens')
