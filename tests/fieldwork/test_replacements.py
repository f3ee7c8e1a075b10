"""Replacements are used in draw order, one per person not interviewed: in the rule and at the server."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from survey.db.fieldwork import RespondentDraw
from survey.db.interviews import DrawOutcome
from survey.domain.replacements import DrawnPerson, may_visit, released_replacements
from survey.web.database import session_scope
from tests.fieldwork.interview_world import interview_payload
from tests.fieldwork.test_interview_api import ANSWERS, auth, enrol, submit, visit, world  # noqa: F401


def village(quota: int, spares: int, statuses: dict[int, str] | None = None) -> list[DrawnPerson]:
    statuses = statuses or {}
    return [DrawnPerson(order, "main" if order <= quota else "replacement", statuses.get(order, "pending"))
            for order in range(1, quota + spares + 1)]


def test_no_replacement_before_a_failure():
    people = village(3, 2, {1: "completed", 2: "completed"})
    assert released_replacements(people) == frozenset()
    assert may_visit(people, 3) and not may_visit(people, 4) and not may_visit(people, 5)


def test_each_failure_releases_the_next_replacement_in_order():
    assert released_replacements(village(3, 3, {2: "refused"})) == {4}
    assert released_replacements(village(3, 3, {2: "refused", 1: "noncontact"})) == {4, 5}
    # The first replacement refusing releases the second.
    assert released_replacements(village(3, 3, {2: "ineligible", 4: "refused"})) == {4, 5}
    assert released_replacements(village(3, 2, {1: "refused", 2: "refused", 3: "refused", 4: "refused"})) == {4, 5}


def test_an_unknown_order_may_not_be_visited():
    assert not may_visit(village(2, 1), 9)


@given(st.integers(1, 8), st.integers(0, 6), st.lists(st.sampled_from(
    ["completed", "completed", "refused", "noncontact", "ineligible"]), max_size=30), st.randoms())
def test_following_the_rule_never_exceeds_the_quota_and_uses_only_the_first_replacements(quota, spares, results, rng):
    people = {p.order: p for p in village(quota, spares)}
    for result in results:  # the enumerator visits any person the rule allows, in any order
        allowed = [order for order, p in people.items()
                   if p.status == "pending" and may_visit(people.values(), order)]
        if not allowed:
            break
        order = rng.choice(allowed)
        people[order] = DrawnPerson(order, people[order].role, result)
    completed = sum(p.status == "completed" for p in people.values())
    used = sorted(o for o, p in people.items() if p.role == "replacement" and p.status != "pending")
    failures = sum(p.status in ("refused", "noncontact", "ineligible") for p in people.values())
    assert completed <= quota
    # Only the first replacements, as many as people not interviewed (released ones in any order).
    assert set(used) <= set(range(quota + 1, quota + 1 + failures))


def test_the_server_refuses_a_replacement_no_one_released(app, client, world):  # noqa: F811
    token = enrol(app, client, "enum1")
    people = client.get("/interview/api/assignments", headers=auth(token)).get_json()["villages"][0]["respondents"]
    mains = [p for p in people if p["role"] == "main"]
    first_spare, second_spare = [p for p in people if p["role"] == "replacement"][:2]
    payload = interview_payload("P", ANSWERS)
    submit(client, token, payload)  # the interview itself is stored whatever happens to its outcome

    early = visit(client, token, first_spare["draw_id"], "completed", payload["uuid"], client_uuid="v1")
    assert early.status_code == 422
    error = early.get_json()["error"]
    assert error["code"] == "replacement_not_released"
    assert "dự phòng" in error["message"]["vi"] and "replacement" in error["message"]["en"]
    assert visit(client, token, second_spare["draw_id"], "refused", client_uuid="v2").status_code == 422

    assert visit(client, token, mains[0]["draw_id"], "noncontact", client_uuid="v3").status_code == 200
    assert visit(client, token, second_spare["draw_id"], "refused", client_uuid="v4").status_code == 422
    assert visit(client, token, first_spare["draw_id"], "completed", payload["uuid"], client_uuid="v5").status_code == 200
    assert visit(client, token, first_spare["draw_id"], "completed", payload["uuid"], client_uuid="v5").status_code == 200
    with session_scope(app) as session:
        assert session.get(RespondentDraw, first_spare["draw_id"]).response_uuid == payload["uuid"]
        assert session.get(RespondentDraw, second_spare["draw_id"]).status == "pending"
        assert session.scalar(select(func.count()).select_from(DrawOutcome)) == 2
