"""Login lockout per account and per address, shared by every worker through the database, and the
429 answers (Retry-After, vi/en JSON) of kiosk pairing, tablet enrolment and API client keys, on both
engines."""

from __future__ import annotations

import datetime as dt

from access_world import BASE, PASSWORD, PASSWORD_HASH, csrf_token

from survey.db.accounts import User
from survey.services import api_keys, organisation
from survey.services.login import LoginLimits, login
from survey.web.app import create_app
from survey.web.database import session_scope

WRONG = "sai-mat-khau-roi"


def _users(app, *names: str) -> None:
    """Create administrators ``names``, all with PASSWORD."""
    with session_scope(app) as session:
        session.add_all(User(username=name, display_name=name, password_hash=PASSWORD_HASH, role="admin")
                        for name in names)


def _try(client, username: str, password: str, address: str = "10.0.0.1"):
    """Post the login form from ``address``; return the response."""
    environ = {"REMOTE_ADDR": address}
    page = client.get("/auth/login", base_url=BASE, environ_base=environ)
    token = csrf_token(client) if page.status_code == 200 else ""
    data = {"csrf_token": token, "username": username, "password": password}
    return client.post("/auth/login", data=data, base_url=BASE, environ_base=environ)


def test_an_account_is_locked_after_five_failures_even_for_the_right_password(app):
    _users(app, "lan", "minh")
    client = app.test_client()
    assert [_try(client, "lan", WRONG).status_code for _ in range(5)] == [200] * 5
    locked = _try(client, "lan", PASSWORD)
    assert locked.status_code == 429 and 0 < int(locked.headers["Retry-After"]) <= 900
    assert "Đăng nhập sai quá nhiều lần" in locked.get_data(as_text=True)
    assert _try(app.test_client(), "minh", PASSWORD).status_code == 302  # other accounts are unaffected


def test_the_count_is_shared_by_workers_through_the_database(app):
    _users(app, "lan")
    other_worker = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"],
                               "SECRET_KEY": "test-secret"})
    try:
        clients = [app.test_client(), other_worker.test_client()]
        statuses = [_try(clients[i % 2], "lan", WRONG).status_code for i in range(5)]
        assert statuses == [200] * 5
        assert _try(clients[1], "lan", PASSWORD).status_code == 429
        assert _try(clients[0], "lan", PASSWORD).status_code == 429
    finally:
        other_worker.extensions["hailong.db"][0].dispose()


def test_an_address_is_locked_after_too_many_user_names(app):
    app.config["LOGIN_LIMITS"] = [5, 8, 900]
    _users(app, "lan")
    client = app.test_client()
    assert {_try(client, f"doan-{i}", WRONG).status_code for i in range(8)} == {200}
    assert _try(client, "lan", PASSWORD).status_code == 429
    assert _try(app.test_client(), "lan", PASSWORD, address="10.0.0.2").status_code == 302


def test_the_lock_ends_with_its_window(app):
    _users(app, "lan")
    limits, start = LoginLimits(per_username=2, per_address=50, window_seconds=900), dt.datetime(
        2026, 3, 2, 8, 0, tzinfo=dt.timezone.utc)
    with session_scope(app) as session:
        results = [login(session, "lan", WRONG, "10.0.0.1", limits, now=start) for _ in range(2)]
        locked = login(session, "lan", PASSWORD, "10.0.0.1", limits, now=start + dt.timedelta(seconds=60))
        later = login(session, "lan", PASSWORD, "10.0.0.1", limits, now=start + dt.timedelta(seconds=900))
    assert [r.locked for r in results] == [False, False] and all(r.user is None for r in results)
    assert locked.locked and locked.retry_after == 840 and locked.user is None
    assert not later.locked and later.user is not None


def _assert_rate_limited(response) -> None:
    """Check a 429 with Retry-After and a vi/en JSON message."""
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 900
    error = response.get_json()["error"]
    assert error["code"] == "rate_limited" and error["retry_after"] == int(response.headers["Retry-After"])
    assert error["message"]["vi"].startswith("Quá nhiều") and error["message"]["en"].startswith("Too many")


def test_kiosk_pairing_is_rate_limited_per_address(app):
    client = app.test_client()
    statuses = [client.post("/kiosk/api/pair", json={"code": "AAAA-AAAA"}).status_code for _ in range(10)]
    assert statuses == [400] * 10
    _assert_rate_limited(client.post("/kiosk/api/pair", json={"code": "AAAA-AAAA"}))
    other = client.post("/kiosk/api/pair", json={"code": "AAAA-AAAA"}, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other.status_code == 400


def test_tablet_enrolment_is_rate_limited_per_address(app):
    client = app.test_client()
    statuses = [client.post("/interview/api/enrol", json={"code": "AAAAAAAA"}).status_code for _ in range(10)]
    assert statuses == [403] * 10
    _assert_rate_limited(client.post("/interview/api/enrol", json={"code": "AAAAAAAA"}))


def test_an_api_client_key_is_rate_limited_across_the_integration_apis(app):
    app.config["API_RATE_LIMIT"] = 3
    with session_scope(app) as session:
        unit = organisation.create_unit(session, code="P01", kind="province", name_vi="Tỉnh Thử")
        keys = [api_keys.issue(session, f"Khoá {n}", unit.id).token for n in (1, 2)]
    client = app.test_client()

    def call(path: str, body: dict, key: str = keys[0]):
        return client.post(path, json=body, headers={"Authorization": f"Bearer {key}"})

    link = {"unit": "P01", "transaction_ref": "HS-1"}
    assert call("/api/v1/qr-links", link).status_code == 201
    assert call("/api/v1/transaction-volumes", {"rows": []}).status_code == 400
    assert call("/kiosk/api/push", {"kiosk": 999, "transaction_ref": "HS-1"}).status_code == 404
    for path, body in (("/api/v1/qr-links", link), ("/api/v1/transaction-volumes", {"rows": []}),
                       ("/kiosk/api/push", {"kiosk": 999, "transaction_ref": "HS-1"})):
        _assert_rate_limited(call(path, body))
    assert call("/api/v1/qr-links", link, keys[1]).status_code == 201  # the limit is per key
