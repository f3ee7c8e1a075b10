"""Household surveys: frames, selections per stage, listings (personal data apart), respondent
draws, weights per response and weighting runs.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from survey.db.base import UTCDateTime


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('field_surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('questionnaire_code', sa.String(length=64), nullable=False),
    sa.Column('province_unit_id', sa.Integer(), nullable=True),
    sa.Column('frame_root', sa.String(length=64), nullable=True),
    sa.Column('design_json', sa.Text(), nullable=True),
    sa.Column('seed', sa.BigInteger(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('drawn_at', UTCDateTime(), nullable=True),
    sa.CheckConstraint("status IN ('frame', 'designed', 'drawn')", name=op.f('ck_field_surveys_status')),
    sa.ForeignKeyConstraint(['province_unit_id'], ['units.id'], name=op.f('fk_field_surveys_province_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_surveys')),
    sa.UniqueConstraint('code', name=op.f('uq_field_surveys_code'))
    )
    op.create_table('frame_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('parent_code', sa.String(length=64), nullable=True),
    sa.Column('level', sa.String(length=32), nullable=False),
    sa.Column('population', sa.Float(), nullable=True),
    sa.Column('households', sa.Float(), nullable=True),
    sa.Column('urban', sa.Boolean(), nullable=True),
    sa.Column('certainty', sa.Boolean(), nullable=False),
    sa.Column('stratum', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['survey_id'], ['field_surveys.id'], name=op.f('fk_frame_units_survey_id_field_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_frame_units')),
    sa.UniqueConstraint('survey_id', 'code', name=op.f('uq_frame_units_survey_id_code'))
    )
    op.create_index(op.f('ix_frame_units_survey_id'), 'frame_units', ['survey_id'], unique=False)
    op.create_table('weighting_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('settings_json', sa.Text(), nullable=False),
    sa.Column('diagnostics_json', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['field_surveys.id'], name=op.f('fk_weighting_runs_survey_id_field_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weighting_runs'))
    )
    op.create_index(op.f('ix_weighting_runs_survey_id'), 'weighting_runs', ['survey_id'], unique=False)
    op.create_table('sample_selections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Integer(), nullable=False),
    sa.Column('frame_unit_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('stratum', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Float(), nullable=False),
    sa.Column('probability', sa.Float(), nullable=False),
    sa.Column('overall_probability', sa.Float(), nullable=False),
    sa.Column('certainty', sa.String(length=16), nullable=True),
    sa.Column('group_units', sa.Integer(), nullable=False),
    sa.Column('group_selected', sa.Integer(), nullable=False),
    sa.Column('group_size', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['frame_unit_id'], ['frame_units.id'], name=op.f('fk_sample_selections_frame_unit_id_frame_units'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_id'], ['sample_selections.id'], name=op.f('fk_sample_selections_parent_id_sample_selections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['field_surveys.id'], name=op.f('fk_sample_selections_survey_id_field_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sample_selections')),
    sa.UniqueConstraint('survey_id', 'frame_unit_id', name=op.f('uq_sample_selections_survey_id_frame_unit_id'))
    )
    op.create_index(op.f('ix_sample_selections_parent_id'), 'sample_selections', ['parent_id'], unique=False)
    op.create_index(op.f('ix_sample_selections_survey_id'), 'sample_selections', ['survey_id'], unique=False)
    op.create_table('listing_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('selection_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['selection_id'], ['sample_selections.id'], name=op.f('fk_listing_members_selection_id_sample_selections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_members')),
    sa.UniqueConstraint('selection_id', 'position', name=op.f('uq_listing_members_selection_id_position'))
    )
    op.create_index(op.f('ix_listing_members_selection_id'), 'listing_members', ['selection_id'], unique=False)
    op.create_table('listing_personal',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('purged_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['listing_members.id'], name=op.f('fk_listing_personal_member_id_listing_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_listing_personal'))
    )
    op.create_table('respondent_draws',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('selection_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('draw_order', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('probability', sa.Float(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('response_uuid', sa.String(length=36), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("role IN ('main', 'replacement')", name=op.f('ck_respondent_draws_role')),
    sa.CheckConstraint("status IN ('pending', 'completed', 'refused', 'noncontact', 'ineligible')", name=op.f('ck_respondent_draws_status')),
    sa.ForeignKeyConstraint(['member_id'], ['listing_members.id'], name=op.f('fk_respondent_draws_member_id_listing_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['selection_id'], ['sample_selections.id'], name=op.f('fk_respondent_draws_selection_id_sample_selections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_respondent_draws')),
    sa.UniqueConstraint('member_id', name=op.f('uq_respondent_draws_member_id')),
    sa.UniqueConstraint('response_uuid', name=op.f('uq_respondent_draws_response_uuid')),
    sa.UniqueConstraint('selection_id', 'draw_order', name=op.f('uq_respondent_draws_selection_id_draw_order'))
    )
    op.create_index(op.f('ix_respondent_draws_selection_id'), 'respondent_draws', ['selection_id'], unique=False)
    op.create_table('response_weights',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('draw_id', sa.Integer(), nullable=False),
    sa.Column('probability', sa.Float(), nullable=False),
    sa.Column('base_weight', sa.Float(), nullable=False),
    sa.Column('nonresponse_weight', sa.Float(), nullable=False),
    sa.Column('calibrated_weight', sa.Float(), nullable=False),
    sa.Column('final_weight', sa.Float(), nullable=False),
    sa.Column('adjustment_class', sa.Text(), nullable=False),
    sa.Column('strata', sa.Text(), nullable=False),
    sa.Column('psu', sa.Text(), nullable=False),
    sa.Column('ssu', sa.Text(), nullable=True),
    sa.Column('fpc_psu', sa.Float(), nullable=True),
    sa.Column('fpc_ssu', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['draw_id'], ['respondent_draws.id'], name=op.f('fk_response_weights_draw_id_respondent_draws'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_response_weights_response_id_responses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['field_surveys.id'], name=op.f('fk_response_weights_survey_id_field_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', name=op.f('pk_response_weights'))
    )
    op.create_index(op.f('ix_response_weights_survey_id'), 'response_weights', ['survey_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_response_weights_survey_id'), table_name='response_weights')
    op.drop_table('response_weights')
    op.drop_index(op.f('ix_respondent_draws_selection_id'), table_name='respondent_draws')
    op.drop_table('respondent_draws')
    op.drop_table('listing_personal')
    op.drop_index(op.f('ix_listing_members_selection_id'), table_name='listing_members')
    op.drop_table('listing_members')
    op.drop_index(op.f('ix_sample_selections_survey_id'), table_name='sample_selections')
    op.drop_index(op.f('ix_sample_selections_parent_id'), table_name='sample_selections')
    op.drop_table('sample_selections')
    op.drop_index(op.f('ix_weighting_runs_survey_id'), table_name='weighting_runs')
    op.drop_table('weighting_runs')
    op.drop_index(op.f('ix_frame_units_survey_id'), table_name='frame_units')
    op.drop_table('frame_units')
    op.drop_table('field_surveys')
