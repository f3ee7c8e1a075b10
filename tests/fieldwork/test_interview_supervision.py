"""Back-checks (draw, comparison, report) and send-back with revision, on both engines."""

from __future__ import annotations

import re

import numpy as np
import pytest
from sqlalchemy import func, select

from survey.cli import cli
from survey.db.fieldwork import RespondentDraw
from survey.db.responses import Response
from survey.services import exports, fieldwork
from survey.services import fieldwork_backchecks as backchecks
from survey.services.reporting.filters import not_superseded
from survey.web.database import session_scope
from tests.fieldwork.interview_world import PASSWORD, build, interview_payload
from tests.fieldwork.test_interview_api import ANSWERS, auth, enrol, submit, visit

CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
CHECK = {"interviewed": "yes", "duration": "m30_60", "household_size": 4, "age_group": "a30_44",
         "sex": "female", "attended_village_meeting": "yes"}


@pytest.fixture
def world(app):
    """Return the interview world with villages 1 and 2 given to enum1 and village 3 to enum2."""
    made = build(app)
    with session_scope(app) as session:
        fieldwork.assign(session, made.survey, made.villages[:2], "enum1")
        fieldwork.assign(session, made.survey, made.villages[2:], "enum2")
    return made


def complete(client, token: str, village: dict, count: int, answers=ANSWERS) -> list[str]:
    """Complete the first ``count`` respondents of a downloaded village; return the response UUIDs."""
    uuids = []
    for index, person in enumerate(village["respondents"][:count]):
        payload = interview_payload("P", answers)
        submit(client, token, payload)
        assert visit(client, token, person["draw_id"], "completed", payload["uuid"],
                     client_uuid=f"v{person['draw_id']}").status_code == 200
        uuids.append(payload["uuid"])
    return uuids


def villages(client, token: str) -> list[dict]:
    """Return the villages a tablet downloads."""
    return client.get("/interview/api/assignments", headers=auth(token)).get_json()["villages"]


def login(client, username: str):
    """Log the test client in."""
    page = client.get("/auth/login").get_data(as_text=True)
    response = client.post("/auth/login", data={"csrf_token": CSRF.search(page).group(1), "username": username,
                                                "password": PASSWORD})
    assert response.status_code == 302


def test_choose_draws_every_interview_with_probability_k_over_n():
    n, share, runs = 7, 0.3, 6000
    counts = np.zeros(n)
    for seed in range(runs):
        chosen = backchecks.choose(seed, 5, n, share)
        assert len(chosen) == 2 == len(set(chosen))
        counts[chosen] += 1
    expected = runs * 2 / n
    # Each count is Binomial(runs, 2/7): 4.5 standard deviations is a bound no correct draw breaks.
    assert np.all(np.abs(counts - expected) < 4.5 * np.sqrt(runs * 2 / n * (1 - 2 / n)))
    assert backchecks.choose(1, 5, 3, 0.1) == backchecks.choose(1, 5, 3, 0.1) and len(backchecks.choose(1, 5, 3, 0.1)) == 1


@pytest.mark.parametrize(("check", "minutes", "expected"), [
    ({"interviewed": "no", "sex": "male"}, 40, ["interviewed"]),
    (CHECK, 40, []),
    (CHECK, 29.5, ["duration"]),
    ({**CHECK, "duration": "lt30"}, 29.5, []),
    ({**CHECK, "age_group": "a45_59"}, 40, ["age_group"]),
    ({**CHECK, "sex": "male", "attended_village_meeting": "no"}, 40, ["sex", "attended_village_meeting"]),
])
def test_compare_with_the_original(check, minutes, expected):
    assert backchecks.compare(ANSWERS, minutes, check) == expected


