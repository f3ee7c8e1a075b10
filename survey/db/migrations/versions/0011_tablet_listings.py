"""Listings made by enumerators on their tablets: the per-village listing status, household sizes and
the household's phone number (personal data, next to the name and address).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from survey.db.base import UTCDateTime

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('village_listings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('selection_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('requested_by', sa.Integer(), nullable=True),
    sa.Column('requested_at', UTCDateTime(), nullable=False),
    sa.Column('client_uuid', sa.String(length=36), nullable=True),
    sa.Column('credential_id', sa.Integer(), nullable=True),
    sa.Column('households', sa.Integer(), nullable=True),
    sa.Column('submitted_at', UTCDateTime(), nullable=True),
    sa.CheckConstraint("status IN ('to_list', 'listed')", name=op.f('ck_village_listings_status')),
    sa.ForeignKeyConstraint(['credential_id'], ['credentials.id'], name=op.f('fk_village_listings_credential_id_credentials')),
    sa.ForeignKeyConstraint(['requested_by'], ['users.id'], name=op.f('fk_village_listings_requested_by_users')),
    sa.ForeignKeyConstraint(['selection_id'], ['sample_selections.id'], name=op.f('fk_village_listings_selection_id_sample_selections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['field_surveys.id'], name=op.f('fk_village_listings_survey_id_field_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_village_listings')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_village_listings_client_uuid')),
    sa.UniqueConstraint('selection_id', name=op.f('uq_village_listings_selection_id'))
    )
    with op.batch_alter_table('village_listings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_village_listings_survey_id'), ['survey_id'], unique=False)
    with op.batch_alter_table('listing_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('household_size', sa.Integer(), nullable=True))
    with op.batch_alter_table('listing_personal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('listing_personal', schema=None) as batch_op:
        batch_op.drop_column('phone')
    with op.batch_alter_table('listing_members', schema=None) as batch_op:
        batch_op.drop_column('household_size')
    with op.batch_alter_table('village_listings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_village_listings_survey_id'))
    op.drop_table('village_listings')
