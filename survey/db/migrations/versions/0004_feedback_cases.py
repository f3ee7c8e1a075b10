"""Feedback cases (PAKN): a low rating with a comment or a call-back request, with deadlines and statuses.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from survey.db.base import UTCDateTime


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('feedback_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('rating_item', sa.String(length=64), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('callback_requested', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('opened_at', UTCDateTime(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('acknowledge_due', sa.Date(), nullable=False),
    sa.Column('answer_due', sa.Date(), nullable=False),
    sa.Column('acknowledged_at', UTCDateTime(), nullable=True),
    sa.Column('acknowledged_by', sa.Integer(), nullable=True),
    sa.Column('answered_at', UTCDateTime(), nullable=True),
    sa.Column('answered_by', sa.Integer(), nullable=True),
    sa.Column('answer_text', sa.Text(), nullable=True),
    sa.Column('communicated_at', UTCDateTime(), nullable=True),
    sa.Column('communicated_by', sa.Integer(), nullable=True),
    sa.Column('closed_at', UTCDateTime(), nullable=True),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('new', 'acknowledged', 'answered', 'closed')", name=op.f('ck_feedback_cases_status')),
    sa.ForeignKeyConstraint(['acknowledged_by'], ['users.id'], name=op.f('fk_feedback_cases_acknowledged_by_users')),
    sa.ForeignKeyConstraint(['answered_by'], ['users.id'], name=op.f('fk_feedback_cases_answered_by_users')),
    sa.ForeignKeyConstraint(['closed_by'], ['users.id'], name=op.f('fk_feedback_cases_closed_by_users')),
    sa.ForeignKeyConstraint(['communicated_by'], ['users.id'], name=op.f('fk_feedback_cases_communicated_by_users')),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_feedback_cases_response_id_responses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_feedback_cases_service_id_services')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_feedback_cases_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_cases')),
    sa.UniqueConstraint('response_id', name=op.f('uq_feedback_cases_response_id'))
    )
    op.create_index('ix_feedback_cases_status_answer_due', 'feedback_cases', ['status', 'answer_due'], unique=False)
    op.create_index('ix_feedback_cases_unit_id_opened_on', 'feedback_cases', ['unit_id', 'opened_on'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_feedback_cases_unit_id_opened_on', table_name='feedback_cases')
    op.drop_index('ix_feedback_cases_status_answer_due', table_name='feedback_cases')
    op.drop_table('feedback_cases')