def test_backcheck_flow(app, client, world):
    one, two, checker = enrol(app, client, "enum1"), enrol(app, client, "enum2"), enrol(app, client, "checker")
    first, second = villages(client, one)
    done = complete(client, one, first, 4) + complete(client, one, second, 2)
    complete(client, two, villages(client, two)[0], 1)
    with session_scope(app) as session:
        drawn = backchecks.draw_backchecks(session, world.survey, "checker", share=0.5, seed=11)
        ids = sorted(c.response_uuid for c in drawn)
    with session_scope(app) as session:
        session.execute(backchecks.Backcheck.__table__.delete())
    with session_scope(app) as session:
        again = backchecks.draw_backchecks(session, world.survey, "checker", share=0.5, seed=11)
        assert sorted(c.response_uuid for c in again) == ids
    # enum1: round(0.5 * 6) = 3 of its 6; enum2: at least one.
    by = {}
    for check in again:
        by.setdefault(check.enumerator_id, []).append(check.response_uuid)
    assert sorted(map(len, by.values())) == [1, 3] and set(by[world.users["enum1"]]) <= set(done)
    tasks = client.get("/interview/api/assignments", headers=auth(checker)).get_json()
    assert len(tasks["backchecks"]) == 4 and set(tasks["forms"]) == {"backcheck"}
    assert all(t["name"].startswith("Nguyễn Văn") for t in tasks["backchecks"])
    for index, task in enumerate(tasks["backchecks"]):
        answers = {**CHECK, "sex": "male"} if index == 0 else CHECK
        payload = interview_payload("P", answers, code="backcheck")
        submit(client, checker, payload)
        reply = client.post("/interview/api/outcomes", headers=auth(checker), json={
            "kind": "backcheck", "backcheck_id": task["backcheck_id"], "response_uuid": payload["uuid"]})
        assert reply.status_code == 200
    assert client.get("/interview/api/assignments", headers=auth(checker)).get_json()["backchecks"] == []
    with session_scope(app) as session:
        results = backchecks.backcheck_results(session, world.survey)
        report = backchecks.mismatch_report(results)
    first_enumerator = results[0].enumerator
    assert results[0].mismatches == ("sex",) and all(r.mismatches == () for r in results[1:])
    row = next(r for r in report if r["enumerator"] == first_enumerator)
    assert row["with_mismatch"] == 1 and row["items"] == {"sex": 1}
    assert sum(r["drawn"] for r in report) == 4 == sum(r["done"] for r in report)
    login(client, "sup")
    page = client.get(f"/supervision/{world.survey}").get_data(as_text=True)
    assert "sex</code> × 1" in page and "Phúc tra" in page


