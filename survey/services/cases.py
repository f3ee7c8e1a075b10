"""Feedback cases (PAKN): open them from low ratings, and move them through their statuses.

A response whose lowest rating is 3 or less and that carries a comment or a call-back request becomes
one case for its unit. The submission service opens it in the response's own transaction
(``cases_rules.new_case``); ``sync`` (``hailong cases sync``) backfills responses stored before that,
and ``open_for_response`` opens one response's case; both are idempotent. Statuses go new -> acknowledged -> answered -> closed,
each step stamped with the time and the staff member. Deadlines count working days from the day the
response reached the server (1 to acknowledge and 6 to answer by default, configurable).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db.accounts import User
from survey.db.base import utcnow
from survey.db.cases import FeedbackCase
from survey.db.questionnaires import QuestionnaireVersion
from survey.db.responses import Answer, PiiAnswer, Response
from survey.domain.workdays import bundled_calendar, parse_calendar
from survey.services import audit, questionnaires, units
from survey.services.cases_rules import CASE_RATING_MAX, CasePolicy, CaseRule, new_case, rule_for
from survey.services.errors import ServiceError

ACT_ROLES = ("admin", "unit_manager")
READ_ROLES = ("admin", "unit_manager", "analyst")
PHONE_ROLES = ("admin", "unit_manager")
SYNC_BATCH = 500


class CaseError(ServiceError):
    """A case action that cannot be done: a stable code and messages in Vietnamese and English."""


def policy_from_settings(settings: Mapping) -> CasePolicy:
    """Build the policy from configuration keys HOLIDAYS_FILE, CASE_ACKNOWLEDGE_DAYS, CASE_ANSWER_DAYS."""
    path = settings.get("HOLIDAYS_FILE")
    calendar = bundled_calendar()
    if path:
        with open(path, encoding="utf-8") as handle:
            calendar = parse_calendar(handle.read(), str(path))
    return CasePolicy(calendar, int(settings.get("CASE_ACKNOWLEDGE_DAYS", 1)),
                      int(settings.get("CASE_ANSWER_DAYS", 6)))


def open_for_response(session: Session, response_id: int, policy: CasePolicy) -> FeedbackCase | None:
    """Open the case of a stored response if it qualifies and has none yet; return it (or None)."""
    existing = session.scalar(select(FeedbackCase).where(FeedbackCase.response_id == response_id))
    if existing is not None:
        return existing
    response = session.get(Response, response_id)
    version = session.get(QuestionnaireVersion, response.questionnaire_version_id)
    rule = rule_for(questionnaires.get(session, version.code, version.version)[1])
    return _open(session, response, rule, policy)


def sync(session: Session, policy: CasePolicy) -> int:
    """Open every missing case (responses with a rating of 3 or less and no case); return how many."""
    opened = 0
    for version in session.scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.status == "published")).all():
        rule = rule_for(questionnaires.get(session, version.code, version.version)[1])
        if not rule.can_open_cases:
            continue
        last_id = 0
        while True:
            ids = session.scalars(
                select(Response.id).distinct()
                .join(Answer, Answer.response_id == Response.id)
                .outerjoin(FeedbackCase, FeedbackCase.response_id == Response.id)
                .where(Response.questionnaire_version_id == version.id, Response.id > last_id,
                       FeedbackCase.id.is_(None), Answer.item_code.in_(rule.ratings),
                       Answer.value_int <= CASE_RATING_MAX)
                .order_by(Response.id).limit(SYNC_BATCH)
            ).all()
            if not ids:
                break
            for response_id in ids:
                opened += _open(session, session.get(Response, response_id), rule, policy) is not None
            session.flush()
            last_id = ids[-1]
    return opened


def _open(session: Session, response: Response, rule: CaseRule, policy: CasePolicy) -> FeedbackCase | None:
    """Create the case of ``response`` when its answers make one."""
    if not rule.can_open_cases:
        return None
    values = {}
    for answer in session.scalars(select(Answer).where(
            Answer.response_id == response.id,
            Answer.item_code.in_(rule.ratings + rule.comments + rule.callbacks))):
        values[answer.item_code] = answer.value_int if answer.value_int is not None else answer.value_text
    row = new_case(rule, policy, values, {"unit_id": response.unit_id, "service_id": response.service_id,
                                          "received_at": response.received_at})
    if row is None:
        return None
    case = FeedbackCase(response_id=response.id, **row)
    session.add(case)
    session.flush()
    return case


def check_access(session: Session, user: User, case: FeedbackCase, roles: tuple[str, ...]) -> None:
    """Refuse a user whose role or unit scope does not reach the case."""
    if user.role not in roles or not units.is_within(session, case.unit_id, user.unit_id):
        raise CaseError("forbidden", "Bạn không có quyền với phản ánh này.",
                        "You have no access to this case.")


def get_case(session: Session, case_id: int) -> FeedbackCase:
    """Return the case with ``case_id`` or raise CaseError not_found."""
    case = session.get(FeedbackCase, case_id)
    if case is None:
        raise CaseError("not_found", "Không có phản ánh này.", "There is no such case.")
    return case


def phone_of(session: Session, case: FeedbackCase) -> str | None:
    """Return the citizen's call-back phone number, unless it was purged (callers check the role)."""
    response = session.get(Response, case.response_id)
    version = session.get(QuestionnaireVersion, response.questionnaire_version_id)
    phones = rule_for(questionnaires.get(session, version.code, version.version)[1]).phones
    if not phones:
        return None
    return session.scalar(select(PiiAnswer.value_text).where(
        PiiAnswer.response_id == case.response_id, PiiAnswer.item_code.in_(phones),
        PiiAnswer.purged_at.is_(None), PiiAnswer.value_text.is_not(None)))


