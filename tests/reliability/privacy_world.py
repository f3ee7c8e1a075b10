"""Personal data for the privacy tests: ratings with call-back phones at chosen times, listed surveys.

Shared by tests/reliability/test_privacy_*.py (on top of audit_world).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from survey.db.accounts import User
from survey.db.cases import FeedbackCase
from survey.db.fieldwork import (
    FieldSurvey,
    FrameUnitRow,
    ListingMember,
    ListingPersonal,
    RespondentDraw,
    SampleSelection,
    WeightingRun,
)
from survey.db.responses import Response
from survey.services import cases
from survey.web.database import session_scope

NOW = dt.datetime(2026, 6, 30, 3, 0, tzinfo=dt.UTC)
PEOPLE = [("Nguyễn Văn An", "Xóm 1, thôn Đông", "0912000001"),
          ("Trần Thị Bình", "Xóm 2, thôn Đông", "0912000002"),
          ("Lê Văn Cường", "Xóm 3, thôn Đông", "0912000003")]


def days_ago(days: float) -> dt.datetime:
    """Return the moment ``days`` before NOW."""
    return NOW - dt.timedelta(days=days)


def phone_rating(world, phone: str, received: dt.datetime, rating: int = 2) -> str:
    """Submit a rating asking for a call-back on ``phone``; return its uuid."""
    return world.rate("S01", {"overall_rating": rating, "callback_consent": "yes", "phone": phone}, received)


def close_case(app, world, key: str, closed: dt.datetime) -> int:
    """Answer and close the case of response ``key`` at ``closed``; return the case id."""
    with session_scope(app) as session:
        case = session.scalar(select(FeedbackCase).join(Response, Response.id == FeedbackCase.response_id)
                              .where(Response.uuid == key))
        manager = session.get(User, world.users["manager1"])
        cases.answer(session, case.id, manager, "Đã gọi lại và giải thích", now=closed)
        cases.close(session, case.id, manager, now=closed)
        return case.id


def listed_survey(app, code: str, last_activity: dt.datetime, weighted: bool) -> int:
    """Store a survey with one listed village of three people, one drawn; return the survey id."""
    with session_scope(app) as session:
        survey = FieldSurvey(code=code, name=f"Điều tra {code}", questionnaire_code="papi", status="drawn")
        session.add(survey)
        session.flush()
        village = FrameUnitRow(survey_id=survey.id, position=0, code=f"{code}-V1", name="Thôn Đông",
                               level="village")
        session.add(village)
        session.flush()
        selection = SampleSelection(survey_id=survey.id, stage=1, frame_unit_id=village.id, size=3.0,
                                    probability=1.0, overall_probability=1.0, group_units=1,
                                    group_selected=1, group_size=3.0)
        session.add(selection)
        session.flush()
        for position, (name, address, phone) in enumerate(PEOPLE):
            member = ListingMember(selection_id=selection.id, position=position)
            session.add(member)
            session.flush()
            session.add(ListingPersonal(member_id=member.id, name=name, address=address, phone=phone))
            if position == 0:
                session.add(RespondentDraw(selection_id=selection.id, member_id=member.id, draw_order=1,
                                           role="main", probability=1 / 3, status="refused",
                                           updated_at=last_activity))
        if weighted:
            session.add(WeightingRun(survey_id=survey.id, created_at=last_activity, settings_json="{}",
                                     diagnostics_json="{}"))
        return survey.id
