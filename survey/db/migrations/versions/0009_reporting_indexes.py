"""Covering indexes for the reporting aggregation (responses by unit and day, answers by response).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""

from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_responses_reporting', 'responses',
                    ['unit_id', 'local_date', 'questionnaire_version_id', 'channel', 'link_kind',
                     'counted', 'status', 'service_id'], unique=False)
    op.create_index('ix_answers_reporting', 'answers',
                    ['response_id', 'item_code', 'value_int', 'score'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_answers_reporting', table_name='answers')
    op.drop_index('ix_responses_reporting', table_name='responses')
