"""Household survey rounds: frame import, design, reproducible draws, listings and respondent draws.

Every function works inside the caller's session and commits nothing: the command or view that
calls it commits, so a failing import or draw leaves no trace.
"""

from __future__ import annotations

import json
import secrets

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from survey.db.base import utcnow
from survey.db.fieldwork import (
    DRAW_STATUSES,
    FieldSurvey,
    FrameUnitRow,
    ListingMember,
    ListingPersonal,
    RespondentDraw,
    SampleSelection,
)
from survey.domain.sampling import SamplingError, draw_respondents
from survey.domain.sampling_design import DesignSpec, Frame, FrameUnit, draw_stages
from survey.services.units import by_code


def create_survey(session: Session, code: str, name: str, questionnaire_code: str,
                  province_code: str | None = None) -> FieldSurvey:
    """Create a survey round; the province (a unit code) is optional."""
    if session.scalars(select(FieldSurvey).where(FieldSurvey.code == code)).first():
        raise SamplingError("exists", f"cuộc khảo sát {code} đã tồn tại", f"survey {code} already exists")
    province = None
    if province_code:
        province = by_code(session, province_code)
        if province is None:
            raise SamplingError("unknown_unit", f"không có đơn vị {province_code}",
                                f"no unit {province_code}")
    survey = FieldSurvey(code=code, name=name, questionnaire_code=questionnaire_code,
                         province_unit_id=province.id if province else None, status="frame")
    session.add(survey)
    session.flush()
    return survey


def get_survey(session: Session, code: str) -> FieldSurvey:
    """Return the survey round ``code`` or raise."""
    survey = session.scalars(select(FieldSurvey).where(FieldSurvey.code == code)).first()
    if survey is None:
        raise SamplingError("unknown_survey", f"không có cuộc khảo sát {code}", f"no survey {code}")
    return survey


def _refuse_if_drawn(survey: FieldSurvey) -> None:
    if survey.status == "drawn":
        raise SamplingError("already_drawn", f"{survey.code}: mẫu đã được rút, không thể thay đổi",
                            f"{survey.code}: the sample is drawn and cannot be changed")


def import_frame(session: Session, survey: FieldSurvey, units: list[FrameUnit]) -> int:
    """Replace the survey's frame with ``units`` (refused once the sample is drawn)."""
    _refuse_if_drawn(survey)
    Frame(units)
    session.execute(delete(FrameUnitRow).where(FrameUnitRow.survey_id == survey.id))
    session.add_all(FrameUnitRow(
        survey_id=survey.id, position=position, code=u.code, name=u.name, parent_code=u.parent,
        level=u.level, population=u.population, households=u.households, urban=u.urban,
        certainty=u.certainty, stratum=u.stratum) for position, u in enumerate(units))
    survey.status = "frame" if survey.design_json is None else survey.status
    session.flush()
    return len(units)


def load_frame(session: Session, survey: FieldSurvey) -> Frame:
    """Return the survey's frame in import order."""
    rows = session.scalars(select(FrameUnitRow).where(FrameUnitRow.survey_id == survey.id)
                           .order_by(FrameUnitRow.position)).all()
    if not rows:
        raise SamplingError("no_frame", f"{survey.code}: chưa nhập khung mẫu",
                            f"{survey.code}: no frame imported yet")
    return Frame([FrameUnit(r.code, r.name, r.parent_code, r.level, r.population, r.households,
                            r.urban, r.certainty, r.stratum) for r in rows])


def set_design(session: Session, survey: FieldSurvey, spec: dict, root: str | None = None) -> DesignSpec:
    """Validate ``spec`` against the frame and store it with the root the first stage starts from."""
    _refuse_if_drawn(survey)
    design = DesignSpec.from_dict(spec)
    frame = load_frame(session, survey)
    if root is not None and root not in frame.units:
        raise SamplingError("unknown_root", f"mã gốc {root} không có trong khung",
                            f"root code {root} is not in the frame")
    levels = {unit.level for unit in frame.units.values()}
    for stage in design.stages:
        if stage.level not in levels:
            raise SamplingError("unknown_level", f"khung không có cấp {stage.level}",
                                f"the frame has no level {stage.level}")
    survey.design_json = json.dumps(design.to_dict(), ensure_ascii=False, sort_keys=True)
    survey.frame_root = root
    survey.status = "designed"
    return design


