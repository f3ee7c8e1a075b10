"""What an enrolled tablet downloads: villages (and which to list), respondents, back-checks, send-backs, forms.

Names and addresses are personal data: they leave the server only here, only for the villages
assigned to the enumerator the device token belongs to, and they are never exported.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db.accounts import User
from survey.db.fieldwork import (
    FieldSurvey,
    FrameUnitRow,
    ListingMember,
    ListingPersonal,
    RespondentDraw,
    SampleSelection,
)
from survey.db.interviews import Backcheck, FieldAssignment, SendBack
from survey.db.responses import Response
from survey.services import questionnaires
from survey.services.fieldwork_listing import needs_listing
from survey.services.fieldwork_scope import response_unit

BACKCHECK_QUESTIONNAIRE = "backcheck"


def form_package(session: Session, code: str) -> dict[str, Any]:
    """Return the newest published version of a questionnaire with its document (expression trees included)."""
    row, _ = questionnaires.get(session, code)
    return {"code": row.code, "version": row.version, "hash": row.content_hash,
            "document": json.loads(row.document)}


def _respondents(session: Session, selection_id: int) -> list[dict[str, Any]]:
    """Return a village's drawn respondents in draw order, with names and addresses."""
    query = (select(RespondentDraw, ListingMember.position, ListingPersonal.name, ListingPersonal.address)
             .join(ListingMember, RespondentDraw.member_id == ListingMember.id)
             .outerjoin(ListingPersonal, ListingPersonal.member_id == ListingMember.id)
             .where(RespondentDraw.selection_id == selection_id).order_by(RespondentDraw.draw_order))
    return [{"draw_id": d.id, "order": d.draw_order, "role": d.role, "status": d.status,
             "listing_position": position + 1, "name": name, "address": address,
             "response_uuid": d.response_uuid}
            for d, position, name, address in session.execute(query).all()]


def _answers(session: Session, uuid: str) -> dict[str, Any]:
    """Return the answers of a stored response as the client sent them (personal data removed)."""
    raw = session.scalars(select(Response.raw_json).where(Response.uuid == uuid)).one()
    return json.loads(raw).get("answers", {})


def _village(session: Session, selection: SampleSelection) -> tuple[FieldSurvey, FrameUnitRow]:
    """Return a selected village's survey and frame row."""
    return session.get(FieldSurvey, selection.survey_id), session.get(FrameUnitRow, selection.frame_unit_id)


def download(session: Session, user: User) -> dict[str, Any]:
    """Return everything the enumerator's tablet needs to work offline."""
    villages, forms = [], {}
    for assignment in session.scalars(select(FieldAssignment).where(FieldAssignment.enumerator_id == user.id)
                                      .order_by(FieldAssignment.id)):
        selection = session.get(SampleSelection, assignment.selection_id)
        survey, frame_unit = _village(session, selection)
        forms.setdefault(survey.questionnaire_code, form_package(session, survey.questionnaire_code))
        villages.append({"survey": survey.code, "village_code": frame_unit.code,
                         "village_name": frame_unit.name, "unit": response_unit(session, survey, frame_unit),
                         "questionnaire": survey.questionnaire_code,
                         "listing_needed": needs_listing(session, selection.id),
                         "respondents": _respondents(session, selection.id)})
    by_draw = {r["draw_id"]: (v, r) for v in villages for r in v["respondents"]}
    backchecks = []
    for check in session.scalars(select(Backcheck).where(Backcheck.checker_id == user.id,
                                                         Backcheck.backcheck_uuid.is_(None))):
        draw = session.get(RespondentDraw, check.draw_id)
        survey, frame_unit = _village(session, session.get(SampleSelection, draw.selection_id))
        person = session.get(ListingPersonal, draw.member_id)
        forms.setdefault(BACKCHECK_QUESTIONNAIRE, form_package(session, BACKCHECK_QUESTIONNAIRE))
        backchecks.append({"backcheck_id": check.id, "response_uuid": check.response_uuid,
                           "village_code": frame_unit.code, "village_name": frame_unit.name,
                           "unit": response_unit(session, survey, frame_unit),
                           "name": person.name if person else None,
                           "address": person.address if person else None})
    sendbacks = [{"sendback_id": s.id, "draw_id": s.draw_id, "response_uuid": s.response_uuid,
                  "comment": s.comment, "answers": _answers(session, s.response_uuid)}
                 for s in session.scalars(select(SendBack).where(SendBack.revision_uuid.is_(None)))
                 if s.draw_id in by_draw]
    return {"enumerator": {"username": user.username, "name": user.display_name},
            "villages": villages, "backchecks": backchecks, "sendbacks": sendbacks, "forms": forms}
