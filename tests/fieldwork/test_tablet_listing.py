"""Household listings made on an enumerator's tablet: submission, idempotence, draw, status, on both engines."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import func, select

from survey.db.fieldwork import FieldSurvey, FrameUnitRow, ListingMember, ListingPersonal
from survey.domain.sampling import draw_respondents
from survey.services import fieldwork, fieldwork_listing, sampling
from survey.web.database import session_scope
from tests.fieldwork.interview_world import build, unlisted_villages
from tests.fieldwork.test_interview_api import auth, enrol


def households(count: int, *, size: int = 4) -> list[dict]:
    """Return ``count`` households as a tablet sends them."""
    return [{"head_name": f"Lò Văn {i}", "address": f"Gần cây đa số {i}", "household_size": size,
             "phone": "0912 345 678" if i % 2 else ""} for i in range(1, count + 1)]


@pytest.fixture
def world(app):
    """Return the interview world and its unlisted villages, the first two given to enum1."""
    made = build(app)
    unlisted = unlisted_villages(app, made)
    with session_scope(app) as session:
        fieldwork.assign(session, made.survey, made.villages[:1] + unlisted[:2], "enum1")
    return made, unlisted


def listing(client, token: str, village: str, rows: list[dict], client_uuid: str = "l-1"):
    """POST a tablet listing; return the HTTP response."""
    return client.post("/interview/api/listings", headers=auth(token), json={
        "client_uuid": client_uuid, "survey": "hh", "village_code": village, "households": rows})


def test_listing_on_the_tablet_draws_respondents_once_with_the_recorded_seed(app, client, world):
    made, unlisted = world
    token = enrol(app, client, "enum1")
    body = client.get("/interview/api/assignments", headers=auth(token)).get_json()
    by_code = {v["village_code"]: v for v in body["villages"]}
    assert by_code[unlisted[0]]["listing_needed"] is True and by_code[unlisted[0]]["respondents"] == []
    assert by_code[made.villages[0]]["listing_needed"] is False
    first = listing(client, token, unlisted[0], households(12))
    assert first.status_code == 200, first.get_data(as_text=True)
    assert first.get_json() == {"status": "listed", "client_uuid": "l-1", "survey": "hh",
                                "village_code": unlisted[0], "households": 12, "drawn": 8}
    again = listing(client, token, unlisted[0], households(12))
    assert again.status_code == 200 and again.get_json() == first.get_json()
    other = listing(client, token, unlisted[0], households(3), client_uuid="l-2")
    assert other.status_code == 409 and other.get_json()["error"]["code"] == "already_listed"
    village = {v["village_code"]: v for v in client.get(
        "/interview/api/assignments", headers=auth(token)).get_json()["villages"]}[unlisted[0]]
    assert village["listing_needed"] is False
    assert [r["role"] for r in village["respondents"]] == ["main"] * 6 + ["replacement"] * 2
    with session_scope(app) as session:
        survey = session.scalars(select(FieldSurvey)).one()
        selection = sampling.last_stage_selection(session, survey, unlisted[0])
        members = session.scalars(select(ListingMember).where(ListingMember.selection_id == selection.id)
                                  .order_by(ListingMember.position)).all()
        assert len(members) == 12 and {m.source for m in members} == {"tablet"}
        assert {m.household_size for m in members} == {4}
        assert session.get(ListingPersonal, members[0].id).phone == "0912 345 678"
        position = session.get(FrameUnitRow, selection.frame_unit_id).position
    expected = draw_respondents(12, 8, 6, "simple", np.random.default_rng([survey.seed, position]))
    assert [r["listing_position"] - 1 for r in village["respondents"]] == list(expected.order)
    assert village["respondents"][0]["name"] == f"Lò Văn {expected.order[0] + 1}"


def test_listing_refused_for_a_village_of_someone_else_or_with_a_bad_household(app, client, world):
    _, unlisted = world
    token = enrol(app, client, "enum1")
    foreign = listing(client, token, unlisted[2], households(5))
    assert foreign.status_code == 403 and foreign.get_json()["error"]["code"] == "unknown_village"
    rows = households(5)
    rows[1]["household_size"] = 0
    bad = listing(client, token, unlisted[0], rows)
    assert bad.status_code == 422
    assert bad.get_json()["error"]["message"]["en"].startswith("household 2:")
    rows = households(2)
    rows[0]["phone"] = "gọi anh Ba"
    assert listing(client, token, unlisted[0], rows).status_code == 422
    assert listing(client, token, unlisted[0], []).status_code == 422
    with session_scope(app) as session:
        survey = session.scalars(select(FieldSurvey)).one()
        selection = sampling.last_stage_selection(session, survey, unlisted[0])
        assert session.scalar(select(func.count()).select_from(ListingMember)
                              .where(ListingMember.selection_id == selection.id)) == 0


def test_supervisor_marks_an_imported_listing_to_be_listed_again(app, client, world):
    made, unlisted = world
    with session_scope(app) as session:
        survey = sampling.get_survey(session, made.survey)
        sampling.import_listing(session, survey, unlisted[1], [("A", ""), ("B", "")])
    with session_scope(app) as session:
        statuses = {s.village_code: s for s in fieldwork_listing.listing_statuses(session, made.survey)}
        assert statuses[made.villages[0]].status == "drawn"
        assert (statuses[unlisted[1]].status, statuses[unlisted[1]].households) == ("imported", 2)
        assert statuses[unlisted[0]].status == "missing" and statuses[unlisted[0]].enumerator == "enum1"
        with pytest.raises(fieldwork.FieldworkError) as refused:
            fieldwork_listing.request_listing(session, made.survey, made.villages[0])
        assert refused.value.code == "listing_drawn"
        fieldwork_listing.request_listing(session, made.survey, unlisted[1])
    token = enrol(app, client, "enum1")
    village = {v["village_code"]: v for v in client.get(
        "/interview/api/assignments", headers=auth(token)).get_json()["villages"]}[unlisted[1]]
    assert village["listing_needed"] is True
    assert listing(client, token, unlisted[1], households(10)).status_code == 200
    with session_scope(app) as session:
        statuses = {s.village_code: s for s in fieldwork_listing.listing_statuses(session, made.survey)}
        assert (statuses[unlisted[1]].status, statuses[unlisted[1]].households) == ("drawn", 10)
        assert statuses[unlisted[1]].source == "tablet"
