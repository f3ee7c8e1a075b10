"""Questionnaire versions, with published versions frozen by the database itself.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from survey.db.base import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

FROZEN = "published questionnaire versions are frozen"

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER questionnaire_versions_frozen_update
    BEFORE UPDATE ON questionnaire_versions WHEN OLD.status = 'published'
    BEGIN SELECT RAISE(ABORT, '{FROZEN}'); END""",
    f"""CREATE TRIGGER questionnaire_versions_frozen_delete
    BEFORE DELETE ON questionnaire_versions WHEN OLD.status = 'published'
    BEGIN SELECT RAISE(ABORT, '{FROZEN}'); END""",
]

POSTGRES_TRIGGERS = [
    f"""CREATE FUNCTION questionnaire_versions_frozen() RETURNS trigger AS $$
    BEGIN
        IF OLD.status = 'published' THEN
            RAISE EXCEPTION '{FROZEN}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER questionnaire_versions_frozen
    BEFORE UPDATE OR DELETE ON questionnaire_versions
    FOR EACH ROW EXECUTE FUNCTION questionnaire_versions_frozen()""",
]


def upgrade() -> None:
    op.create_table(
        "questionnaire_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("family", sa.String(16), nullable=False),
        sa.Column("title_vi", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.Column("published_by", sa.String(128), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_questionnaire_versions"),
        sa.UniqueConstraint("code", "version", name="uq_questionnaire_versions_code_version"),
        sa.CheckConstraint(
            "status IN ('draft', 'published')", name="ck_questionnaire_versions_status"
        ),
        sa.CheckConstraint(
            "(status = 'published') = (published_at IS NOT NULL)",
            name="ck_questionnaire_versions_published_at",
        ),
    )
    op.create_index("ix_questionnaire_versions_content_hash", "questionnaire_versions", ["content_hash"])
    triggers = SQLITE_TRIGGERS if op.get_bind().dialect.name == "sqlite" else POSTGRES_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER questionnaire_versions_frozen ON questionnaire_versions")
        op.execute("DROP FUNCTION questionnaire_versions_frozen()")
    op.drop_table("questionnaire_versions")
