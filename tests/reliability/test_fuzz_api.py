"""Fuzz POST /api/v1/responses: single payloads, batches and raw bytes, on SQLite and PostgreSQL.

Every answer is a 4xx with a JSON error in vi and en (nothing stored, every table's row count
unchanged) or a receipt whose response round-trips; never a 5xx. A stored response is sent again
(receipt 200, nothing stored) and again with other content under its uuid (409, nothing stored).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fuzz_oracle import OUTCOMES, assert_accounted, assert_error, assert_round_trip
from fuzz_payloads import JUNK, Sending, sendings
from fuzz_world import fuzzed, log_in, row_counts  # noqa: F401  (a fixture)
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

# Examples per test and engine: SQLite runs the long campaign, PostgreSQL a shorter one.
EXAMPLES = {"single": {"sqlite": 5500, "postgresql": 275}, "batch": {"sqlite": 1500, "postgresql": 75},
            "raw": {"sqlite": 3000, "postgresql": 150}}
FUZZ = {"suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large], "deadline": None}
RAW_BODIES = [
    b"", b"null", b"[]", b"{}", b'{"responses": []}', b'{"responses": {}}', b'{"responses": null}',
    b"[" * 100_000, b'{"uuid": 1, "uuid": 2}', b"NaN", b"-Infinity", b"1e400", b'{"a": 1e400}',
    b"1" * 5000, b"\xef\xbb\xbf{}", '{"a": "Hải"}'.encode("utf-16"), b'{"a": "\\ud800"}', b"\x00",
    b'{"responses": [' + b"{}," * 500 + b"{}]}",
]


def post(client, body: bytes, token: str | None, csrf: str | None = None, content_type="application/json"):
    """POST raw bytes with a bearer token and, for the web channel, the clerk's CSRF token."""
    headers = {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if csrf is not None:
        headers["X-CSRFToken"] = csrf
    return client.post("/api/v1/responses", data=body, headers=headers, content_type=content_type,
                       base_url="https://localhost")


def encode(payload) -> bytes:
    """Encode as a client might, NaN and lone surrogates included (json writes them escaped)."""
    return json.dumps(payload).encode("utf-8")


def answer_status(response) -> int:
    """Check the answer is not a 5xx and is JSON; return its status."""
    assert response.status_code < 500, response.get_data(as_text=True)
    assert response.is_json, response.get_data(as_text=True)[:500]
    return response.status_code


@pytest.fixture
def api(fuzzed):
    """Return (engine, app, world, client logged in as the clerk, CSRF token)."""
    engine, app, world = fuzzed
    client = app.test_client()
    return engine, app, world, client, log_in(client)


def _send_one(app, world, client, csrf, sending: Sending, surface: str, engine: str) -> int:
    """Send one payload and check its answer; on a 201, check replay and conflict too."""
    before = row_counts(app)
    response = post(client, encode(sending.payload), sending.token, csrf if sending.staff else None)
    status = answer_status(response)
    OUTCOMES[surface, engine, status] += 1
    if status != 201:
        assert status in (200, 400, 401, 403, 409, 410, 413, 422, 429)
        if status >= 400:
            assert_error(response)
        assert_accounted(app, before, [])
        return status
    assert_accounted(app, before, [sending.payload["uuid"].lower()])
    assert_round_trip(app, world, sending.payload)
    stored = row_counts(app)
    again = post(client, encode({**sending.payload, "paradata": {"attempt": 2}}), None)
    assert answer_status(again) == 200 and again.get_json()["status"] == "duplicate"
    changed = {**sending.payload, "submitted_at": dt.datetime.now(dt.UTC).isoformat()}
    conflict = post(client, encode(changed), sending.token, csrf if sending.staff else None)
    assert answer_status(conflict) == 409 and assert_error(conflict)["code"] == "uuid_conflict"
    assert row_counts(app) == stored
    return status


def test_fuzz_single_payloads(api):
    engine, app, world, client, csrf = api
    now = dt.datetime.now(dt.UTC)

    @settings(max_examples=EXAMPLES["single"][engine], **FUZZ)
    @given(sendings(world, now))
    def run(sending: Sending):
        _send_one(app, world, client, csrf, sending, "api single", engine)

    run()


def test_fuzz_batches(api):
    engine, app, world, client, csrf = api
    now = dt.datetime.now(dt.UTC)

    @settings(max_examples=EXAMPLES["batch"][engine], **FUZZ)
    @given(st.lists(sendings(world, now), min_size=1, max_size=4), st.integers(0, 3))
    def run(batch: list[Sending], twist: int):
        payloads = [sending.payload for sending in batch]
        if twist == 1:  # the same response twice in one batch
            payloads.append(payloads[0])
        elif twist == 2 and isinstance(payloads[0], dict):  # its uuid again with other content
            payloads.append({**payloads[0], "answers": {"overall": 3}})
        before = row_counts(app)
        response = post(client, encode({"responses": payloads}), batch[0].token, csrf if batch[0].staff else None)
        if answer_status(response) != 200:  # NaN or Infinity somewhere: the body is not JSON
            assert response.status_code == 400 and assert_error(response)["code"] == "malformed_json"
            OUTCOMES["api batch", engine, 400] += 1
            assert_accounted(app, before, [])
            return
        results = response.get_json()["results"]
        assert [result["index"] for result in results] == list(range(len(payloads)))
        stored = []
        for payload, result in zip(payloads, results):
            OUTCOMES["api batch item", engine, result["http_status"]] += 1
            assert result["http_status"] in (200, 201, 400, 401, 403, 409, 410, 422, 429)
            if result["http_status"] == 201:
                stored.append(payload["uuid"].lower())
                assert_round_trip(app, world, payload)
            elif result["http_status"] >= 400:
                assert result["error"]["message"]["vi"] and result["error"]["message"]["en"]
        OUTCOMES["api batch", engine, 200] += 1
        assert_accounted(app, before, stored)

    run()


def test_fuzz_raw_bodies(api):
    engine, app, world, client, _ = api
    now = dt.datetime.now(dt.UTC)
    mutated = st.tuples(sendings(world, now), st.lists(st.tuples(st.integers(0, 10_000), st.binary(max_size=3)),
                                                        min_size=1, max_size=4))

    def corrupt(pair) -> tuple[bytes, str | None]:
        sending, edits = pair
        body = bytearray(encode(sending.payload))
        for position, chunk in edits:
            cut = position % (len(body) + 1)
            body[cut:cut + len(chunk) // 2 + 1] = chunk
        return bytes(body), sending.token

    bodies = st.one_of(
        mutated.map(corrupt),
        st.tuples(st.binary(max_size=400), st.none()),
        st.tuples(JUNK.map(lambda junk: json.dumps(junk).encode("utf-8")), st.just(world.tokens["kiosk"])),
        st.tuples(st.sampled_from(RAW_BODIES), st.sampled_from([None, world.tokens["kiosk"]])),
    )

    @settings(max_examples=EXAMPLES["raw"][engine], **FUZZ)
    @given(bodies, st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded"]))
    @example((b"[" * 100_000, None), "application/json")
    def run(body_token: tuple[bytes, str | None], content_type: str):
        body, token = body_token
        before = row_counts(app)
        response = post(client, body, token, content_type=content_type)
        status = answer_status(response)
        OUTCOMES["api raw", engine, status] += 1
        if status >= 400:
            assert_error(response)
            assert_accounted(app, before, [])
        elif status == 201:
            payload = json.loads(body)
            assert_accounted(app, before, [payload["uuid"].lower()])
            assert_round_trip(app, world, payload)
        else:
            results = response.get_json().get("results", [])
            assert_accounted(app, before, [result["uuid"] for result in results if result["http_status"] == 201])

    run()
