"""Which selected villages a supervisor sees: those filed under a unit inside the supervisor's scope.

A village is filed under the nearest unit of its frame ancestry that is an organisation unit (the unit
its interviews are stored under), so a supervisor of commune A sees the villages of commune A only.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db.fieldwork import FieldSurvey, FrameUnitRow, SampleSelection
from survey.db.organisation import Unit
from survey.services.sampling import design_of
from survey.services.units import by_code, is_within


def response_unit(session: Session, survey: FieldSurvey, frame_unit: FrameUnitRow) -> str | None:
    """Return the code of the unit an interview is filed under: the nearest frame ancestor that is a unit."""
    code = frame_unit.code
    while code is not None:
        unit = by_code(session, code)
        if unit is not None:
            return unit.code
        parent = session.scalars(select(FrameUnitRow.parent_code).where(
            FrameUnitRow.survey_id == survey.id, FrameUnitRow.code == code)).first()
        code = parent
    if survey.province_unit_id is not None:
        return session.get(Unit, survey.province_unit_id).code
    return None


def visible_selections(session: Session, survey: FieldSurvey, scope_unit_id: int | None) -> set[int] | None:
    """Return the ids of the last-stage selections within the scope (None: no limit, for admins)."""
    if scope_unit_id is None:
        return None
    last = len(design_of(survey).stages)
    rows = session.execute(
        select(SampleSelection.id, FrameUnitRow)
        .join(FrameUnitRow, SampleSelection.frame_unit_id == FrameUnitRow.id)
        .where(SampleSelection.survey_id == survey.id, SampleSelection.stage == last)).all()
    visible = set()
    for selection_id, frame_unit in rows:
        code = response_unit(session, survey, frame_unit)
        unit = by_code(session, code) if code else None
        if unit is not None and is_within(session, unit.id, scope_unit_id):
            visible.add(selection_id)
    return visible


def within(visible: set[int] | None, selection_id: int) -> bool:
    """Whether a selection is in the visible set (None: everything is visible)."""
    return visible is None or selection_id in visible


def selection_visible(session: Session, selection_id: int, scope_unit_id: int | None) -> bool:
    """Whether one last-stage selection lies within the scope."""
    if scope_unit_id is None:
        return True
    survey = session.get(FieldSurvey, session.get(SampleSelection, selection_id).survey_id)
    return selection_id in visible_selections(session, survey, scope_unit_id)
