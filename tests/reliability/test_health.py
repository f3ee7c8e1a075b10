"""The probes: /healthz says the process is up, /readyz that the database is reachable and at head."""

from __future__ import annotations

import pytest

from survey.db import migrate
from survey.web.app import create_app


def _app(url: str):
    """Return an application on ``url`` without migrating it."""
    return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret"})


def test_healthz_answers_alive_without_a_cookie(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json) == (200, {"status": "alive"})
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_ready_on_a_database_at_head(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "revision": migrate.head(), "head": migrate.head()}
    assert "Set-Cookie" not in response.headers


def test_readyz_refuses_a_database_behind_head(database_url):
    app = _app(database_url)
    migrate.upgrade(app.extensions["hailong.db"][0], "0001")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "reason": "database_not_at_head", "revision": "0001",
                             "head": migrate.head()}
    app.extensions["hailong.db"][0].dispose()


def test_readyz_refuses_an_empty_database(database_url):
    app = _app(database_url)
    response = app.test_client().get("/readyz")
    assert (response.status_code, response.json["reason"]) == (503, "database_not_initialised")
    assert response.json["revision"] is None
    app.extensions["hailong.db"][0].dispose()


@pytest.mark.parametrize("url", [
    "sqlite:////nonexistent-folder/hailong.db",
    "postgresql+psycopg://postgres@127.0.0.1:1/hailong?connect_timeout=3",
])
def test_readyz_refuses_an_unreachable_database(url):
    response = _app(url).test_client().get("/readyz")
    assert (response.status_code, response.json["reason"]) == (503, "database_unreachable")


def test_probes_are_not_rate_limited(client):
    statuses = {client.get("/healthz").status_code for _ in range(150)}
    statuses |= {client.get("/readyz").status_code for _ in range(30)}
    assert statuses == {200}
