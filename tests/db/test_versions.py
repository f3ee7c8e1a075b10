"""Stored questionnaire versions on SQLite and PostgreSQL: drafts, publishing, freezing, hash checks."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from survey.domain.loader import load_file
from survey.services import questionnaires as service
from survey.web.database import engine_of, session_scope


@pytest.fixture
def mini(mini_file):
    return load_file(mini_file)


def _changed(q):
    """Return the questionnaire with one label changed."""
    from dataclasses import replace

    from survey.domain.model import Labels

    return replace(q, title=Labels({"vi": "Tên mới", "en": "New title"}))


def test_load_publish_and_read_back(app, mini):
    with session_scope(app) as session:
        first = service.load(session, mini)
        again = service.load(session, mini)
    assert (first.outcome, again.outcome) == ("created", "unchanged")
    with session_scope(app) as session:
        row = service.publish(session, "mini", "2026.1", by="tester")
        assert row.published_at is not None and row.published_at.tzinfo is not None
    with session_scope(app) as session:
        row, back = service.get(session, "mini")
    assert row.status == "published" and row.content_hash == first.content_hash
    assert back == mini


def test_a_draft_can_be_replaced_but_a_published_version_cannot(app, mini):
    with session_scope(app) as session:
        service.load(session, mini)
        assert service.load(session, _changed(mini)).outcome == "replaced"
        service.publish(session, "mini", "2026.1")
    with pytest.raises(service.VersionFrozenError, match="published and frozen"):
        with session_scope(app) as session:
            service.load(session, mini)


def test_orm_refuses_to_change_or_delete_a_published_row(app, mini):
    with session_scope(app) as session:
        service.load(session, mini)
        service.publish(session, "mini", "2026.1")
    with pytest.raises(service.VersionFrozenError):
        with session_scope(app) as session:
            row, _ = service.get(session, "mini", "2026.1")
            row.title_vi = "sửa lén"
    with pytest.raises(service.VersionFrozenError):
        with session_scope(app) as session:
            row, _ = service.get(session, "mini", "2026.1")
            session.delete(row)


@pytest.mark.parametrize("statement", [
    "UPDATE questionnaire_versions SET document = '{}'",
    "UPDATE questionnaire_versions SET status = 'draft', published_at = NULL",
    "DELETE FROM questionnaire_versions",
])
def test_database_refuses_raw_sql_changes_to_a_published_row(app, mini, statement):
    with session_scope(app) as session:
        service.load(session, mini)
        service.publish(session, "mini", "2026.1")
    with pytest.raises(DBAPIError, match="frozen"):
        with engine_of(app).begin() as connection:
            connection.execute(text(statement))


def test_tampered_document_is_detected_when_read_back(app, mini):
    with session_scope(app) as session:
        service.load(session, mini)
    with engine_of(app).begin() as connection:
        connection.execute(text("UPDATE questionnaire_versions SET document = replace(document, 'mini', 'mimi')"))
    with pytest.raises(service.CorruptVersionError, match="does not match its content hash"):
        with session_scope(app) as session:
            service.publish(session, "mini", "2026.1")


def test_lookup_by_hash_and_listing(app, mini):
    with session_scope(app) as session:
        result = service.load(session, mini)
        with pytest.raises(service.VersionNotFound):
            service.get_by_hash(session, result.content_hash)  # drafts are not served
        service.publish(session, "mini", "2026.1")
        row, _ = service.get_by_hash(session, result.content_hash)
        assert row.version == "2026.1"
        assert [r.code for r in service.list_versions(session)] == ["mini"]
        with pytest.raises(service.VersionNotFound, match="has no version '2027.1'"):
            service.get(session, "mini", "2027.1")


def test_versions_sort_numerically(app, mini):
    from dataclasses import replace

    with session_scope(app) as session:
        for version in ("2026.10", "2026.9", "2026.1"):
            service.load(session, replace(mini, version=version))
        assert [r.version for r in service.list_versions(session)] == ["2026.1", "2026.9", "2026.10"]
