"""Shared fixtures: data paths, databases on SQLite and PostgreSQL, and the application."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import text

from survey.db import migrate
from survey.db.engine import make_engine
from survey.web.app import create_app

# CI runs the same generated examples every time (a red CI must be reproducible) and, on a shared
# 2-core machine, judges no example by how long it took.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

DATA = Path(__file__).parent / "data"
POSTGRES_URL = os.environ.get("HAILONG_TEST_POSTGRES_URL")


@pytest.fixture
def data_dir() -> Path:
    """Return the folder of test data files."""
    return DATA


@pytest.fixture
def mini_file() -> Path:
    """Return the path of the small complete example questionnaire."""
    return DATA / "questionnaires" / "mini" / "2026.1.yaml"


def _fresh_postgres() -> str:
    """Empty the test PostgreSQL database and return its URL."""
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return POSTGRES_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """Yield the URL of an empty database, once on a SQLite file and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hailong.db'}"
    if not POSTGRES_URL:
        pytest.skip("HAILONG_TEST_POSTGRES_URL is not set: run the suite with scripts/test.sh")
    return _fresh_postgres()


@pytest.fixture
def app(database_url, tmp_path):
    """Return an application on a migrated, empty database."""
    application = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
    })
    migrate.upgrade(application.extensions["hailong.db"][0])
    yield application
    application.extensions["hailong.db"][0].dispose()


@pytest.fixture
def client(app):
    """Return a test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Return a CLI runner bound to the application."""
    return app.test_cli_runner()