def design_of(survey: FieldSurvey) -> DesignSpec:
    """Return the stored design of a survey."""
    if survey.design_json is None:
        raise SamplingError("no_design", f"{survey.code}: chưa có thiết kế mẫu",
                            f"{survey.code}: no design yet")
    return DesignSpec.from_dict(json.loads(survey.design_json))


def draw(session: Session, survey: FieldSurvey, seed: int | None = None) -> list[SampleSelection]:
    """Draw every stage once with ``seed`` (a new random one when None) and record it."""
    _refuse_if_drawn(survey)
    spec = design_of(survey)
    frame = load_frame(session, survey)
    seed = secrets.randbits(62) if seed is None else int(seed)
    selections = draw_stages(frame, spec, survey.frame_root, np.random.default_rng(seed))
    ids = dict(session.execute(select(FrameUnitRow.code, FrameUnitRow.id)
                               .where(FrameUnitRow.survey_id == survey.id)).all())
    stored: dict[str, SampleSelection] = {}
    for selection in selections:
        parent = stored.get(selection.parent) if selection.parent else None
        row = SampleSelection(
            survey_id=survey.id, stage=selection.stage, frame_unit_id=ids[selection.code],
            stratum=selection.stratum, size=selection.size, probability=selection.probability,
            overall_probability=selection.probability * (parent.overall_probability if parent else 1.0),
            certainty=selection.certainty, group_units=selection.group_units,
            group_selected=selection.group_selected, group_size=selection.group_size)
        if parent is not None:
            row.parent_id = parent.id
        session.add(row)
        session.flush()
        stored[selection.code] = row
    survey.seed, survey.status, survey.drawn_at = seed, "drawn", utcnow()
    return list(stored.values())


def last_stage_selection(session: Session, survey: FieldSurvey, code: str) -> SampleSelection:
    """Return the selection of a last-stage unit (a village) by its frame code."""
    last = len(design_of(survey).stages)
    selection = session.scalars(
        select(SampleSelection).join(FrameUnitRow, SampleSelection.frame_unit_id == FrameUnitRow.id)
        .where(SampleSelection.survey_id == survey.id, FrameUnitRow.code == code,
               SampleSelection.stage == last)).first()
    if selection is None:
        raise SamplingError("not_selected", f"{code} không phải là đơn vị được chọn ở giai đoạn cuối",
                            f"{code} is not a selected unit of the last stage")
    return selection


def import_listing(session: Session, survey: FieldSurvey, village_code: str,
                   people: list[tuple], source: str = "import") -> int:
    """Store a selected village's listing, (name, address[, household size, phone]) per member.

    Refused once its respondents are drawn.
    """
    selection = last_stage_selection(session, survey, village_code)
    drawn = session.scalar(select(func.count()).select_from(RespondentDraw)
                           .where(RespondentDraw.selection_id == selection.id))
    if drawn:
        raise SamplingError("listing_drawn", f"{village_code}: đã rút người trả lời từ danh sách này",
                            f"{village_code}: respondents were already drawn from this listing")
    session.execute(delete(ListingMember).where(ListingMember.selection_id == selection.id))
    people = [tuple(person) + (None, None) for person in people]
    members = [ListingMember(selection_id=selection.id, position=position, source=source,
                             household_size=person[2]) for position, person in enumerate(people)]
    session.add_all(members)
    session.flush()
    session.add_all(ListingPersonal(member_id=member.id, name=person[0], address=person[1] or None,
                                    phone=person[3] or None)
                    for member, person in zip(members, people))
    session.flush()
    return len(people)


def draw_village_respondents(session: Session, survey: FieldSurvey, village_code: str) -> list[RespondentDraw]:
    """Draw the village's respondents (main sample, then ordered replacements) from its listing.

    The generator is seeded from the survey seed and the village's position in the frame file,
    so the draw is reproducible (on any database) and independent of the order of villages.
    """
    selection = last_stage_selection(session, survey, village_code)
    if session.scalar(select(func.count()).select_from(RespondentDraw)
                      .where(RespondentDraw.selection_id == selection.id)):
        raise SamplingError("already_drawn", f"{village_code}: đã rút người trả lời",
                            f"{village_code}: respondents already drawn")
    members = session.scalars(select(ListingMember).where(ListingMember.selection_id == selection.id)
                              .order_by(ListingMember.position)).all()
    rule = design_of(survey).respondents
    position = session.get(FrameUnitRow, selection.frame_unit_id).position
    rng = np.random.default_rng([survey.seed, position])
    result = draw_respondents(len(members), rule.drawn, rule.quota, rule.method, rng)
    draws = [RespondentDraw(selection_id=selection.id, member_id=members[position].id,
                            draw_order=order, role="main" if order <= result.quota else "replacement",
                            probability=result.probability, status="pending")
             for order, position in enumerate(result.order, start=1)]
    session.add_all(draws)
    session.flush()
    return draws


