"""Enrolment, assignment download, outcomes and submission of interviews over HTTP, on both engines."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from survey.db.fieldwork import RespondentDraw
from survey.db.interviews import DrawOutcome
from survey.db.responses import Response
from survey.services import fieldwork
from survey.services.fieldwork_progress import progress
from survey.web.database import session_scope
from tests.fieldwork.interview_world import build, interview_payload

ANSWERS = {"sex": "female", "age": 41, "attended_village_meeting": "yes", "meetings": 3}


@pytest.fixture
def world(app):
    """Return the interview world with villages 1 and 2 given to enum1 and village 3 to enum2."""
    made = build(app)
    with session_scope(app) as session:
        fieldwork.assign(session, made.survey, made.villages[:2], "enum1")
        fieldwork.assign(session, made.survey, made.villages[2:], "enum2")
    return made


def enrol(app, client, username: str) -> str:
    """Enrol a tablet of ``username`` through the API and return its token."""
    with session_scope(app) as session:
        code = fieldwork.new_enrolment(session, username, "Tab").code
    response = client.post("/interview/api/enrol", json={"code": f"{code[:4]}-{code[4:].lower()}"})
    assert response.status_code == 201, response.get_data(as_text=True)
    again = client.post("/interview/api/enrol", json={"code": code})
    assert again.status_code == 403 and again.get_json()["error"]["code"] == "invalid_code"
    return response.get_json()["token"]


def auth(token: str) -> dict:
    """Return the Authorization header of a token."""
    return {"Authorization": f"Bearer {token}"}


def submit(client, token: str, payload: dict) -> dict:
    """POST one response; return its receipt."""
    response = client.post("/api/v1/responses", data=json.dumps(payload), headers=auth(token),
                           content_type="application/json")
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    return response.get_json()


def visit(client, token: str, draw_id: int, status: str, response_uuid=None, reason=None, client_uuid="c1"):
    """Report a visit outcome; return the HTTP response."""
    return client.post("/interview/api/outcomes", headers=auth(token), json={
        "kind": "visit", "draw_id": draw_id, "status": status, "response_uuid": response_uuid,
        "reason": reason, "client_uuid": client_uuid})


def test_download_gives_personal_data_only_to_the_assigned_enumerator(app, client, world):
    one, two = enrol(app, client, "enum1"), enrol(app, client, "enum2")
    assert client.get("/interview/api/assignments").status_code == 401
    assert client.get("/interview/api/assignments", headers=auth("hle_wrong")).status_code == 401
    body = client.get("/interview/api/assignments", headers=auth(one)).get_json()
    assert [v["village_code"] for v in body["villages"]] == world.villages[:2]
    village = body["villages"][0]
    assert village["unit"] == "P" and village["questionnaire"] == "household"
    assert [r["order"] for r in village["respondents"]] == list(range(1, 9))
    assert [r["role"] for r in village["respondents"]] == ["main"] * 6 + ["replacement"] * 2
    assert all(r["name"].startswith(f"Nguyễn Văn {world.villages[0]}-") for r in village["respondents"])
    assert set(body["forms"]) == {"household"}
    assert body["forms"]["household"]["document"]["definition"]["code"] == "household"
    other = client.get("/interview/api/assignments", headers=auth(two)).get_json()
    names = json.dumps(other, ensure_ascii=False)
    assert [v["village_code"] for v in other["villages"]] == world.villages[2:]
    assert all(f"Nguyễn Văn {code}-" not in names for code in world.villages[:2])


def test_revoked_tablet_is_refused_and_a_new_enrolment_replaces_the_token(app, client, world):
    old = enrol(app, client, "enum1")
    new = enrol(app, client, "enum1")
    assert client.get("/interview/api/assignments", headers=auth(old)).status_code == 200
    with session_scope(app) as session:
        device = session.scalars(select(fieldwork.EnumeratorDevice).order_by(fieldwork.EnumeratorDevice.id)).first()
        fieldwork.credentials.revoke(session, device.credential_id)
    assert client.get("/interview/api/assignments", headers=auth(old)).status_code == 401
    assert client.get("/interview/api/assignments", headers=auth(new)).status_code == 200


def test_enrolment_code_expires(app, world):
    with session_scope(app) as session:
        issued = fieldwork.new_enrolment(session, "enum1", "Tab", now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        code = issued.code
    with session_scope(app) as session, pytest.raises(fieldwork.FieldworkError) as refused:
        fieldwork.enrol(session, code, now=dt.datetime(2026, 1, 2, 0, 1, tzinfo=dt.UTC))
    assert refused.value.code == "invalid_code"


def test_completed_interview_is_linked_once_and_progress_counts_it(app, client, world):
    token = enrol(app, client, "enum1")
    village = client.get("/interview/api/assignments", headers=auth(token)).get_json()["villages"][0]
    first, second, spare = village["respondents"][0], village["respondents"][1], village["respondents"][6]
    payload = interview_payload("P", ANSWERS)
    assert submit(client, token, payload)["status"] == "accepted"
    assert submit(client, token, payload)["status"] == "duplicate"
    for _ in range(2):
        assert visit(client, token, first["draw_id"], "completed", payload["uuid"]).status_code == 200
    assert visit(client, token, second["draw_id"], "refused", reason="bận việc đồng áng",
                 client_uuid="c2").status_code == 200
    spare_payload = interview_payload("P", {**ANSWERS, "attended_village_meeting": "no", "meetings": None})
    spare_payload["answers"].pop("meetings")
    submit(client, token, spare_payload)
    assert visit(client, token, spare["draw_id"], "completed", spare_payload["uuid"],
                 client_uuid="c3").status_code == 200
    with session_scope(app) as session:
        assert session.scalar(select(func.count()).select_from(Response)) == 2
        assert session.scalar(select(func.count()).select_from(DrawOutcome)) == 3
        assert session.get(RespondentDraw, first["draw_id"]).response_uuid == payload["uuid"]
        villages, people, total = progress(session, world.survey)
    enum1 = next(p for p in people if p.label == "enum1")
    # Issued: 6 main per village in two villages plus the replacement used; returned: the three visited.
    assert (enum1.quota, enum1.issued, enum1.returned, enum1.completed, enum1.refused, enum1.replacements) == (
        12, 13, 3, 2, 1, 1)
    assert enum1.response_rate == pytest.approx(2 / 3)
    assert villages[0].completed == 2 and villages[0].returned_share == pytest.approx(3 / 7)
    assert total.quota == 18 and total.issued == 19


def test_outcome_refused_for_another_enumerators_draw_or_response(app, client, world):
    one, two = enrol(app, client, "enum1"), enrol(app, client, "enum2")
    village = client.get("/interview/api/assignments", headers=auth(one)).get_json()["villages"][0]
    draw_id = village["respondents"][0]["draw_id"]
    refused = visit(client, two, draw_id, "refused")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "unknown_draw"
    payload = interview_payload("P", ANSWERS)
    submit(client, two, payload)
    response = visit(client, one, draw_id, "completed", payload["uuid"])
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "unknown_response"
    missing = visit(client, one, draw_id, "completed", "00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 409
    assert visit(client, one, draw_id, "pending").status_code == 400
