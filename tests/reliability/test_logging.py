"""Structured logs: one JSON object per line, a request id, request fields, and never a secret."""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import urllib.error
import urllib.request

import pytest
from prod_world import PASSWORD, build_world, kiosk_rating
from werkzeug.serving import make_server

from survey.db import migrate
from survey.web.app import create_app
from survey.web.logging_format import JsonFormatter

CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
PHONE = "0912345678"


def _lines(capsys) -> list[dict]:
    """Return the JSON log lines written to standard output so far (every line must be JSON)."""
    return _lines_of(capsys.readouterr().out)


def _lines_of(output: str) -> list[dict]:
    """Return the JSON log lines of some output (every line must be JSON)."""
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def _access(lines: list[dict]) -> list[dict]:
    """Return the access lines."""
    return [line for line in lines if line["logger"] == "survey.access"]


@pytest.fixture
def world(app):
    """Build the production test world."""
    return build_world(app)


def test_an_access_line_carries_the_request_fields(client, world, capsys):
    capsys.readouterr()
    response = client.get("/api/v1/questionnaires/kiosk/2026.1?lang=vi", headers={"X-Request-ID": "req-42.a_b"})
    assert response.headers["X-Request-ID"] == "req-42.a_b"
    [line] = _access(_lines(capsys))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])
    assert line["level"] == "INFO"
    assert line["message"] == "GET /api/v1/questionnaires/kiosk/2026.1 200"
    assert {key: line[key] for key in ("request_id", "method", "path", "status", "remote_addr")} == {
        "request_id": "req-42.a_b", "method": "GET", "path": "/api/v1/questionnaires/kiosk/2026.1",
        "status": 200, "remote_addr": "127.0.0.1",
    }
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert "user_id" not in line


@pytest.mark.parametrize("incoming", ["", "has space", "x" * 65, 'quote"inside', "semi;colon", "-starts-with-dash", "ý"])
def test_an_unusable_request_id_is_replaced_by_a_new_one(client, capsys, incoming):
    capsys.readouterr()
    response = client.get("/no-such-page", headers={"X-Request-ID": incoming})
    request_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    [line] = _access(_lines(capsys))
    assert (line["request_id"], line["status"]) == (request_id, 404)


def test_a_kiosk_rating_logs_neither_its_phone_number_nor_the_device_token(client, world, capsys):
    capsys.readouterr()
    headers = {"Authorization": f"Bearer {world.kiosk_token}"}
    stored = client.post("/api/v1/responses", json=kiosk_rating(world.unit, phone=PHONE), headers=headers)
    refused = client.post("/api/v1/responses", json=kiosk_rating(world.unit, phone="09123 4567"), headers=headers)
    assert (stored.status_code, refused.status_code) == (201, 422)
    output = capsys.readouterr().out
    assert [json.loads(line)["status"] for line in output.splitlines() if "survey.access" in line] == [201, 422]
    for secret in (PHONE, "09123 4567", world.kiosk_token, world.kiosk_token[4:], "procedures"):
        assert secret not in output


def test_a_staff_request_logs_the_user_id_and_never_the_password(client, app, world, capsys):
    page = client.get("/auth/login").get_data(as_text=True)
    data = {"csrf_token": CSRF.search(page).group(1), "username": world.username, "password": PASSWORD}
    assert client.post("/auth/login", data=data).status_code == 302
    assert client.get("/admin/").status_code == 200
    output = capsys.readouterr().out
    assert PASSWORD not in output and data["csrf_token"] not in output
    lines = _access([json.loads(line) for line in output.splitlines()])
    assert [(line["method"], line["path"]) for line in lines][-2:] == [("POST", "/auth/login"), ("GET", "/admin/")]
    assert isinstance(lines[-1]["user_id"], int)


def test_a_qr_token_in_the_path_is_logged_as_a_placeholder(client, capsys):
    capsys.readouterr()
    token = "Zm9vYmFyLXNlY3JldC10b2tlbi12YWx1ZQ"
    client.get(f"/r/{token}")
    output = capsys.readouterr().out
    assert token not in output
    assert [line["path"] for line in _access([json.loads(x) for x in output.splitlines()])] == ["/r/<token>"]


