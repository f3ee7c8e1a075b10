"""The audit log is append-only: the ORM and the database itself refuse to change or remove entries."""

from __future__ import annotations

import pytest
from audit_world import audit_world_fixture  # noqa: F401  (a fixture)
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from survey.db.audit import APPEND_ONLY, AuditEntry
from survey.services import questionnaires
from survey.web.database import engine_of, session_scope


@pytest.fixture
def entry_id(app, audit_world) -> int:
    """Publish the questionnaire and return its audit entry's id."""
    with session_scope(app) as session:
        questionnaires.publish(session, "kiosk", "2026.1")
    return audit_world.entries()[0].id


def test_the_orm_refuses_to_change_an_entry(app, entry_id):
    with pytest.raises(ValueError, match=APPEND_ONLY), session_scope(app) as session:
        session.get(AuditEntry, entry_id).actor_name = "someone-else"


def test_the_orm_refuses_to_delete_an_entry(app, entry_id):
    with pytest.raises(ValueError, match=APPEND_ONLY), session_scope(app) as session:
        session.delete(session.get(AuditEntry, entry_id))


@pytest.mark.parametrize("statement", [
    update(AuditEntry).values(actor_name="someone-else"),
    delete(AuditEntry),
], ids=["update", "delete"])
def test_the_database_refuses_bulk_update_and_delete(app, entry_id, statement):
    with pytest.raises(DBAPIError, match=APPEND_ONLY), session_scope(app) as session:
        session.execute(statement)


@pytest.mark.parametrize("sql", [
    "UPDATE audit_entries SET action = 'user.create', details = '{}'",
    "DELETE FROM audit_entries",
], ids=["update", "delete"])
def test_the_database_refuses_raw_update_and_delete(app, entry_id, sql):
    with pytest.raises(DBAPIError, match=APPEND_ONLY), engine_of(app).begin() as connection:
        connection.execute(text(sql))
    with session_scope(app) as session:
        entry = session.get(AuditEntry, entry_id)
        assert (entry.action, entry.target_type) == ("questionnaire.publish", "questionnaire_version")


def test_postgresql_refuses_truncate(app, entry_id):
    if engine_of(app).dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    with pytest.raises(DBAPIError, match=APPEND_ONLY), engine_of(app).begin() as connection:
        connection.execute(text("TRUNCATE audit_entries"))
