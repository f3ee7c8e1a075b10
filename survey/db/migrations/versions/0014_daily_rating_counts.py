"""Daily rating counts: counted scored whole-number answers summed per day, unit, service, version,
channel, flag, item and value; filled from the responses already stored.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# The same cells as survey/services/reporting/daily.py builds: counted responses, superseded interviews
# left out, QR split by link kind, no service as 0.
FILL = """
INSERT INTO daily_rating_counts (questionnaire_version_id, item_code, local_date, unit_id, service_key,
                                 channel, flagged, value_int, n)
SELECT r.questionnaire_version_id, a.item_code, r.local_date, r.unit_id, COALESCE(r.service_id, 0),
       CASE WHEN r.channel = 'qr' THEN 'qr_' || r.link_kind ELSE r.channel END,
       CASE WHEN r.status = 'accepted' THEN FALSE ELSE TRUE END, a.value_int, COUNT(*)
FROM responses r JOIN answers a ON a.response_id = r.id
WHERE r.counted = TRUE AND a.value_int IS NOT NULL AND a.score IS NOT NULL
  AND NOT (r.channel = 'interview' AND EXISTS (SELECT 1 FROM responses s WHERE s.supersedes_uuid = r.uuid))
GROUP BY r.questionnaire_version_id, a.item_code, r.local_date, r.unit_id, COALESCE(r.service_id, 0),
         CASE WHEN r.channel = 'qr' THEN 'qr_' || r.link_kind ELSE r.channel END,
         CASE WHEN r.status = 'accepted' THEN FALSE ELSE TRUE END, a.value_int
"""


def upgrade() -> None:
    op.create_table('daily_rating_counts',
    sa.Column('questionnaire_version_id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=64), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('service_key', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('value_int', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['questionnaire_version_id'], ['questionnaire_versions.id'], name=op.f('fk_daily_rating_counts_questionnaire_version_id_questionnaire_versions')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_daily_rating_counts_unit_id_units')),
    sa.PrimaryKeyConstraint('questionnaire_version_id', 'item_code', 'local_date', 'unit_id', 'service_key', 'channel', 'flagged', 'value_int', name='pk_daily_rating_counts'),
    sqlite_with_rowid=False,
    )
    op.execute(FILL)


def downgrade() -> None:
    op.drop_table('daily_rating_counts')
