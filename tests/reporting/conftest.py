"""Fixtures of the reporting tests: one world per module and engine (SQLite file and PostgreSQL).

Building the world takes seconds, so it is built once per test module and engine; tests that change
it (targets, publication) undo what they did or use units no other test reads.
"""

from __future__ import annotations

import os

import pytest
from reporting_pages import csrf_token
from reporting_world import PASSWORD, World, build
from sqlalchemy import text

from survey.db import migrate
from survey.db.engine import make_engine
from survey.web.app import create_app
from survey.web.database import session_scope

POSTGRES_URL = os.environ.get("HAILONG_TEST_POSTGRES_URL")


def _empty_postgres() -> str:
    """Empty the test PostgreSQL database and return its URL."""
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return POSTGRES_URL


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def rapp(request, tmp_path_factory):
    """Return an application on a migrated database holding the reporting world."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('reporting') / 'hailong.db'}"
    elif not POSTGRES_URL:
        pytest.skip("HAILONG_TEST_POSTGRES_URL is not set: run the suite with scripts/test.sh")
    else:
        url = _empty_postgres()
    application = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret"})
    migrate.upgrade(application.extensions["hailong.db"][0])
    with session_scope(application) as session:
        application.config["TEST_WORLD"] = build(session)
    yield application
    application.extensions["hailong.db"][0].dispose()


@pytest.fixture
def world(rapp) -> World:
    """Return the ids of the module's world."""
    return rapp.config["TEST_WORLD"]


@pytest.fixture
def rclient(rapp):
    """Return a fresh test client (not logged in)."""
    return rapp.test_client()


@pytest.fixture
def login(rclient):
    """Return a function that logs ``username`` in on the test client and returns the client."""

    def log_in(username: str):
        token = csrf_token(rclient)
        response = rclient.post("/auth/login", data={"username": username, "password": PASSWORD,
                                                     "csrf_token": token})
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
        return rclient

    return log_in
