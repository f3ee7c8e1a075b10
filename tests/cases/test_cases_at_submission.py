"""Cases open at submission, in the response's transaction: a batch of mixed ratings, retries, all-or-nothing."""

from __future__ import annotations

import datetime as dt
import uuid

from case_world import ICT, PHONE
from sqlalchemy import func, select

from survey.db.base import utcnow
from survey.db.cases import FeedbackCase
from survey.db.responses import Response
from survey.domain.periods import local_date
from survey.services.submission import Caller, SubmitCache, submit
from survey.web.database import session_scope

# Friday 13 February 2026, 10:00 in Viet Nam: the last working day before Tết.
FRIDAY = dt.datetime(2026, 2, 13, 10, 0, tzinfo=ICT)


def _payload(unit: str, answers: dict) -> dict:
    """Return a kiosk rating payload with a fresh uuid."""
    return {"uuid": str(uuid.uuid4()), "questionnaire": {"code": "kiosk", "version": "2026.1"},
            "channel": "kiosk", "unit": unit, "submitted_at": FRIDAY.isoformat(), "answers": answers}


def _cases_by_uuid(app) -> dict[str, FeedbackCase]:
    """Return every stored case by the uuid of its response."""
    with session_scope(app) as session:
        rows = session.execute(select(Response.uuid, FeedbackCase)
                               .join(FeedbackCase, FeedbackCase.response_id == Response.id)).all()
        session.expunge_all()
    return dict(rows)


def _post(client, token: str, body: dict):
    """Post to the submission API with a kiosk's bearer token."""
    return client.post("/api/v1/responses", json=body, headers={"Authorization": f"Bearer {token}"})


def _next_weekday(day: dt.date) -> dt.date:
    """Return the first Monday-to-Friday day after ``day``."""
    day += dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def test_a_batch_of_mixed_ratings_opens_one_case_per_qualifying_response(app, client, case_world, tmp_path):
    # The API stamps the real time of arrival: make the next weekday a holiday of the configured file.
    today = local_date(utcnow())
    holiday = _next_weekday(today)
    holidays = tmp_path / "holidays.yaml"
    holidays.write_text(f"years:\n  {holiday.year}:\n    holidays: [{holiday.isoformat()}]\n", encoding="utf-8")
    app.config.update(HOLIDAYS_FILE=str(holidays), CASE_ANSWER_DAYS=3)
    low_comment = _payload("C01", {"overall_rating": 1, "comment": "Phải chờ hai giờ"})
    low_callback = _payload("C01", {"overall_rating": 3, "callback_consent": "yes", "phone": PHONE})
    batch = [
        low_comment,
        _payload("C01", {"overall_rating": 5}),                                 # high: no case
        _payload("C01", {"overall_rating": 2}),                                 # nothing to answer
        low_callback,
        _payload("C01", {"overall_rating": 4, "callback_consent": "yes", "phone": PHONE}),
        dict(low_comment),                                                      # a retry in the batch
    ]
    answer = _post(client, case_world.tokens["C01"], {"responses": batch})
    assert answer.status_code == 200
    statuses = [result["receipt"]["status"] for result in answer.get_json()["results"]]
    assert statuses[-1] == "duplicate" and statuses.count("duplicate") == 1
    retry = _post(client, case_world.tokens["C01"], low_callback)          # a retry after the batch
    assert retry.status_code == 200 and retry.get_json()["status"] == "duplicate"
    opened = _cases_by_uuid(app)
    assert set(opened) == {low_comment["uuid"], low_callback["uuid"]}
    comment, callback = opened[low_comment["uuid"]], opened[low_callback["uuid"]]
    assert (comment.rating, comment.comment, comment.callback_requested) == (1, "Phải chờ hai giờ", False)
    assert (callback.rating, callback.comment, callback.callback_requested) == (3, None, True)
    assert comment.unit_id == case_world.units["C01"] and comment.status == "new"
    # The configured calendar (the next weekday off) and answer days (3), not the bundled ones.
    after_holiday = _next_weekday(holiday)
    assert (comment.opened_on, comment.acknowledge_due) == (today, after_holiday)
    assert comment.answer_due == _next_weekday(_next_weekday(after_holiday))


def test_the_case_is_stored_with_the_response_or_not_at_all(app, case_world):
    payload = _payload("C02", {"overall_rating": 1, "comment": "Không ai hướng dẫn"})
    with session_scope(app) as session:
        submit(session, payload, Caller(token=case_world.tokens["C02"]), now=FRIDAY)
        # In the same transaction, before any commit: the response and its case are both there.
        assert session.scalar(select(func.count(FeedbackCase.id))) == 1
        session.rollback()
    assert _cases_by_uuid(app) == {}
    with session_scope(app) as session:
        assert session.scalar(select(func.count(Response.id))) == 0
    with session_scope(app) as session:
        submit(session, payload, Caller(token=case_world.tokens["C02"]), now=FRIDAY)
    with session_scope(app) as session:
        again = submit(session, payload, Caller(token=case_world.tokens["C02"]), now=FRIDAY)
    assert again.status == "duplicate"
    assert list(_cases_by_uuid(app)) == [payload["uuid"]]


def test_a_run_of_submissions_in_one_transaction_opens_their_cases(app, case_world):
    """The demo's path: many submits sharing one SubmitCache in one transaction."""
    cache = SubmitCache()
    answers = [{"overall_rating": 1, "comment": "Chậm"}, {"overall_rating": 2, "comment": "Thiếu mẫu đơn"},
               {"overall_rating": 3, "comment": "Tạm được"}, {"overall_rating": 3}, {"overall_rating": 4},
               {"overall_rating": 5}]
    payloads = [_payload("C02", given) for given in answers]
    with session_scope(app) as session:
        for payload in payloads:
            submit(session, payload, Caller(token=case_world.tokens["C02"]), now=FRIDAY, cache=cache)
    opened = _cases_by_uuid(app)
    assert sorted(case.rating for case in opened.values()) == [1, 2, 3]
    assert set(opened) == {payload["uuid"] for payload in payloads[:3]}
