"""Supervisors see their own units only; tablets revoked from the page; on both engines."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from survey.db.fieldwork import RespondentDraw
from survey.db.interviews import EnumeratorDevice
from survey.db.organisation import Unit
from survey.db.responses import Response
from survey.services import accounts, fieldwork, organisation
from survey.services import fieldwork_backchecks as backchecks
from survey.services.fieldwork_progress import progress
from survey.web.database import session_scope
from tests.fieldwork.interview_world import PASSWORD, build, interview_payload
from tests.fieldwork.test_interview_api import auth, enrol, submit, visit
from tests.fieldwork.test_interview_supervision import CSRF, complete, login, villages


@pytest.fixture
def world(app):
    """Return the interview world with communes A and B as units, a supervisor of each, and interviews."""
    made = build(app)
    with session_scope(app) as session:
        fieldwork.assign(session, made.survey, made.villages[:2], "enum1")
        province = session.scalars(select(Unit).where(Unit.code == "P")).one()
        for name, village in zip(("supa", "supb"), made.villages[:2]):
            commune = organisation.create_unit(session, code=village.split("V")[0], kind="commune",
                                               name_vi=f"Xã {name}", parent_id=province.id)
            accounts.create_user(session, username=name, display_name=name, password=PASSWORD,
                                 role="supervisor", unit_id=commune.id)
        accounts.create_user(session, username="root", display_name="root", password=PASSWORD, role="admin")
    return made


def test_a_commune_supervisor_sees_only_the_villages_of_the_commune(app, client, world):
    token = enrol(app, client, "enum1")
    first, second = villages(client, token)
    [in_a] = complete(client, token, first, 1)
    [in_b] = complete(client, token, second, 1)
    with session_scope(app) as session:
        supa = session.scalars(select(accounts.User).where(accounts.User.username == "supa")).one()
        rows, people, total = progress(session, world.survey, supa.unit_id)
        assert [r.label.split()[0] for r in rows] == [world.villages[0]] and total.completed == 1
        assert [(p.label, p.completed) for p in people] == [("enum1", 1)]
        backchecks.draw_backchecks(session, world.survey, "checker", share=1.0, seed=3)
    with session_scope(app) as session:
        assert [r.response_uuid for r in backchecks.backcheck_results(session, world.survey, supa.unit_id)] == [in_a]
        assert len(backchecks.backcheck_results(session, world.survey)) == 2
    login(client, "supa")
    page = client.get(f"/supervision/{world.survey}").get_data(as_text=True)
    assert in_a in page and in_b not in page
    assert f'data-village="{world.villages[0]}"' in page and f'data-village="{world.villages[1]}"' not in page
    refused = client.post(f"/supervision/{world.survey}/send-back", data={
        "csrf_token": CSRF.search(page).group(1), "response_uuid": in_b, "comment": "Sai tuổi"})
    assert refused.status_code == 422
    listing = client.post(f"/supervision/{world.survey}/listings", data={
        "csrf_token": CSRF.search(page).group(1), "villages": world.villages[2]})
    assert listing.status_code == 422
    client.get("/auth/logout")
    login(client, "root")
    page = client.get(f"/supervision/{world.survey}").get_data(as_text=True)
    assert in_a in page and in_b in page


def _device_id(app) -> int:
    """Return the id of the only enrolled tablet."""
    with session_scope(app) as session:
        return session.scalars(select(EnumeratorDevice.id)).one()


def test_revoked_tablet_downloads_nothing_but_its_earlier_interviews_are_kept_and_flagged(app, client, world):
    token = enrol(app, client, "enum1")
    first, second = villages(client, token)[0]["respondents"][:2]
    made_before = interview_payload("P", {"sex": "male", "age": 30, "attended_village_meeting": "no"})
    device = _device_id(app)
    login(client, "supb")
    page = client.get(f"/supervision/{world.survey}").get_data(as_text=True)
    assert f'data-tablet="{device}"' not in page  # enum1 belongs to the province, not to commune B
    assert client.post(f"/supervision/{world.survey}/tablets/{device}/revoke",
                       data={"csrf_token": CSRF.search(page).group(1)}).status_code == 404
    client.get("/auth/logout")
    login(client, "sup")
    page = client.get(f"/supervision/{world.survey}").get_data(as_text=True)
    assert f'data-tablet="{device}"' in page
    assert client.post(f"/supervision/{world.survey}/tablets/{device}/revoke").status_code == 400  # no CSRF
    assert client.get("/interview/api/assignments", headers=auth(token)).status_code == 200
    revoked = client.post(f"/supervision/{world.survey}/tablets/{device}/revoke",
                          data={"csrf_token": CSRF.search(page).group(1)})
    assert revoked.status_code == 302
    assert "Tab" in client.get(revoked.headers["Location"]).get_data(as_text=True).split('role="status"')[1][:200]
    assert client.get("/interview/api/assignments", headers=auth(token)).status_code == 401
    assert submit(client, token, made_before)["status"] == "flagged"
    assert visit(client, token, second["draw_id"], "refused", client_uuid="r1").status_code == 401
    assert visit(client, token, first["draw_id"], "completed", made_before["uuid"]).status_code == 200
    made_after = interview_payload("P", {"sex": "male", "age": 30, "attended_village_meeting": "no"})
    made_after["submitted_at"] = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)).isoformat()
    made_after["started_at"] = dt.datetime.now(dt.UTC).isoformat()
    refused = client.post("/api/v1/responses", data=json.dumps(made_after), headers=auth(token),
                          content_type="application/json")
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "credential_revoked"
    with session_scope(app) as session:
        stored = session.scalars(select(Response).where(Response.uuid == made_before["uuid"])).one()
        assert (stored.counted, stored.status) == (False, "flagged")
        assert session.scalars(select(Response).where(Response.uuid == made_after["uuid"])).first() is None
        assert session.get(RespondentDraw, first["draw_id"]).response_uuid == made_before["uuid"]
        assert session.get(RespondentDraw, second["draw_id"]).status == "pending"
