"""Fixtures of the QR link tests: the application configured with two signing keys, and the world."""

from __future__ import annotations

import pytest
from qr_world import QR_CONFIG, world  # noqa: F401  (a fixture)

from survey.db import migrate
from survey.web.app import create_app


@pytest.fixture
def app(database_url):
    """Return an application with QR keys 2026a (retired from signing) and 2026b (current)."""
    application = create_app({
        "TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret", **QR_CONFIG,
    })
    migrate.upgrade(application.extensions["hailong.db"][0])
    yield application
    application.extensions["hailong.db"][0].dispose()
