"""Index responses by credential and submission time, for the burst and rapid-repeat rules.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_index(
            'ix_responses_credential_submitted_at', ['credential_id', 'submitted_at'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index('ix_responses_credential_submitted_at')
