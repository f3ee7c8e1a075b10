"""Visit outcomes a tablet reports after syncing: completed, refused, no contact, ineligible.

A completed visit names the response the tablet stored through POST /api/v1/responses; a back-check
or a revision (after a send-back) is linked to its task the same way. Every report carries the
client's UUID, so a retry after a lost reply changes nothing.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db.accounts import Credential, User
from survey.db.fieldwork import DRAW_STATUSES, RespondentDraw
from survey.db.interviews import Backcheck, DrawOutcome, FieldAssignment, SendBack
from survey.db.responses import Response
from survey.domain.replacements import DrawnPerson, may_visit
from survey.services.fieldwork import FieldworkError, unauthorized
from survey.services.sampling import record_outcome

REASON_MAX = 500


def _own_response(session: Session, user: User, uuid: str | None, *, supersedes: str | None = None) -> str:
    """Return ``uuid`` if it is an interview stored by one of the enumerator's tablets."""
    response = session.scalars(select(Response).where(Response.uuid == (uuid or ""))).first()
    credential = session.get(Credential, response.credential_id) if response and response.credential_id else None
    if response is None or response.channel != "interview" or credential is None or credential.user_id != user.id:
        raise FieldworkError("unknown_response", "chưa nhận được phiếu này từ máy của bạn",
                             "no interview with this uuid was received from your tablets", 409)
    if supersedes is not None and response.supersedes_uuid != supersedes:
        raise FieldworkError("not_a_revision", "phiếu này không thay thế phiếu bị trả lại",
                             "this response does not supersede the interview sent back", 422)
    return response.uuid


def _assigned_draw(session: Session, user: User, draw_id: Any) -> RespondentDraw:
    """Return a respondent draw in one of the enumerator's villages."""
    draw = session.get(RespondentDraw, draw_id) if isinstance(draw_id, int) else None
    assigned = draw is not None and session.scalars(select(FieldAssignment.id).where(
        FieldAssignment.selection_id == draw.selection_id, FieldAssignment.enumerator_id == user.id)).first()
    if not assigned:
        raise FieldworkError("unknown_draw", "người này không thuộc địa bàn được giao cho bạn",
                             "this respondent is not in a village assigned to you", 403)
    return draw


def _reported_draw(session: Session, user: User, report: dict[str, Any]) -> RespondentDraw:
    """Return the draw a visit report names: in one of the enumerator's villages, or moved away since.

    A village given to another enumerator while the first one's tablet was offline keeps the first
    one's finished interviews: a completed visit is accepted from the enumerator whose tablet stored
    the response when the response itself was made for this draw (its paradata names the draw).
    """
    try:
        return _assigned_draw(session, user, report.get("draw_id"))
    except FieldworkError as refusal:
        draw_id = report.get("draw_id")
        draw = session.get(RespondentDraw, draw_id) if isinstance(draw_id, int) else None
        if draw is None or report.get("status") != "completed":
            raise
        try:
            uuid = _own_response(session, user, report.get("response_uuid"))
        except FieldworkError:
            raise refusal from None
        if _interviewed_draw(session, uuid) != draw.id:
            raise refusal from None
        return draw


def _interviewed_draw(session: Session, uuid: str) -> int | None:
    """Return the draw id a stored interview's paradata names, if any."""
    raw = session.scalar(select(Response.raw_json).where(Response.uuid == uuid))
    try:
        respondent = json.loads(raw or "{}").get("paradata", {}).get("respondent", {})
    except (ValueError, AttributeError):
        return None
    draw_id = respondent.get("draw_id") if isinstance(respondent, dict) else None
    return draw_id if isinstance(draw_id, int) else None


def report_visit(session: Session, credential: Credential, user: User, report: dict[str, Any]) -> DrawOutcome:
    """Record a visit outcome and set the draw's status (a completed visit names its response).

    A revoked tablet may still link the interviews it made before it was revoked, so none is lost.
    """
    draw = _reported_draw(session, user, report)
    client_uuid, status = str(report.get("client_uuid") or ""), report.get("status")
    if not client_uuid or len(client_uuid) > 36 or status not in DRAW_STATUSES or status == "pending":
        raise FieldworkError("invalid_outcome", "báo cáo kết quả không hợp lệ", "invalid outcome report")
    if credential.revoked_at is not None and not _made_before_revocation(session, credential, report):
        raise unauthorized()
    known = session.scalars(select(DrawOutcome).where(DrawOutcome.draw_id == draw.id,
                                                      DrawOutcome.client_uuid == client_uuid)).first()
    if known is not None:
        return known
    _check_released(session, draw)
    uuid = _own_response(session, user, report.get("response_uuid")) if status == "completed" else None
    reason = (str(report.get("reason") or "").strip()[:REASON_MAX]) or None
    outcome = DrawOutcome(draw_id=draw.id, client_uuid=client_uuid, status=status, reason=reason,
                          response_uuid=uuid, credential_id=credential.id)
    session.add(outcome)
    record_outcome(session, draw.id, status, uuid)
    return outcome


def _check_released(session: Session, draw: RespondentDraw) -> None:
    """Refuse a visit to a replacement that no refusal, no contact or ineligible person has released yet."""
    if draw.role != "replacement" or draw.status != "pending":
        return
    village = session.scalars(select(RespondentDraw).where(RespondentDraw.selection_id == draw.selection_id))
    people = [DrawnPerson(person.draw_order, person.role, person.status) for person in village]
    if not may_visit(people, draw.draw_order):
        raise FieldworkError(
            "replacement_not_released",
            "chưa được dùng người dự phòng này: mỗi người từ chối, không gặp hoặc không đủ "
            "điều kiện chỉ cho dùng người dự phòng kế tiếp theo thứ tự",
            "this replacement is not released yet: each refusal, no contact or ineligible person "
            "releases only the next replacement in draw order", 422)


def _made_before_revocation(session: Session, credential: Credential, report: dict[str, Any]) -> bool:
    """Whether a report is a completed visit whose response the tablet made before it was revoked."""
    response = session.scalars(select(Response).where(Response.uuid == str(report.get("response_uuid") or ""),
                                                      Response.credential_id == credential.id)).first()
    return report.get("status") == "completed" and response is not None and \
        response.submitted_at < credential.revoked_at


def report_backcheck(session: Session, user: User, backcheck_id: Any, response_uuid: str) -> Backcheck:
    """Link a back-check task to the back-check response the checker's tablet stored."""
    check = session.get(Backcheck, backcheck_id) if isinstance(backcheck_id, int) else None
    if check is None or check.checker_id != user.id:
        raise FieldworkError("unknown_backcheck", "không có việc phúc tra này", "no such back-check task", 403)
    if check.backcheck_uuid is None:
        check.backcheck_uuid = _own_response(session, user, response_uuid)
        session.flush()
    return check


def report_revision(session: Session, user: User, sendback_id: Any, response_uuid: str) -> SendBack:
    """Link a sent-back interview to its revision, which becomes the draw's response."""
    sendback = session.get(SendBack, sendback_id) if isinstance(sendback_id, int) else None
    if sendback is None:
        raise FieldworkError("unknown_sendback", "không có phiếu bị trả lại này", "no such sent-back interview", 403)
    draw = _assigned_draw(session, user, sendback.draw_id)
    if sendback.revision_uuid is None:
        sendback.revision_uuid = _own_response(session, user, response_uuid, supersedes=sendback.response_uuid)
        record_outcome(session, draw.id, "completed", sendback.revision_uuid)
    return sendback
