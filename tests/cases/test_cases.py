"""Cases open from low ratings with a comment or call-back, once; statuses, scope, phones, overdue lists."""

from __future__ import annotations

import datetime as dt

import pytest
from case_world import ICT, PHONE
from sqlalchemy import delete, func, select

from survey.db.accounts import User
from survey.db.cases import FeedbackCase
from survey.db.responses import Response
from survey.domain.periods import Period
from survey.domain.workdays import parse_calendar
from survey.services import cases
from survey.services.cases_queries import CaseFilter, list_cases
from survey.web.database import session_scope

# Friday 13 February 2026, 10:00 in Viet Nam: the last working day before Tết.
FRIDAY = dt.datetime(2026, 2, 13, 10, 0, tzinfo=ICT)
POLICY = cases.CasePolicy()


def _case_of(session, key):
    return session.scalar(select(FeedbackCase).join(Response, Response.id == FeedbackCase.response_id)
                          .where(Response.uuid == key))


def _ratings(world):
    """Submit six ratings; return their uuids by what they should give."""
    return {
        "comment": world.rate("S01", {"overall_rating": 2, "comment": "Chờ quá lâu"}, FRIDAY),
        "callback": world.rate("C01", {"overall_rating": 3, "callback_consent": "yes", "phone": PHONE},
                               FRIDAY),
        "bare_low": world.rate("C01", {"overall_rating": 1, "problem_elements": ["staff"]}, FRIDAY),
        "high_callback": world.rate("C01", {"overall_rating": 5, "callback_consent": "yes",
                                            "phone": PHONE}, FRIDAY),
        "declined": world.rate("C02", {"overall_rating": 1, "callback_consent": "no",
                                       "comment": "  "}, FRIDAY),
        "other": world.rate("C02", {"overall_rating": 1, "comment": "Thái độ không tốt"}, FRIDAY),
    }


def test_submission_opens_exactly_the_qualifying_cases_once(app, case_world):
    keys = _ratings(case_world)
    with session_scope(app) as session:
        assert cases.sync(session, POLICY) == 0
        assert session.scalar(select(func.count(FeedbackCase.id))) == 3
        comment = _case_of(session, keys["comment"])
        assert (comment.rating, comment.rating_item, comment.comment, comment.callback_requested) == (
            2, "overall_rating", "Chờ quá lâu", False)
        assert comment.unit_id == case_world.units["S01"] and comment.status == "new"
        callback = _case_of(session, keys["callback"])
        assert (callback.rating, callback.comment, callback.callback_requested) == (3, None, True)
        for key in ("bare_low", "high_callback", "declined"):
            assert _case_of(session, key) is None
        response_id = session.scalar(select(Response.id).where(Response.uuid == keys["comment"]))
        assert cases.open_for_response(session, response_id, POLICY).id == comment.id
        assert session.scalar(select(func.count(FeedbackCase.id))) == 3


def test_sync_backfills_responses_stored_without_their_case(app, case_world):
    keys = _ratings(case_world)
    with session_scope(app) as session:
        session.execute(delete(FeedbackCase))  # as data stored before cases opened at submission
    with session_scope(app) as session:
        assert cases.sync(session, POLICY) == 3
    with session_scope(app) as session:
        assert cases.sync(session, POLICY) == 0
        assert {name for name, key in keys.items() if _case_of(session, key)} == {"comment", "callback", "other"}


def test_open_for_response_returns_the_case_the_submission_opened(app, case_world):
    key = case_world.rate("S01", {"overall_rating": 2, "comment": "Thiếu hướng dẫn"}, FRIDAY)
    with session_scope(app) as session:
        response_id = session.scalar(select(Response.id).where(Response.uuid == key))
        first = cases.open_for_response(session, response_id, POLICY)
        again = cases.open_for_response(session, response_id, POLICY)
        assert first is not None and again.id == first.id


def test_deadlines_count_working_days_from_the_day_received(app, case_world):
    key = case_world.rate("S01", {"overall_rating": 2, "comment": "x"}, FRIDAY)
    with session_scope(app) as session:
        cases.sync(session, POLICY)
        case = _case_of(session, key)
        # Tết runs Monday 16 to Friday 20 February 2026: the next working day is Monday 23.
        assert case.opened_on == dt.date(2026, 2, 13)
        assert case.acknowledge_due == dt.date(2026, 2, 23)
        assert case.answer_due == dt.date(2026, 3, 2)


def test_configured_deadlines_and_holidays(app, case_world, tmp_path):
    holidays = tmp_path / "holidays.yaml"
    holidays.write_text("years:\n  2026:\n    holidays: [2026-02-16]\n", encoding="utf-8")
    policy = cases.policy_from_settings({"HOLIDAYS_FILE": str(holidays), "CASE_ACKNOWLEDGE_DAYS": "2",
                                         "CASE_ANSWER_DAYS": 10})
    key = case_world.rate("S01", {"overall_rating": 2, "comment": "x"}, FRIDAY, policy)
    with session_scope(app) as session:
        case = _case_of(session, key)
        assert case.acknowledge_due == dt.date(2026, 2, 18)   # 17, 18 (16 is the only holiday)
        assert case.answer_due == dt.date(2026, 3, 2)         # 17-20, 23-27, 2 March


def _user(session, world, name):
    return session.get(User, world.users[name])