def acknowledge(session: Session, case_id: int, user: User, *, now: dt.datetime | None = None) -> FeedbackCase:
    """Mark a new case as acknowledged (tiếp nhận) by ``user``."""
    case = _acting(session, case_id, user, ("new",))
    case.status, case.acknowledged_at, case.acknowledged_by = "acknowledged", now or utcnow(), user.id
    audit.record(session, "case.acknowledge", "case", case.id, unit_id=case.unit_id, by=user)
    return case


def answer(session: Session, case_id: int, user: User, text: str, *,
           now: dt.datetime | None = None) -> FeedbackCase:
    """Record the unit's answer; answering a new case acknowledges it at the same moment."""
    text = (text or "").strip()
    if not text:
        raise CaseError("answer_required", "Hãy nhập nội dung trả lời.", "Write the answer.")
    case = _acting(session, case_id, user, ("new", "acknowledged"))
    now = now or utcnow()
    if case.acknowledged_at is None:
        case.acknowledged_at, case.acknowledged_by = now, user.id
    case.status, case.answered_at, case.answered_by, case.answer_text = "answered", now, user.id, text
    audit.record(session, "case.answer", "case", case.id, unit_id=case.unit_id, by=user)
    return case


def mark_communicated(session: Session, case_id: int, user: User, *,
                      now: dt.datetime | None = None) -> FeedbackCase:
    """Mark the answer as communicated to the citizen (who asked for a call-back and left a phone)."""
    case = _acting(session, case_id, user, ("answered", "closed"))
    if not case.callback_requested or phone_of(session, case) is None:
        raise CaseError("no_callback", "Người dân không đề nghị gọi lại hoặc không để lại số điện thoại.",
                        "The citizen did not ask for a call-back or left no phone number.")
    if case.communicated_at is None:
        case.communicated_at, case.communicated_by = now or utcnow(), user.id
        audit.record(session, "case.communicate", "case", case.id, unit_id=case.unit_id, by=user)
    return case


def close(session: Session, case_id: int, user: User, *, now: dt.datetime | None = None) -> FeedbackCase:
    """Close an answered case."""
    case = _acting(session, case_id, user, ("answered",))
    case.status, case.closed_at, case.closed_by = "closed", now or utcnow(), user.id
    audit.record(session, "case.close", "case", case.id, unit_id=case.unit_id, by=user)
    return case


def _acting(session: Session, case_id: int, user: User, allowed: tuple[str, ...]) -> FeedbackCase:
    """Return the case after checking the user may act on it and its status allows the step."""
    case = get_case(session, case_id)
    check_access(session, user, case, ACT_ROLES)
    if case.status not in allowed:
        raise CaseError("wrong_status", f"Phản ánh đang ở trạng thái '{case.status}': không làm được bước này.",
                        f"The case is '{case.status}': this step is not possible.")
    return case