@pytest.fixture
def env_app(monkeypatch, database_url):
    """Return a function making migrated apps configured through HAILONG_* variables; dispose them after."""
    made = []

    def make(**variables):
        for name, value in variables.items():
            monkeypatch.setenv(f"HAILONG_{name}", value)
        app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret"})
        migrate.upgrade(app.extensions["hailong.db"][0])
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["hailong.db"][0].dispose()


def test_the_level_comes_from_hailong_log_level(env_app, capsys):
    client = env_app(LOG_LEVEL="WARNING").test_client()
    capsys.readouterr()
    client.get("/healthz")
    client.get("/no-such-page")
    assert _lines(capsys) == []
    client = env_app(LOG_LEVEL="DEBUG").test_client()
    capsys.readouterr()
    client.get("/healthz")
    assert [(line["level"], line["path"]) for line in _access(_lines(capsys))] == [("DEBUG", "/healthz")]


def test_probes_stay_out_of_the_access_log_at_info(client, capsys):
    capsys.readouterr()
    client.get("/healthz")
    client.get("/readyz")
    assert _access(_lines(capsys)) == []


@pytest.mark.parametrize(("hops", "expected"), [(None, "127.0.0.1"), ("1", "203.0.113.7")])
def test_the_client_address_comes_from_the_proxy_only_when_configured(
    env_app, capsys, hops, expected
):
    variables = {"PROXY_FIX_X_FOR": hops} if hops else {}
    client = env_app(**variables).test_client()
    capsys.readouterr()
    client.get("/no-such-page", headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.7"})
    [line] = _access(_lines(capsys))
    assert line["remote_addr"] == expected


def test_the_formatter_scrubs_tokens_and_phone_numbers_from_messages_and_tracebacks():
    try:
        raise ValueError("hlk_c2VjcmV0LXRva2VuLXZhbHVlLTEyMzQ called from 0912345678")
    except ValueError:
        record = logging.LogRecord("survey.x", logging.ERROR, __file__, 1, "device %s phone %s", (
            "hle_QUJDREVGR0hJSktMTU5PUA", "+84912345678"), exc_info=sys.exc_info())
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "device hle_[redacted] phone [phone]"
    assert "hlk_[redacted] called from [phone]" in line["exception"]
    assert "c2VjcmV0" not in line["exception"] and "912345678" not in json.dumps(line)


def test_the_development_server_adds_no_request_line_with_the_query_or_a_token(app, capsys):
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    token = "VG9rZW4tb2YtYS1xci1saW5rLXZhbHVl"
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{server.port}/r/{token}?lang=vi&t=query-secret", timeout=60)
    except urllib.error.HTTPError:
        pass  # the page refuses an unknown token; the log lines are what matter here
    finally:
        server.shutdown()
        thread.join()
    captured = capsys.readouterr()
    assert token not in captured.out + captured.err and "query-secret" not in captured.out + captured.err
    assert [line["path"] for line in _access(_lines_of(captured.out))] == ["/r/<token>"]


def test_an_unhandled_error_is_logged_once_with_its_request_id_and_a_scrubbed_traceback(database_url, capsys):
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test-secret"})

    def fail():
        raise RuntimeError("device hlk_c2VjcmV0LXRva2VuLXZhbHVl called back on 0912345678")

    app.add_url_rule("/fail", "fail", fail)
    capsys.readouterr()
    response = app.test_client().get("/fail", headers={"X-Request-ID": "req-500"})
    app.extensions["hailong.db"][0].dispose()
    assert response.status_code == 500
    output = capsys.readouterr().out
    assert "c2VjcmV0" not in output and PHONE not in output
    error, access = _lines_of(output)
    assert (error["level"], error["request_id"], error["path"]) == ("ERROR", "req-500", "/fail")
    assert "RuntimeError: device hlk_[redacted] called back on [phone]" in error["exception"]
    assert (access["logger"], access["level"], access["status"]) == ("survey.access", "ERROR", 500)
