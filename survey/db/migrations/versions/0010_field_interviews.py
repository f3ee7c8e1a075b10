"""Household interviewing: village assignments, enumerator tablets, visit outcomes, back-checks and
send-backs.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from survey.db.base import UTCDateTime

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('enumerator_devices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('enrolment_code_hash', sa.String(length=64), nullable=True),
    sa.Column('enrolment_expires_at', UTCDateTime(), nullable=True),
    sa.Column('credential_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('enrolled_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['credential_id'], ['credentials.id'], name=op.f('fk_enumerator_devices_credential_id_credentials')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_enumerator_devices_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enumerator_devices')),
    sa.UniqueConstraint('credential_id', name=op.f('uq_enumerator_devices_credential_id')),
    sa.UniqueConstraint('enrolment_code_hash', name=op.f('uq_enumerator_devices_enrolment_code_hash'))
    )
    with op.batch_alter_table('enumerator_devices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enumerator_devices_user_id'), ['user_id'], unique=False)

    op.create_table('field_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('selection_id', sa.Integer(), nullable=False),
    sa.Column('enumerator_id', sa.Integer(), nullable=False),
    sa.Column('assigned_by', sa.Integer(), nullable=True),
    sa.Column('assigned_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by'], ['users.id'], name=op.f('fk_field_assignments_assigned_by_users')),
    sa.ForeignKeyConstraint(['enumerator_id'], ['users.id'], name=op.f('fk_field_assignments_enumerator_id_users')),
    sa.ForeignKeyConstraint(['selection_id'], ['sample_selections.id'], name=op.f('fk_field_assignments_selection_id_sample_selections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['field_surveys.id'], name=op.f('fk_field_assignments_survey_id_field_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_assignments')),
    sa.UniqueConstraint('selection_id', name=op.f('uq_field_assignments_selection_id'))
    )
    with op.batch_alter_table('field_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_field_assignments_enumerator_id'), ['enumerator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_field_assignments_survey_id'), ['survey_id'], unique=False)

    op.create_table('backchecks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('draw_id', sa.Integer(), nullable=False),
    sa.Column('response_uuid', sa.String(length=36), nullable=False),
    sa.Column('enumerator_id', sa.Integer(), nullable=True),
    sa.Column('checker_id', sa.Integer(), nullable=True),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('drawn_at', UTCDateTime(), nullable=False),
    sa.Column('backcheck_uuid', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['checker_id'], ['users.id'], name=op.f('fk_backchecks_checker_id_users')),
    sa.ForeignKeyConstraint(['draw_id'], ['respondent_draws.id'], name=op.f('fk_backchecks_draw_id_respondent_draws'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enumerator_id'], ['users.id'], name=op.f('fk_backchecks_enumerator_id_users')),
    sa.ForeignKeyConstraint(['survey_id'], ['field_surveys.id'], name=op.f('fk_backchecks_survey_id_field_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_backchecks')),
    sa.UniqueConstraint('backcheck_uuid', name=op.f('uq_backchecks_backcheck_uuid')),
    sa.UniqueConstraint('response_uuid', name=op.f('uq_backchecks_response_uuid'))
    )
    with op.batch_alter_table('backchecks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_backchecks_survey_id'), ['survey_id'], unique=False)

    op.create_table('draw_outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draw_id', sa.Integer(), nullable=False),
    sa.Column('client_uuid', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('response_uuid', sa.String(length=36), nullable=True),
    sa.Column('credential_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['credential_id'], ['credentials.id'], name=op.f('fk_draw_outcomes_credential_id_credentials')),
    sa.ForeignKeyConstraint(['draw_id'], ['respondent_draws.id'], name=op.f('fk_draw_outcomes_draw_id_respondent_draws'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draw_outcomes')),
    sa.UniqueConstraint('draw_id', 'client_uuid', name=op.f('uq_draw_outcomes_draw_id_client_uuid'))
    )
    with op.batch_alter_table('draw_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draw_outcomes_draw_id'), ['draw_id'], unique=False)

    op.create_table('send_backs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draw_id', sa.Integer(), nullable=False),
    sa.Column('response_uuid', sa.String(length=36), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('sent_by', sa.Integer(), nullable=True),
    sa.Column('sent_at', UTCDateTime(), nullable=False),
    sa.Column('revision_uuid', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['draw_id'], ['respondent_draws.id'], name=op.f('fk_send_backs_draw_id_respondent_draws'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sent_by'], ['users.id'], name=op.f('fk_send_backs_sent_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_send_backs')),
    sa.UniqueConstraint('revision_uuid', name=op.f('uq_send_backs_revision_uuid'))
    )
    with op.batch_alter_table('send_backs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_send_backs_draw_id'), ['draw_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_send_backs_response_uuid'), ['response_uuid'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('send_backs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_send_backs_response_uuid'))
        batch_op.drop_index(batch_op.f('ix_send_backs_draw_id'))

    op.drop_table('send_backs')
    with op.batch_alter_table('draw_outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draw_outcomes_draw_id'))

    op.drop_table('draw_outcomes')
    with op.batch_alter_table('backchecks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_backchecks_survey_id'))

    op.drop_table('backchecks')
    with op.batch_alter_table('field_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_field_assignments_survey_id'))
        batch_op.drop_index(batch_op.f('ix_field_assignments_enumerator_id'))

    op.drop_table('field_assignments')
    with op.batch_alter_table('enumerator_devices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enumerator_devices_user_id'))

    op.drop_table('enumerator_devices')
