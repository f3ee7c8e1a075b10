"""The case pages: lists within scope, phones for managers only, status steps as POST forms with CSRF."""

from __future__ import annotations

import datetime as dt

import pytest
from case_world import ICT, PHONE
from sqlalchemy import select

from survey.db.cases import FeedbackCase
from survey.db.responses import Response
from survey.services import cases
from survey.web.database import session_scope

WHEN = dt.datetime(2026, 3, 2, 10, 0, tzinfo=ICT)


@pytest.fixture
def opened(app, case_world):
    """Open three cases (S01 with a call-back and phone, C01 with a comment, C02); return their ids."""
    keys = {
        "callback": case_world.rate("S01", {"overall_rating": 3, "callback_consent": "yes", "phone": PHONE,
                                            "comment": "Gọi lại giúp tôi"}, WHEN),
        "comment": case_world.rate("C01", {"overall_rating": 2, "comment": "Chờ lâu"}, WHEN),
        "other": case_world.rate("C02", {"overall_rating": 1, "comment": "Phường Hai chậm"}, WHEN),
    }
    with session_scope(app) as session:
        cases.sync(session, cases.CasePolicy())
        return {name: session.scalar(select(FeedbackCase.id).join(Response).where(Response.uuid == key))
                for name, key in keys.items()}


def _page(client, path, **params):
    response = client.get(path, query_string=params)
    return response.status_code, response.get_data(as_text=True)


def test_anonymous_and_other_roles_are_kept_out(staff_login, client, case_world, opened):
    assert client.get("/cases/").status_code == 302
    staff_login.log_in(client, "supervisor")
    assert client.get("/cases/").status_code == 403
    assert client.get(f"/cases/{opened['comment']}").status_code == 403


def test_a_manager_lists_the_cases_of_their_commune(staff_login, client, case_world, opened):
    staff_login.log_in(client, "manager1")
    status, page = _page(client, "/cases/")
    assert status == 200
    assert "Chờ lâu" in page and "Gọi lại giúp tôi" in page and "Phường Hai chậm" not in page
    assert PHONE not in page
    assert _page(client, "/cases/", unit="C02")[0] == 404
    assert "Chờ lâu" not in _page(client, "/cases/", unit="S01")[1]


def test_overdue_filter_and_response_times(staff_login, client, case_world, opened, monkeypatch):
    import survey.web.cases as views

    monkeypatch.setattr(views, "_today", lambda: dt.date(2026, 3, 4))
    staff_login.log_in(client, "analyst")
    status, page = _page(client, "/cases/", overdue="y", period="2026-Q1")
    assert status == 200
    assert page.count('class="overdue"') == 3
    assert "Phường Hai chậm" in page
    assert _page(client, "/cases/", period="2026-Q7")[0] == 200


def test_the_phone_is_shown_to_the_units_manager_only(staff_login, client, app, case_world, opened):
    staff_login.log_in(client, "manager1")
    status, page = _page(client, f"/cases/{opened['callback']}")
    assert status == 200 and PHONE in page
    other = app.test_client()
    staff_login.log_in(other, "analyst")
    status, page = _page(other, f"/cases/{opened['callback']}")
    assert status == 200 and PHONE not in page and "Gọi lại giúp tôi" in page
    assert "/acknowledge\"" not in page and "/answer\"" not in page


def test_a_manager_of_another_commune_gets_404(staff_login, client, case_world, opened):
    staff_login.log_in(client, "manager2")
    assert client.get(f"/cases/{opened['comment']}").status_code == 404
    token = staff_login.csrf_token(client, f"/cases/{opened['other']}")
    response = client.post(f"/cases/{opened['comment']}/acknowledge", data={"csrf_token": token})
    assert response.status_code == 404


def test_status_steps_through_the_forms(staff_login, client, app, case_world, opened):
    staff_login.log_in(client, "manager1")
    path = f"/cases/{opened['callback']}"
    assert client.post(f"{path}/acknowledge").status_code == 400  # no CSRF token

    def step(action: str, **data) -> int:
        """Post one step's form with the page's CSRF token; return the status code."""
        return client.post(f"{path}/{action}", data={"csrf_token": staff_login.csrf_token(client, path),
                                                      **data}).status_code

    assert step("acknowledge") == 302
    assert step("answer", text="") == 400
    assert step("answer", text="Đã liên hệ và giải quyết.") == 302
    assert step("communicated") == 302
    assert step("close") == 302
    assert step("close") == 409
    assert step("explode") == 404
    with session_scope(app) as session:
        case = session.get(FeedbackCase, opened["callback"])
        assert case.status == "closed" and case.answer_text == "Đã liên hệ và giải quyết."
        assert case.communicated_at is not None and case.closed_by == case_world.users["manager1"]
    page = _page(client, path)[1]
    assert "Đã liên hệ và giải quyết." in page and "Manager1" in page


def test_an_analyst_cannot_take_steps(staff_login, client, case_world, opened):
    staff_login.log_in(client, "analyst")
    path = f"/cases/{opened['comment']}"
    response = client.post(f"{path}/acknowledge", data={"csrf_token": staff_login.csrf_token(client, path)})
    assert response.status_code == 403
