"""Fixtures of the reporting tests: the world, logged-in clients."""

from __future__ import annotations

import pytest
from reporting_world import PASSWORD, World, build

from survey.web.database import session_scope


@pytest.fixture
def world(app) -> World:
    """Build the reporting world in the test database."""
    with session_scope(app) as session:
        return build(session)


@pytest.fixture
def login(client):
    """Return a function that logs ``username`` in on the test client."""

    def log_in(username: str):
        client.get("/auth/login")
        with client.session_transaction() as flask_session:
            token = flask_session.get("csrf_token")
        response = client.post("/auth/login", data={"username": username, "password": PASSWORD,
                                                    "csrf_token": token or ""})
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
        return client

    return log_in
