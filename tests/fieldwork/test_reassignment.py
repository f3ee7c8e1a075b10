"""A village moved to another enumerator keeps the interviews the first one finished offline."""

from __future__ import annotations

from survey.db.fieldwork import RespondentDraw
from survey.services import fieldwork
from survey.web.database import session_scope
from tests.fieldwork.interview_world import interview_payload
from tests.fieldwork.test_interview_api import ANSWERS, auth, enrol, submit, visit, world  # noqa: F401


def _made_for(draw_id: int) -> dict:
    payload = interview_payload("P", ANSWERS)
    payload["paradata"] = {"app": "hailong-interview", "respondent": {"draw_id": draw_id, "role": "main", "order": 1}}
    return payload


def test_a_moved_village_keeps_the_first_enumerators_finished_interview(app, client, world):  # noqa: F811
    one = enrol(app, client, "enum1")
    people = client.get("/interview/api/assignments", headers=auth(one)).get_json()["villages"][0]["respondents"]
    first, second, third = people[0], people[1], people[2]
    done = _made_for(first["draw_id"])
    elsewhere = _made_for(third["draw_id"])  # made for another person than the report names
    submit(client, one, done)
    submit(client, one, elsewhere)
    with session_scope(app) as session:  # the supervisor moves the village while the tablet is offline
        fieldwork.assign(session, world.survey, world.villages[:1], "enum2")

    assert visit(client, one, first["draw_id"], "completed", done["uuid"], client_uuid="a").status_code == 200
    refused = visit(client, one, second["draw_id"], "refused", client_uuid="b")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "unknown_draw"
    mismatch = visit(client, one, second["draw_id"], "completed", elsewhere["uuid"], client_uuid="c")
    assert mismatch.status_code == 403 and mismatch.get_json()["error"]["code"] == "unknown_draw"
    with session_scope(app) as session:
        assert session.get(RespondentDraw, first["draw_id"]).response_uuid == done["uuid"]
        assert session.get(RespondentDraw, second["draw_id"]).status == "pending"

    two = enrol(app, client, "enum2")  # the new holder sees the village with the finished interview
    village = client.get("/interview/api/assignments", headers=auth(two)).get_json()["villages"]
    statuses = {p["draw_id"]: p["status"] for v in village for p in v["respondents"]}
    assert statuses[first["draw_id"]] == "completed" and statuses[second["draw_id"]] == "pending"