def test_statuses_in_order_with_time_and_staff(app, case_world):
    keys = _ratings(case_world)
    with session_scope(app) as session:
        cases.sync(session, POLICY)
        case_id = _case_of(session, keys["callback"]).id
    manager = case_world.users["manager1"]
    steps = [dt.datetime(2026, 2, 23, 2, tzinfo=dt.UTC) + dt.timedelta(hours=h) for h in range(4)]
    with session_scope(app) as session:
        user = _user(session, case_world, "manager1")
        with pytest.raises(cases.CaseError) as error:
            cases.close(session, case_id, user)
        assert error.value.code == "wrong_status"
        cases.acknowledge(session, case_id, user, now=steps[0])
        with pytest.raises(cases.CaseError) as error:
            cases.answer(session, case_id, user, "   ")
        assert error.value.code == "answer_required"
        cases.answer(session, case_id, user, "Đã bố trí thêm cán bộ.", now=steps[1])
        cases.mark_communicated(session, case_id, user, now=steps[2])
        cases.close(session, case_id, user, now=steps[3])
    with session_scope(app) as session:
        case = session.get(FeedbackCase, case_id)
        assert case.status == "closed" and case.answer_text == "Đã bố trí thêm cán bộ."
        assert (case.acknowledged_at, case.answered_at, case.communicated_at, case.closed_at) == tuple(steps)
        assert {case.acknowledged_by, case.answered_by, case.communicated_by, case.closed_by} == {manager}
        with pytest.raises(cases.CaseError) as error:
            cases.acknowledge(session, case_id, _user(session, case_world, "manager1"))
        assert error.value.code == "wrong_status"


def test_answering_a_new_case_acknowledges_it(app, case_world):
    keys = _ratings(case_world)
    with session_scope(app) as session:
        cases.sync(session, POLICY)
        case = _case_of(session, keys["comment"])
        cases.answer(session, case.id, _user(session, case_world, "admin"), "Xin lỗi ông/bà.")
        assert case.status == "answered" and case.acknowledged_at == case.answered_at
        with pytest.raises(cases.CaseError) as error:
            cases.mark_communicated(session, case.id, _user(session, case_world, "admin"))
        assert error.value.code == "no_callback"


@pytest.mark.parametrize("name", ["analyst", "manager2", "supervisor"])
def test_only_the_units_managers_act(app, case_world, name):
    keys = _ratings(case_world)
    with session_scope(app) as session:
        cases.sync(session, POLICY)
        case_id = _case_of(session, keys["comment"]).id
    with session_scope(app) as session:
        with pytest.raises(cases.CaseError) as error:
            cases.acknowledge(session, case_id, _user(session, case_world, name))
        assert error.value.code == "forbidden"


def test_phone_is_read_from_personal_data_and_hidden_once_purged(app, case_world):
    keys = _ratings(case_world)
    with session_scope(app) as session:
        cases.sync(session, POLICY)
        callback, comment = _case_of(session, keys["callback"]), _case_of(session, keys["comment"])
        assert cases.phone_of(session, callback) == PHONE
        assert cases.phone_of(session, comment) is None
        assert PHONE not in repr(callback.__dict__)
        from survey.db.responses import PiiAnswer

        pii = session.scalars(select(PiiAnswer).where(PiiAnswer.response_id == callback.response_id)).one()
        pii.purged_at, pii.value_text = FRIDAY, None
        session.flush()
        assert cases.phone_of(session, callback) is None


def test_lists_filter_by_scope_status_and_overdue(app, case_world):
    keys = _ratings(case_world)
    with session_scope(app) as session:
        cases.sync(session, POLICY)
        cases.acknowledge(session, _case_of(session, keys["callback"]).id,
                          _user(session, case_world, "manager1"))
    with session_scope(app) as session:
        c01 = case_world.units["C01"]
        mine = list_cases(session, c01, CaseFilter(), dt.date(2026, 2, 23))
        assert {row.unit_code for row in mine} == {"S01", "C01"} and len(mine) == 2
        assert all(row.overdue is None for row in mine)
        late = list_cases(session, None, CaseFilter(overdue_only=True), dt.date(2026, 2, 24))
        assert {(row.unit_code, row.overdue) for row in late} == {("S01", "acknowledge"),
                                                                   ("C02", "acknowledge")}
        later = list_cases(session, None, CaseFilter(overdue_only=True), dt.date(2026, 3, 3))
        assert {row.overdue for row in later} == {"answer"} and len(later) == 3
        acknowledged = list_cases(session, None, CaseFilter(status="acknowledged"), dt.date(2026, 3, 3))
        assert [row.unit_code for row in acknowledged] == ["C01"]
        assert list_cases(session, None, CaseFilter(period=Period.parse("2026-Q2")), dt.date(2026, 3, 3)) == []
        assert len(list_cases(session, c01, CaseFilter(unit_id=case_world.units["S01"]),
                              dt.date(2026, 3, 3))) == 1


def test_a_calendar_file_error_is_reported(tmp_path):
    from survey.domain.workdays import CalendarError

    bad = tmp_path / "bad.yaml"
    bad.write_text("years: [", encoding="utf-8")
    with pytest.raises(CalendarError):
        cases.policy_from_settings({"HOLIDAYS_FILE": str(bad)})
    assert parse_calendar("years: {}").is_working_day(dt.date(2030, 1, 2))
