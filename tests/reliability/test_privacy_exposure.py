"""Personal data stays apart: never in answers, raw submissions, exports, analysis or public pages,
and visible only to the roles that need it."""

from __future__ import annotations

import datetime as dt

import pytest
from audit_world import PHONE, audit_world_fixture, log_in  # noqa: F401  (a fixture)
from privacy_world import PEOPLE, listed_survey
from sqlalchemy import select

from survey.db.cases import FeedbackCase
from survey.db.fieldwork import FieldSurvey
from survey.db.responses import Answer, PiiAnswer, Response
from survey.services import questionnaires, sampling
from survey.services.exports import ExportRequest
from survey.services.exports_files import write_export
from survey.services.reporting import publication
from survey.services.sampling_export import export_sample
from survey.web.database import session_scope

TODAY = dt.datetime.now(dt.UTC)
PERIOD = f"{TODAY.year}"


@pytest.fixture
def rated(app, audit_world) -> dict:
    """Publish the kiosk form and store 40 ratings, one with a call-back phone; return ids."""
    with session_scope(app) as session:
        questionnaires.publish(session, "kiosk", "2026.1")
        publication.publish(session, "kiosk", audit_world.units["C01"], PERIOD)
    key = audit_world.rate("S01", {"overall_rating": 2, "callback_consent": "yes", "phone": PHONE}, TODAY)
    for i in range(39):
        audit_world.rate("S01", {"overall_rating": 4 + i % 2}, TODAY)
    with session_scope(app) as session:
        response_id = session.scalar(select(Response.id).where(Response.uuid == key))
        case_id = session.scalar(select(FeedbackCase.id).where(FeedbackCase.response_id == response_id))
    return {"response_id": response_id, "case_id": case_id}


def test_the_phone_is_stored_apart_and_not_in_the_raw_submission(app, rated):
    with session_scope(app) as session:
        response = session.get(Response, rated["response_id"])
        assert PHONE not in response.raw_json and '"phone"' not in response.raw_json
        texts = session.scalars(select(Answer.value_text).where(Answer.response_id == response.id)).all()
        assert PHONE not in texts
        assert session.scalar(select(Answer).where(Answer.item_code == "phone")) is None
        assert session.get(PiiAnswer, (response.id, "phone")).value_text == PHONE


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_analyst_exports_leave_the_phone_out(app, rated, tmp_path, file_format):
    path = tmp_path / f"kiosk.{file_format}"
    with session_scope(app) as session:
        assert write_export(session, ExportRequest("kiosk"), file_format, path) == 40
    if file_format == "csv":
        text = path.read_text(encoding="utf-8")
    else:
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        text = "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True)
                         for cell in row)
        book.close()
    assert PHONE not in text and "phone" not in text.split("\n")[0].lower().split(",")


def test_analysis_and_public_pages_never_show_the_phone(app, audit_world, rated, client):
    public = client.get(f"/cong-khai/C01/{PERIOD}")
    assert public.status_code == 200 and PHONE not in public.get_data(as_text=True)
    log_in(client, "analyst")
    for path in ("/analyst/", "/analyst/trends", "/analyst/league", "/analyst/targets",
                 f"/cases/{rated['case_id']}", "/cases/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert PHONE not in response.get_data(as_text=True), path


@pytest.mark.parametrize(("user", "sees"), [("admin", True), ("manager1", True), ("analyst", False)])
def test_the_case_phone_is_shown_only_to_the_units_managers(app, audit_world, rated, client, user, sees):
    log_in(client, user)
    response = client.get(f"/cases/{rated['case_id']}")
    assert response.status_code == 200
    assert (PHONE in response.get_data(as_text=True)) is sees


def test_a_manager_of_another_unit_cannot_open_the_case(app, audit_world, rated, client):
    log_in(client, "manager2")
    response = client.get(f"/cases/{rated['case_id']}")
    assert response.status_code in (403, 404) and PHONE not in response.get_data(as_text=True)


def test_the_sample_export_holds_no_names_addresses_or_phones(app, audit_world, tmp_path):
    listed_survey(app, "papi-2026", TODAY, weighted=False)
    with session_scope(app) as session:
        survey = session.scalar(select(FieldSurvey).where(FieldSurvey.code == "papi-2026"))
        rows = sampling.sample_respondents(session, survey)
        assert rows and not {"name", "address", "phone"} & set(rows[0])
        export_sample(session, survey, str(tmp_path / "sample.csv"), "csv")
    text = (tmp_path / "sample.csv").read_text(encoding="utf-8")
    for name, address, phone in PEOPLE:
        assert name not in text and address not in text and phone not in text
