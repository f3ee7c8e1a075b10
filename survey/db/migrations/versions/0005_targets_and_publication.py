"""Targets per index, unit and period; results published on the public page.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from survey.db.base import UTCDateTime


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('index_code', sa.String(length=32), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('operator', sa.String(length=2), nullable=True),
    sa.Column('threshold', sa.Float(), nullable=True),
    sa.Column('rank_limit', sa.Integer(), nullable=True),
    sa.Column('set_by', sa.Integer(), nullable=True),
    sa.Column('set_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint(
        "(kind = 'value' AND threshold IS NOT NULL AND operator IN ('>=', '>', '<=', '<')"
        " AND rank_limit IS NULL)"
        " OR (kind = 'rank' AND rank_limit >= 1 AND threshold IS NULL AND operator IS NULL)",
        name=op.f('ck_targets_kind')),
    sa.ForeignKeyConstraint(['set_by'], ['users.id'], name=op.f('fk_targets_set_by_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_targets_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_targets')),
    sa.UniqueConstraint('index_code', 'unit_id', 'period', name=op.f('uq_targets_index_code_unit_id_period'))
    )
    op.create_index('ix_targets_unit_id', 'targets', ['unit_id'], unique=False)
    op.create_table('published_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('index_code', sa.String(length=32), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('published_by', sa.Integer(), nullable=True),
    sa.Column('published_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['published_by'], ['users.id'], name=op.f('fk_published_results_published_by_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_published_results_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_published_results')),
    sa.UniqueConstraint('index_code', 'unit_id', 'period', name=op.f('uq_published_results_index_code_unit_id_period'))
    )
    op.create_index('ix_published_results_unit_id', 'published_results', ['unit_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_published_results_unit_id', table_name='published_results')
    op.drop_table('published_results')
    op.drop_index('ix_targets_unit_id', table_name='targets')
    op.drop_table('targets')