def record_outcome(session: Session, draw_id: int, status: str, response_uuid: str | None = None) -> None:
    """Record a drawn person's fieldwork outcome; a completed interview names its response UUID."""
    if status not in DRAW_STATUSES:
        raise SamplingError("status", f"trạng thái không hợp lệ: {status}", f"unknown status: {status}")
    if (status == "completed") != (response_uuid is not None):
        raise SamplingError("response_uuid", "chỉ phỏng vấn hoàn thành mới có mã phản hồi",
                            "exactly the completed interviews carry a response UUID")
    row = session.get(RespondentDraw, draw_id)
    if row is None:
        raise SamplingError("unknown_draw", f"không có lượt rút {draw_id}", f"no draw {draw_id}")
    row.status, row.response_uuid, row.updated_at = status, response_uuid, utcnow()
    session.flush()


def sample_units(session: Session, survey: FieldSurvey) -> list[dict]:
    """Return the selected units, stage by stage in frame order, as rows for export."""
    parent = FrameUnitRow.__table__.alias("parent_unit")
    parent_selection = SampleSelection.__table__.alias("parent_selection")
    query = (select(SampleSelection, FrameUnitRow, parent.c.code)
             .join(FrameUnitRow, SampleSelection.frame_unit_id == FrameUnitRow.id)
             .outerjoin(parent_selection, SampleSelection.parent_id == parent_selection.c.id)
             .outerjoin(parent, parent_selection.c.frame_unit_id == parent.c.id)
             .where(SampleSelection.survey_id == survey.id)
             .order_by(SampleSelection.stage, FrameUnitRow.position))
    return [{"stage": s.stage, "level": u.level, "code": u.code, "name": u.name,
             "selected_parent": parent_code or "", "stratum": s.stratum, "size": s.size,
             "urban": "" if u.urban is None else ("urban" if u.urban else "rural"),
             "certainty": s.certainty or "", "probability": s.probability,
             "overall_probability": s.overall_probability, "group_units": s.group_units,
             "group_selected": s.group_selected}
            for s, u, parent_code in session.execute(query).all()]


def sample_respondents(session: Session, survey: FieldSurvey) -> list[dict]:
    """Return every respondent draw without personal data (listing position, order, role, status)."""
    query = (select(FrameUnitRow.code, ListingMember.position, RespondentDraw)
             .join(SampleSelection, RespondentDraw.selection_id == SampleSelection.id)
             .join(FrameUnitRow, SampleSelection.frame_unit_id == FrameUnitRow.id)
             .join(ListingMember, RespondentDraw.member_id == ListingMember.id)
             .where(SampleSelection.survey_id == survey.id)
             .order_by(FrameUnitRow.position, RespondentDraw.draw_order))
    return [{"village_code": code, "listing_position": position + 1, "draw_order": d.draw_order,
             "role": d.role, "probability": d.probability, "status": d.status}
            for code, position, d in session.execute(query).all()]


def villages_with_listing(session: Session, survey: FieldSurvey) -> list[str]:
    """Return the codes of selected last-stage units that have a listing but no respondent draw yet."""
    last = len(design_of(survey).stages)
    listed = select(ListingMember.selection_id).distinct()
    drawn = select(RespondentDraw.selection_id).distinct()
    return list(session.scalars(
        select(FrameUnitRow.code).join(SampleSelection, SampleSelection.frame_unit_id == FrameUnitRow.id)
        .where(SampleSelection.survey_id == survey.id, SampleSelection.stage == last,
               SampleSelection.id.in_(listed), SampleSelection.id.not_in(drawn))
        .order_by(FrameUnitRow.position)))

