"""POST /api/v1/responses and the questionnaire documents over HTTP, on both engines."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from flask_login import LoginManager, login_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from submission_world import ANSWERS, payload, row_counts

from survey.db.accounts import User
from survey.db.responses import Response
from survey.domain.document import from_document
from survey.domain.loader import load_file
from survey.web.database import request_session, session_scope


def live(**changes) -> dict:
    """Return a payload for counter K02 (no opening hours) submitted a minute ago by the real clock."""
    submitted = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    return payload(**{"unit": "K02", "started_at": ..., "submitted_at": submitted.isoformat(), **changes})


def post(client, body, token=None, **kwargs):
    """POST a body (JSON-encoded unless bytes) to /api/v1/responses."""
    headers = kwargs.pop("headers", {})
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = body if isinstance(body, bytes) else json.dumps(body)
    return client.post("/api/v1/responses", data=data, headers=headers, content_type="application/json", **kwargs)


def assert_error(response, status: int, code: str, item: str | None = None) -> dict:
    """Check the status and the JSON error shape; return the error object."""
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert (error["code"], error["item"]) == (code, item)
    assert error["message"]["vi"] and error["message"]["en"]
    return error


def test_post_one_response_and_replay_it(client, world):
    body = live()
    first = post(client, body, world.kiosk_other)
    assert first.status_code == 201
    receipt = first.get_json()
    assert (receipt["uuid"], receipt["status"], receipt["flags"], receipt["counted"]) == (
        body["uuid"], "accepted", [], True)
    dt.datetime.fromisoformat(receipt["received_at"])
    for token in (world.kiosk_other, "wrong", None):
        again = post(client, body, token)
        assert again.status_code == 200 and again.get_json()["status"] == "duplicate"
        assert again.get_json()["received_at"] == receipt["received_at"]
    changed = {**body, "answers": {**ANSWERS, "age": 50}}
    assert_error(post(client, changed, world.kiosk_other), 409, "uuid_conflict")


def test_the_api_needs_no_csrf_token(app, client, world):
    assert app.config.get("WTF_CSRF_ENABLED", True) is True
    assert post(client, live(), world.kiosk_other).status_code == 201


@pytest.mark.parametrize(("header", "status"), [
    ("Bearer {}", 201), ("bearer {}", 201), ("Bearer  {} ", 201), ("Token {}", 401), ("{}", 401), ("Bearer", 401),
])
def test_authorization_header(client, world, header, status):
    response = post(client, live(), headers={"Authorization": header.format(world.kiosk_other)})
    assert response.status_code == status


def test_answer_errors_name_the_item(client, world):
    before = row_counts(client.application)
    error = assert_error(post(client, live(answers={**ANSWERS, "overall": 7}), world.kiosk_other),
                         422, "invalid_choice", "overall")
    assert [e["item"] for e in error["errors"]] == ["overall"]
    assert "overall" in error["message"]["vi"] and "overall" in error["message"]["en"]
    assert row_counts(client.application) == before


@pytest.mark.parametrize("raw", [b"", b"{", b"\xff\xfe", b'{"uuid": NaN}', b"[1, 2,]", b'{"a": 1, "a": 2}',
                                 b"[" * 100_000])
def test_malformed_json(client, world, raw):
    assert_error(post(client, raw, world.kiosk_other), 400, "malformed_json")


def test_duplicate_keys_are_named(client, world):
    raw = json.dumps(live())[:-1].encode() + b', "unit": "K01"}'
    error = assert_error(post(client, raw, world.kiosk_other), 400, "malformed_json")
    assert "unit" in error["message"]["en"]


def test_payload_errors_name_the_field(client, world):
    error = assert_error(post(client, live(uuid="nope"), world.kiosk_other), 400, "invalid_uuid")
    assert error["field"] == "uuid"
    assert_error(post(client, [1, 2], world.kiosk_other), 400, "invalid_payload")


def test_too_large_body(app, client, world):
    app.config["API_MAX_CONTENT_LENGTH"] = 1000
    assert post(client, live(), world.kiosk_other).status_code == 201
    assert_error(post(client, live(paradata={"log": "x" * 2000}), world.kiosk_other), 413, "payload_too_large")


def test_clock_skew_by_the_server_clock(client, world):
    ahead = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10)).isoformat()
    assert_error(post(client, live(submitted_at=ahead), world.kiosk_other), 422, "clock_skew")


def test_unknown_unit_and_scope(client, world):
    assert_error(post(client, live(unit="X1"), world.kiosk_other), 422, "unknown_unit")
    assert_error(post(client, live(unit="K01"), world.kiosk_other), 403, "unit_out_of_scope")
    assert_error(post(client, live(), None), 401, "missing_credential")


def test_batch_reports_each_response(client, world):
    good = live()
    post(client, good, world.kiosk_other)
    bad = live(answers={**ANSWERS, "age": 12})
    fresh = live(submitted_at=(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)).isoformat())
    before = row_counts(client.application)
    response = post(client, {"responses": [fresh, bad, good, "x"]}, world.kiosk_other)
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [(r["index"], r["uuid"], r["http_status"]) for r in results] == [
        (0, fresh["uuid"], 201), (1, bad["uuid"], 422), (2, good["uuid"], 200), (3, None, 400),
    ]
    assert results[0]["receipt"]["status"] == "accepted" and results[2]["receipt"]["status"] == "duplicate"
    assert (results[1]["error"]["code"], results[1]["error"]["item"]) == ("out_of_range", "age")  # min 18
    assert results[3]["error"]["code"] == "invalid_payload"
    after = row_counts(client.application)
    assert after["responses"] == before["responses"] + 1
    assert after["answers"] == before["answers"] + 5


def test_batch_limits(client, world):
    assert_error(post(client, {"responses": []}, world.kiosk_other), 400, "invalid_payload")
    assert_error(post(client, {"responses": {"a": 1}}, world.kiosk_other), 400, "invalid_payload")
    assert_error(post(client, {"responses": [live() for _ in range(501)]}, world.kiosk_other), 413,
                 "batch_too_large")
    assert row_counts(client.application)["responses"] == 0


def test_batch_of_500(client, world):
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    bodies = [live(submitted_at=(start + dt.timedelta(minutes=3 * k)).isoformat()) for k in range(500)]
    response = post(client, {"responses": bodies}, world.kiosk_other)
    assert {r["http_status"] for r in response.get_json()["results"]} == {201}
    assert row_counts(client.application)["responses"] == 500


def test_questionnaire_document(client, world, mini_file):
    response = client.get("/api/v1/questionnaires/mini/2026.1")
    assert response.status_code == 200 and response.mimetype == "application/json"
    digest = hashlib.sha256(response.get_data()).hexdigest()
    assert response.headers["X-Content-Hash"] == digest
    assert response.headers["ETag"] == f'"{digest}"'
    assert "immutable" in response.headers["Cache-Control"]
    assert from_document(response.get_json()) == load_file(mini_file)
    assert client.get("/api/v1/questionnaires/mini/2026.1", headers={"If-None-Match": f'"{digest}"'}).status_code == 304
    by_hash = client.get(f"/api/v1/questionnaires/by-hash/{digest.upper()}")
    assert by_hash.status_code == 200 and by_hash.get_data() == response.get_data()


def test_questionnaire_document_refusals(client, world):
    assert_error(client.get("/api/v1/questionnaires/mini/2026.2"), 404, "unpublished_version")
    assert_error(client.get("/api/v1/questionnaires/mini/1999.1"), 404, "unknown_questionnaire")
    assert_error(client.get("/api/v1/questionnaires/by-hash/" + "0" * 64), 404, "unknown_questionnaire")


HTTPS = "https://localhost"


class _StaffUser:
    """A minimal Flask-Login user for when the accounts blueprint is not installed."""

    is_authenticated, is_active, is_anonymous = True, True, False

    def __init__(self, user_id: int) -> None:
        self.id = user_id

    def get_id(self) -> str:
        return f"{self.id}.0"  # the session key: user id and session epoch (survey/web/auth.py)


@pytest.fixture
def staff_client(app, world):
    """Return a client logged in as the admin, and a CSRF token valid for its session."""
    if getattr(app, "login_manager", None) is None:  # the accounts blueprint is not installed
        manager = LoginManager(app)
        manager.user_loader(lambda user_id: _StaffUser(request_session().get(User, int(user_id)).id))

    def log_in() -> str:
        login_user(_StaffUser(world.users["admin"]))
        return generate_csrf()

    app.add_url_rule("/_test/login", "test_login", log_in)
    client = app.test_client()
    return client, client.get("/_test/login", base_url=HTTPS).get_data(as_text=True)


def test_web_channel_with_the_staff_session_and_csrf_header(app, staff_client, world):
    client, token = staff_client
    body = live(channel="web")
    assert_error(post(client, body, base_url=HTTPS), 401, "missing_credential")  # the session alone is not enough
    forged = {"X-CSRFToken": "forged"}
    assert_error(post(client, body, headers=forged, base_url=HTTPS), 401, "missing_credential")
    assert post(client, body, headers={"X-CSRFToken": token}, base_url=HTTPS).status_code == 201
    with session_scope(app) as session:
        stored = session.scalars(select(Response).where(Response.uuid == body["uuid"])).one()
        assert stored.user_id == world.users["admin"] and stored.channel == "web"


def test_wrong_api_addresses_and_methods_answer_json(client):
    error = assert_error(client.get("/api/v1/nothing-here"), 404, "not_found")
    assert error["errors"] == []
    response = client.get("/api/v1/responses")
    assert_error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"
