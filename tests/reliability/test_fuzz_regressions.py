"""The inputs that made the fuzz tests fail, kept as plain tests on both engines."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from fuzz_oracle import assert_accounted, assert_round_trip
from fuzz_world import fuzzed, row_counts  # noqa: F401  (a fixture)

from survey.domain.loader import load_text
from survey.domain.problems import QuestionnaireError


def kiosk_payload(**changes) -> dict:
    """Return a valid kiosk rating for counter K01 sent a minute ago."""
    payload = {
        "uuid": str(uuid.uuid4()), "questionnaire": {"code": "kiosk", "version": "2026.1"},
        "channel": "kiosk", "unit": "K01",
        "submitted_at": (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat(),
        "answers": {"overall_rating": 5},
    }
    payload.update(changes)
    return payload


def send(app, world, payload: dict):
    """POST a payload with the kiosk's token."""
    return app.test_client().post("/api/v1/responses", data=json.dumps(payload), content_type="application/json",
                                  headers={"Authorization": f"Bearer {world.tokens['kiosk']}"})


@pytest.mark.parametrize("moment", [
    "0001-01-01T00:00:00+14:00",  # OverflowError converting to UTC: was a 500
    "9999-12-31T23:59:59-14:00",  # the same at the other end
    "0001-01-01T00:00:00+00:00",  # no room for the burst window's arithmetic
    "1969-12-31T23:59:59Z",
])
@pytest.mark.parametrize("field", ["submitted_at", "started_at"])
def test_timestamps_outside_the_datetime_range_are_refused(fuzzed, moment, field):
    _, app, world = fuzzed
    before = row_counts(app)
    response = send(app, world, kiosk_payload(**{field: moment}))
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == "invalid_timestamp"
    assert response.get_json()["error"]["field"] == field
    assert_accounted(app, before, [])


def test_a_device_with_a_reset_clock_is_stored(fuzzed):
    _, app, world = fuzzed
    payload = kiosk_payload(submitted_at="1970-01-01T00:00:00Z")
    before = row_counts(app)
    assert send(app, world, payload).status_code == 201
    assert_accounted(app, before, [payload["uuid"]])
    assert_round_trip(app, world, payload)


@pytest.mark.parametrize(("body", "code"), [
    ({"unit": "K01\x00", "transaction_ref": "T-1"}, "unknown_unit"),  # NUL: PostgreSQL refused the query, a 500
    ({"unit": "K01", "transaction_ref": "T-1", "service": ["1.000894"]}, "unknown_service"),  # a list: unbindable
    ({"unit": "K01", "transaction_ref": "T-1", "service": "1.0\x00"}, "unknown_service"),
    ({"unit": {"code": "K01"}, "transaction_ref": "T-1"}, "unknown_unit"),
    ({"unit": "\ud800", "transaction_ref": "T-1"}, "unknown_unit"),  # a lone surrogate: SQLite could not bind it
])
def test_link_api_refuses_codes_that_cannot_be_looked_up(fuzzed, body, code):
    _, app, world = fuzzed
    response = app.test_client().post("/api/v1/qr-links", json=body,
                                      headers={"Authorization": f"Bearer {world.tokens['api_client']}"})
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == code


@pytest.mark.parametrize("questionnaire", [{"code": "kiosk\x00", "version": "2026.1"},
                                           {"code": "kiosk", "version": "2026.1\x00"}])
def test_submission_names_a_questionnaire_with_a_nul(fuzzed, questionnaire):
    _, app, world = fuzzed
    before = row_counts(app)
    response = send(app, world, kiosk_payload(questionnaire=questionnaire))
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)
    assert_accounted(app, before, [])


@pytest.mark.parametrize("path", ["/api/v1/questionnaires/kiosk%00/2026.1", "/api/v1/questionnaires/kiosk/2026.1%00",
                                  "/api/v1/questionnaires/by-hash/%00"])
def test_document_routes_with_a_nul_are_not_found(fuzzed, path):
    _, app, _ = fuzzed
    response = app.test_client().get(path)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "unknown_questionnaire"


@pytest.mark.parametrize(("text", "message"), [
    ("[" * 3000 + "]" * 3000, "nested too deeply"),  # RecursionError in PyYAML
    ("code: mini\nsections: [{code: s, label: {vi: a}, items: [{code: q, type: text, label: {vi: b}, dimension: []}]}]",
     "'dimension' must be the code of a dimension"),  # a list as dimension: TypeError (unhashable)
    ("? {code: mini}\n: x\n", "found an unhashable key"),  # a complex mapping key: TypeError (unhashable)
])
def test_loader_refusals_found_by_fuzzing(text, message):
    with pytest.raises(QuestionnaireError) as refused:
        load_text(text, "fuzz/2026.1.yaml")
    assert message in str(refused.value) and "fuzz/2026.1.yaml" in str(refused.value)
