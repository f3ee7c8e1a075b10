"""POST /api/v1/transaction-volumes: API keys, unit scope, all-or-nothing rows, replace on re-send."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from survey.db.volumes import TransactionVolume
from survey.web.database import session_scope

URL = "/api/v1/transaction-volumes"
ROWS = [
    {"unit": "X01", "service": "1.001193", "day": "2026-03-02", "processed": 12},
    {"unit": "X01-TT", "service": "2.000815", "day": "2026-03-02", "processed": 30},
]


def _post(client, body, token=None):
    """Post ``body`` with an optional bearer token."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(URL, json=body, headers=headers)


def _stored(app) -> list[tuple]:
    """Return (unit_id, service_id, day, processed, source) of every stored row, sorted."""
    with session_scope(app) as session:
        return sorted(session.execute(select(
            TransactionVolume.unit_id, TransactionVolume.service_id, TransactionVolume.day,
            TransactionVolume.processed, TransactionVolume.source)).all())


def test_rows_are_imported_without_csrf_token(app, client, org, tokens):
    response = _post(client, ROWS, tokens["api"])
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"inserted": 2, "replaced": 0}
    day = dt.date(2026, 3, 2)
    assert _stored(app) == sorted([(org["X01"], org["1.001193"], day, 12, "api"),
                                   (org["X01-TT"], org["2.000815"], day, 30, "api")])


def test_resending_a_day_replaces_it(app, client, org, tokens):
    _post(client, ROWS, tokens["api"])
    response = _post(client, {"rows": [dict(ROWS[0], processed=13)]}, tokens["api"])
    assert response.get_json() == {"inserted": 0, "replaced": 1}
    assert [row[3] for row in _stored(app)] == sorted([13, 30])


@pytest.mark.parametrize("which", [None, "kiosk", "revoked", "wrong"])
def test_a_valid_api_key_is_required(app, client, org, tokens, which):
    token = {"wrong": "hla_not-a-token"}.get(which, tokens.get(which))
    response = _post(client, ROWS, token)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert _stored(app) == []


def test_units_outside_the_key_scope_are_refused_whole(app, client, org, tokens):
    rows = ROWS + [{"unit": "X02-TT", "service": "1.001193", "day": "2026-03-02", "processed": 5}]
    response = _post(client, rows, tokens["api"])
    assert response.status_code == 403
    error = response.get_json()["error"]
    assert error["code"] == "out_of_scope"
    assert error["errors"] == [{"row": 3, "code": "out_of_scope", "message": {
        "vi": "đơn vị 'X02-TT' nằm ngoài phạm vi của khóa API này",
        "en": "unit 'X02-TT' is outside this API key's scope"}}]
    assert _stored(app) == []


@pytest.mark.parametrize(("row", "code"), [
    ({"unit": "X01", "service": "1.001193", "day": "2026-03-02", "processed": -1}, "processed"),
    ({"unit": "X01", "service": "1.001193", "day": "2026-03-02", "processed": 2.5}, "processed"),
    ({"unit": "X01", "service": "1.001193", "day": "2026-03-02", "processed": True}, "processed"),
    ({"unit": "X01", "service": "1.001193", "day": "hôm qua", "processed": 1}, "day"),
    ({"unit": "X01", "service": "1.001193", "processed": 1}, "day"),
    ({"service": "1.001193", "day": "2026-03-02", "processed": 1}, "empty_unit"),
    ({"unit": "X01", "service": 7, "day": "2026-03-02", "processed": 1}, "empty_service"),
    ({"unit": "X01", "service": "0.000000", "day": "2026-03-02", "processed": 1}, "unknown_service"),
    ({"unit": "Y99", "service": "1.001193", "day": "2026-03-02", "processed": 1}, "unknown_unit"),
    ({"unit": "X01", "service": "1.001193", "day": "2999-01-01", "processed": 1}, "future_day"),
    ("X01,1.001193,2026-03-02,1", "row"),
])
def test_invalid_rows_are_named_and_nothing_is_stored(app, client, org, tokens, row, code):
    response = _post(client, ROWS + [row], tokens["api"])
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_rows"
    assert [(e["row"], e["code"]) for e in error["errors"]] == [(3, code)]
    assert error["errors"][0]["message"]["vi"] and error["errors"][0]["message"]["en"]
    assert _stored(app) == []


@pytest.mark.parametrize("body", [[], {"rows": "x"}, {"unit": "X01"}, "text"])
def test_malformed_bodies_are_refused(app, client, org, tokens, body):
    response = _post(client, body, tokens["api"])
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "malformed"


def test_a_non_json_body_is_refused(app, client, org, tokens):
    response = client.post(URL, data="unit,service", headers={"Authorization": f"Bearer {tokens['api']}"})
    assert response.status_code == 400
