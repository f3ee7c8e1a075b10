"""A real production run: gunicorn with three workers on PostgreSQL, concurrent kiosks, a graceful stop."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prod_world import PASSWORD, build_world, kiosk_rating, pair_kiosk
from sqlalchemy import func, select, text

from survey.db.responses import Answer, Response
from survey.services import kiosks
from survey.web.database import session_scope

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
HAILONG = Path(sys.executable).with_name("hailong")
RATINGS = 160
TWINS = 32
SENDERS = 8
IN_FLIGHT = 20
REVOKED = 6
CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def _free_port() -> int:
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _call(url: str, payload: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    """Send a GET (or a JSON POST) and return the status and the JSON body."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _wait_ready(base: str, server: subprocess.Popen, log: Path) -> None:
    """Wait (at most 90 s) until /readyz answers 200."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        try:
            if _call(f"{base}/readyz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"gunicorn did not become ready:\n{log.read_text()}")


def _staff_pages(base: str, username: str) -> list[tuple[int, str]]:
    """Log in once, then open the administration page twelve times; return (status, final URL) of each."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{base}/auth/login", timeout=60).read().decode()
    form = {"csrf_token": CSRF.search(page).group(1), "username": username, "password": PASSWORD}
    opener.open(f"{base}/auth/login", urllib.parse.urlencode(form).encode(), timeout=60)
    pages = []
    for _ in range(12):
        with opener.open(f"{base}/admin/", timeout=60) as response:
            pages.append((response.status, response.url))
    return pages


def _stop_during_request(app, server: subprocess.Popen, url: str, batch: list[dict], token: str):
    """Send SIGTERM while a batch is held inside a worker by a table lock; return the batch's answer."""
    engine = app.extensions["hailong.db"][0]
    with ThreadPoolExecutor(1) as pool, engine.connect() as blocker:
        # Inserts into responses wait for this lock, so the batch is certainly in flight at the signal.
        blocker.execute(text("LOCK TABLE responses IN SHARE ROW EXCLUSIVE MODE"))
        answer = pool.submit(_call, url, {"responses": batch}, token)
        deadline = time.monotonic() + 60
        while not _waiting_for_a_lock(engine):
            assert time.monotonic() < deadline and not answer.done()
            time.sleep(0.1)
        server.send_signal(signal.SIGTERM)
        time.sleep(1)
        assert not answer.done() and server.poll() is None
        blocker.rollback()
        return answer.result(timeout=60)


def _waiting_for_a_lock(engine) -> bool:
    """Return whether another session of this database waits for a lock."""
    with engine.connect() as connection:
        return bool(connection.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )))


@pytest.fixture
def server(app, database_url, tmp_path):
    """Start ``hailong serve`` (3 workers, fresh instance folder) on a free port; stop it after the test."""
    world = build_world(app)
    port = _free_port()
    log = tmp_path / "server.log"
    env = dict(os.environ, HAILONG_DATABASE_URL=database_url, HAILONG_INSTANCE_PATH=str(tmp_path / "instance"),
               HAILONG_SERVER_BIND=f"127.0.0.1:{port}", HAILONG_SERVER_WORKERS="3",
               HAILONG_SERVER_GRACEFUL_TIMEOUT="20", HAILONG_SESSION_COOKIE_SECURE="false")
    with log.open("w") as out:
        process = subprocess.Popen([str(HAILONG), "serve"], env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, process, log)
        yield base, process, log, world
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_three_workers_store_every_rating_once_share_sessions_and_stop_gracefully(server, app):
    base, process, log, world = server
    assert _call(f"{base}/healthz") == (200, {"status": "alive"})
    payloads = [kiosk_rating(world.unit, rating=1 + index % 5) for index in range(RATINGS)]

    def send(payload: dict) -> tuple[int, int]:
        """Send a rating, then send it again as a client retry would."""
        first = _call(f"{base}/api/v1/responses", payload, world.kiosk_token)
        again = _call(f"{base}/api/v1/responses", payload, world.kiosk_token)
        assert first[1]["uuid"] == again[1]["uuid"] == payload["uuid"]
        return first[0], again[0]

    # The first few payloads also go out from two senders at the same moment.
    sends = [payload for payload in payloads[:TWINS] for _ in range(2)] + payloads[TWINS:]
    with ThreadPoolExecutor(SENDERS) as pool:
        statuses = list(pool.map(send, sends))
    assert {again for _, again in statuses} == {200}
    assert sorted(first for first, _ in statuses).count(201) == RATINGS

    with app.extensions["hailong.db"][1]() as session:
        stored = session.execute(select(func.count(), func.count(Response.uuid.distinct()))).one()
        answers = session.scalar(select(func.count()).select_from(Answer))
    expected_answers = sum(len(payload["answers"]) for payload in payloads)
    assert tuple(stored) == (RATINGS, RATINGS)
    assert answers == expected_answers

    # No worker keeps a device's credential beyond one transaction: a revocation holds at once everywhere.
    url = f"{base}/api/v1/responses"
    kiosk_id, token = pair_kiosk(app, world.unit)
    assert [_call(url, kiosk_rating(world.unit), token)[0] for _ in range(REVOKED)] == [201] * REVOKED
    with session_scope(app) as session:
        kiosks.revoke(session, kiosk_id)
    refusals = [_call(url, kiosk_rating(world.unit), token) for _ in range(REVOKED)]
    assert [(status, body["error"]["code"]) for status, body in refusals] == [(401, "credential_revoked")] * REVOKED

    # Each page may come from another worker: all of them share the instance's secret key.
    assert _staff_pages(base, world.username) == [(200, f"{base}/admin/")] * 12

    in_flight = [kiosk_rating(world.unit) for _ in range(IN_FLIGHT)]
    status, body = _stop_during_request(app, process, f"{base}/api/v1/responses", in_flight, world.kiosk_token)
    assert status == 200 and [result["http_status"] for result in body["results"]] == [201] * IN_FLIGHT
    assert process.wait(timeout=60) == 0
    with app.extensions["hailong.db"][1]() as session:
        assert session.scalar(select(func.count()).select_from(Response)) == RATINGS + REVOKED + IN_FLIGHT
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    access = [line for line in lines if line["logger"] == "survey.access"]
    submissions = [line for line in access if line["path"] == "/api/v1/responses"]
    assert len(submissions) == 2 * len(sends) + 2 * REVOKED + 1
    assert [line["user_id"] > 0 for line in access if line["path"] == "/admin/"][-12:] == [True] * 12
    assert len({line["pid"] for line in access}) >= 2
    assert len({line["request_id"] for line in access}) == len(access)
    assert any(line["message"] == "Shutting down: Master" for line in lines)
