"""Organisation, services, responses and answers, staff accounts, credentials, rate limits, volumes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from survey.db.base import UTCDateTime


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rate_limit_counters',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('window_start', sa.Integer(), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', 'window_start', name=op.f('pk_rate_limit_counters'))
    )
    op.create_table('services',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('name_vi', sa.Text(), nullable=False),
    sa.Column('name_en', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_services')),
    sa.UniqueConstraint('code', name=op.f('uq_services_code'))
    )
    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name_vi', sa.Text(), nullable=False),
    sa.Column('name_en', sa.Text(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('opening_hours', sa.Text(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('province', 'district', 'commune', 'ward', 'service_centre', 'counter')", name=op.f('ck_units_kind')),
    sa.ForeignKeyConstraint(['parent_id'], ['units.id'], name=op.f('fk_units_parent_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('code', name=op.f('uq_units_code'))
    )
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.create_index('ix_units_parent_id', ['parent_id'], unique=False)

    op.create_table('transaction_volumes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('processed', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('imported_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint('processed >= 0', name=op.f('ck_transaction_volumes_processed')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_transaction_volumes_service_id_services')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_transaction_volumes_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transaction_volumes')),
    sa.UniqueConstraint('unit_id', 'service_id', 'day', name=op.f('uq_transaction_volumes_unit_id_service_id_day'))
    )
    with op.batch_alter_table('transaction_volumes', schema=None) as batch_op:
        batch_op.create_index('ix_transaction_volumes_unit_day', ['unit_id', 'day'], unique=False)

    op.create_table('unit_predecessors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('predecessor_id', sa.Integer(), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.CheckConstraint('unit_id <> predecessor_id', name=op.f('ck_unit_predecessors_not_self')),
    sa.ForeignKeyConstraint(['predecessor_id'], ['units.id'], name=op.f('fk_unit_predecessors_predecessor_id_units')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_unit_predecessors_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_predecessors')),
    sa.UniqueConstraint('unit_id', 'predecessor_id', name=op.f('uq_unit_predecessors_unit_id_predecessor_id'))
    )
    with op.batch_alter_table('unit_predecessors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_predecessors_predecessor_id'), ['predecessor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_predecessors_unit_id'), ['unit_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.Text(), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('last_login_at', UTCDateTime(), nullable=True),
    sa.CheckConstraint("role IN ('admin', 'unit_manager', 'analyst', 'supervisor', 'enumerator')", name=op.f('ck_users_role')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_users_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('credentials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('last_used_at', UTCDateTime(), nullable=True),
    sa.Column('revoked_at', UTCDateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('kiosk_device', 'enumerator_device', 'api_client')", name=op.f('ck_credentials_kind')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_credentials_created_by_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_credentials_unit_id_units')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_credentials_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credentials')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_credentials_token_hash'))
    )
    with op.batch_alter_table('credentials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credentials_unit_id'), ['unit_id'], unique=False)

    op.create_table('responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('payload_hash', sa.String(length=64), nullable=False),
    sa.Column('questionnaire_version_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('link_kind', sa.String(length=16), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('transaction_ref', sa.String(length=128), nullable=True),
    sa.Column('credential_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('supersedes_uuid', sa.String(length=36), nullable=True),
    sa.Column('started_at', UTCDateTime(), nullable=True),
    sa.Column('submitted_at', UTCDateTime(), nullable=False),
    sa.Column('received_at', UTCDateTime(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('counted', sa.Boolean(), nullable=False),
    sa.Column('raw_json', sa.Text(), nullable=False),
    sa.CheckConstraint("(channel = 'qr') = (link_kind IS NOT NULL) AND (link_kind IS NULL OR link_kind IN ('transaction', 'poster'))", name=op.f('ck_responses_link_kind')),
    sa.CheckConstraint("channel IN ('kiosk', 'qr', 'web', 'interview')", name=op.f('ck_responses_channel')),
    sa.CheckConstraint("status IN ('accepted', 'flagged')", name=op.f('ck_responses_status')),
    sa.ForeignKeyConstraint(['credential_id'], ['credentials.id'], name=op.f('fk_responses_credential_id_credentials')),
    sa.ForeignKeyConstraint(['questionnaire_version_id'], ['questionnaire_versions.id'], name=op.f('fk_responses_questionnaire_version_id_questionnaire_versions')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_responses_service_id_services')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_responses_unit_id_units')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_responses_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_responses')),
    sa.UniqueConstraint('uuid', name=op.f('uq_responses_uuid'))
    )
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_index('ix_responses_service_local_date', ['service_id', 'local_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_responses_supersedes_uuid'), ['supersedes_uuid'], unique=False)
        batch_op.create_index('ix_responses_transaction_ref', ['transaction_ref'], unique=False)
        batch_op.create_index('ix_responses_unit_local_date', ['unit_id', 'local_date'], unique=False)
        batch_op.create_index('ix_responses_version_local_date', ['questionnaire_version_id', 'local_date'], unique=False)

    op.create_table('answers',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('value_int', sa.Integer(), nullable=True),
    sa.Column('value_num', sa.Float(), nullable=True),
    sa.Column('value_text', sa.Text(), nullable=True),
    sa.Column('value_date', sa.Date(), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_answers_response_id_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'item_code', 'seq', name=op.f('pk_answers'))
    )
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.create_index('ix_answers_item_code_response_id', ['item_code', 'response_id'], unique=False)

    op.create_table('counted_transactions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('transaction_ref', sa.String(length=128), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_counted_transactions_response_id_responses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_counted_transactions_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counted_transactions')),
    sa.UniqueConstraint('transaction_ref', name=op.f('uq_counted_transactions_transaction_ref'))
    )
    op.create_table('pii_answers',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=64), nullable=False),
    sa.Column('value_text', sa.Text(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('purged_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_pii_answers_response_id_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'item_code', name=op.f('pk_pii_answers'))
    )
    op.create_table('response_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('flag', sa.String(length=32), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_response_flags_response_id_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_flags')),
    sa.UniqueConstraint('response_id', 'flag', name=op.f('uq_response_flags_response_id_flag'))
    )
    with op.batch_alter_table('response_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_response_flags_response_id'), ['response_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('response_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_flags_response_id'))

    op.drop_table('response_flags')
    op.drop_table('pii_answers')
    op.drop_table('counted_transactions')
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index('ix_answers_item_code_response_id')

    op.drop_table('answers')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index('ix_responses_version_local_date')
        batch_op.drop_index('ix_responses_unit_local_date')
        batch_op.drop_index('ix_responses_transaction_ref')
        batch_op.drop_index(batch_op.f('ix_responses_supersedes_uuid'))
        batch_op.drop_index('ix_responses_service_local_date')

    op.drop_table('responses')
    with op.batch_alter_table('credentials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credentials_unit_id'))

    op.drop_table('credentials')
    op.drop_table('users')
    with op.batch_alter_table('unit_predecessors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_predecessors_unit_id'))
        batch_op.drop_index(batch_op.f('ix_unit_predecessors_predecessor_id'))

    op.drop_table('unit_predecessors')
    with op.batch_alter_table('transaction_volumes', schema=None) as batch_op:
        batch_op.drop_index('ix_transaction_volumes_unit_day')

    op.drop_table('transaction_volumes')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index('ix_units_parent_id')

    op.drop_table('units')
    op.drop_table('services')
    op.drop_table('rate_limit_counters')
