"""Shared fixtures: data paths, databases on SQLite and PostgreSQL, and the application."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import text
from werkzeug.security import generate_password_hash

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
CSRF_FIELD = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


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


@dataclass(frozen=True)
class StaffLogin:
    """A password for test staff accounts (with a cheap hash) and the real login form, CSRF token included."""

    password: str
    password_hash: str

    def csrf_token(self, client, path: str) -> str:
        """Return the CSRF token found on a form page."""
        return CSRF_FIELD.search(client.get(path).get_data(as_text=True)).group(1)

    def log_in(self, client, username: str, password: str | None = None) -> None:
        """Log the client in as ``username`` through /auth/login or fail the test."""
        data = {"csrf_token": self.csrf_token(client, "/auth/login"), "username": username,
                "password": password or self.password}
        response = client.post("/auth/login", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]


@pytest.fixture(scope="session")
def staff_login() -> StaffLogin:
    """Return the staff login helper; accounts made with its password_hash log in with its password."""
    password = "mat-khau-thu-nghiem"
    # A cheap hash: these accounts only need to log in through the real login form.
    return StaffLogin(password, generate_password_hash(password, method="pbkdf2:sha256:1000"))