def test_send_back_and_revise(app, client, world):
    one, two = enrol(app, client, "enum1"), enrol(app, client, "enum2")
    village = villages(client, one)[0]
    [original] = complete(client, one, village, 1)
    login(client, "sup")
    page = client.get(f"/supervision/{world.survey}").get_data(as_text=True)
    token = CSRF.search(page).group(1)
    empty = client.post(f"/supervision/{world.survey}/send-back",
                        data={"csrf_token": token, "response_uuid": original, "comment": " "})
    assert empty.status_code == 422
    sent = client.post(f"/supervision/{world.survey}/send-back", data={
        "csrf_token": token, "response_uuid": original, "comment": "Tuổi ghi sai, hỏi lại."})
    assert sent.status_code == 302
    assert client.post(f"/supervision/{world.survey}/send-back", data={
        "csrf_token": token, "response_uuid": original, "comment": "Lần nữa"}).status_code == 422
    body = client.get("/interview/api/assignments", headers=auth(one)).get_json()
    [task] = body["sendbacks"]
    assert task["comment"] == "Tuổi ghi sai, hỏi lại." and task["answers"] == ANSWERS
    assert client.get("/interview/api/assignments", headers=auth(two)).get_json()["sendbacks"] == []
    unrelated = interview_payload("P", ANSWERS)
    submit(client, one, unrelated)
    wrong = client.post("/interview/api/outcomes", headers=auth(one), json={
        "kind": "revision", "sendback_id": task["sendback_id"], "response_uuid": unrelated["uuid"]})
    assert wrong.status_code == 422 and wrong.get_json()["error"]["code"] == "not_a_revision"
    revision = interview_payload("P", {**ANSWERS, "age": 44}, supersedes=original)
    assert submit(client, one, revision)["status"] in ("accepted", "flagged")
    reply = client.post("/interview/api/outcomes", headers=auth(one), json={
        "kind": "revision", "sendback_id": task["sendback_id"], "response_uuid": revision["uuid"]})
    assert reply.status_code == 200
    assert client.get("/interview/api/assignments", headers=auth(one)).get_json()["sendbacks"] == []
    with session_scope(app) as session:
        draw = session.get(RespondentDraw, village["respondents"][0]["draw_id"])
        assert draw.response_uuid == revision["uuid"] and draw.status == "completed"
        stored = {r.uuid: r.supersedes_uuid for r in session.scalars(select(Response))}
        assert stored[original] is None and stored[revision["uuid"]] == original
        assert session.scalar(select(func.count()).select_from(Response)) == 3
        layout = exports.layout_for(session, "household")
        rows = [dict(zip(layout.names, row, strict=True))
                for row in exports.iter_rows(session, exports.ExportRequest("household"), layout)]
        assert {r["uuid"]: r["superseded_by"] for r in rows} == {
            original: revision["uuid"], unrelated["uuid"]: None, revision["uuid"]: None}
        kept = set(session.scalars(select(Response.uuid).where(not_superseded())))
        assert kept == {unrelated["uuid"], revision["uuid"]}


def test_supervision_pages_are_for_supervisors(app, client, world):
    assert client.get(f"/supervision/{world.survey}").status_code == 302
    login(client, "enum1")
    assert client.get(f"/supervision/{world.survey}").status_code == 403


def test_cli_assign_enrol_progress_backcheck(app, runner, world):
    result = runner.invoke(cli, ["fieldwork", "assign", world.survey, "enum2", world.villages[0]])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["fieldwork", "enrol", "enum2", "--name", "Tab 2"])
    assert result.exit_code == 0 and re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}", result.output)
    result = runner.invoke(cli, ["fieldwork", "progress", world.survey])
    assert result.exit_code == 0 and "enum2" in result.output and "0/18" in result.output
    result = runner.invoke(cli, ["fieldwork", "assign", world.survey, "sup", world.villages[0]])
    assert result.exit_code == 1 and "no active enumerator sup" in result.output
    result = runner.invoke(cli, ["fieldwork", "backcheck", world.survey, "--checker", "checker", "--seed", "3"])
    assert result.exit_code == 0, result.output


def test_supervisor_assigns_villages_and_enrols_a_tablet_on_the_page(app, client, world):
    login(client, "sup")
    token = CSRF.search(client.get(f"/supervision/{world.survey}").get_data(as_text=True)).group(1)
    moved = client.post(f"/supervision/{world.survey}/assign", data={
        "csrf_token": token, "enumerator": "enum2", "villages": f"{world.villages[0]}, {world.villages[1]}"})
    assert moved.status_code == 302
    wrong = client.post(f"/supervision/{world.survey}/assign", data={
        "csrf_token": token, "enumerator": "enum2", "villages": "NOPE"})
    assert wrong.status_code == 422 and "NOPE" in wrong.get_data(as_text=True)
    page = client.post(f"/supervision/{world.survey}/enrol", data={
        "csrf_token": token, "enumerator": "enum2", "name": "Tab 9"}).get_data(as_text=True)
    code = re.search(r"<strong>([A-Z2-9]{4})-([A-Z2-9]{4})</strong>", page)
    reply = client.post("/interview/api/enrol", json={"code": code.group(1) + code.group(2)})
    assert reply.status_code == 201
    body = client.get("/interview/api/assignments", headers=auth(reply.get_json()["token"])).get_json()
    assert [v["village_code"] for v in body["villages"]] == world.villages
