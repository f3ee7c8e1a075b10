"""A database that cannot be reached is a 503 with Retry-After (kiosks retry it), never a bare 500.

The PostgreSQL case points the application at a loopback port where nothing listens (what a client
sees while the server restarts); the SQLite case at a file in a folder that does not exist.
"""

from __future__ import annotations

import socket
import uuid
from pathlib import Path

import pytest

from survey.web.app import create_app
from survey.web.security import CONTENT_SECURITY_POLICY


def _closed_port() -> int:
    """Return a loopback port that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(params=["postgresql", "sqlite"])
def unreachable(request, tmp_path: Path):
    """Return a test client of an application whose database cannot be reached."""
    if request.param == "postgresql":
        url = f"postgresql+psycopg://hailong@127.0.0.1:{_closed_port()}/hailong?connect_timeout=2"
    else:
        url = f"sqlite:///{tmp_path / 'no-such-folder' / 'hailong.db'}"
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret"})
    return app.test_client()


def _rating() -> dict:
    return {"uuid": str(uuid.uuid4()), "questionnaire": {"code": "kiosk", "version": "2026.1"},
            "channel": "kiosk", "unit": "K01", "submitted_at": "2026-03-02T09:15:00+07:00",
            "answers": {"overall_rating": 5}}


def test_a_submission_is_told_to_retry(unreachable):
    response = unreachable.post("/api/v1/responses", json=_rating(),
                                headers={"Authorization": "Bearer hlk_not-checked-before-the-uuid"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.headers["Cache-Control"] == "no-store"
    error = response.json["error"]
    assert error["code"] == "database_unavailable"
    assert "thử lại" in error["message"]["vi"] and "try again" in error["message"]["en"]


def test_a_device_call_is_told_to_retry_in_json(unreachable):
    response = unreachable.get("/kiosk/api/config", headers={"Authorization": "Bearer hlk_whatever"})
    assert response.status_code == 503
    assert response.json["error"]["code"] == "database_unavailable"


def test_a_page_says_so_in_both_languages(unreachable):
    response = unreachable.get("/", headers={"Accept": "text/html"})
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Tạm thời gián đoạn" in page and "Temporarily unavailable" in page
    assert "<script" not in page
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_the_failure_is_logged_once_as_an_error(unreachable, caplog):
    unreachable.post("/api/v1/responses", json=_rating())
    errors = [record for record in caplog.records
              if record.levelname == "ERROR" and record.name == "survey.web.unavailable"]
    assert len(errors) == 1 and errors[0].exc_info is not None
