"""What dissatisfied raters said fell short: counts of the kiosk's problem elements, never comments.

Only the multi-choice answers are counted (GROUP BY answer value); comments and phone numbers are not
read, so nothing here can identify a person.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.db.questionnaires import QuestionnaireVersion
from survey.db.responses import Answer, Response
from survey.services import questionnaires
from survey.services.reporting.filters import Filters, response_conditions
from survey.services.reporting.reach import Reach

PROBLEM_ITEM = "problem_elements"


@dataclass(frozen=True)
class Complaint:
    """One problem element: how many low ratings named it, and their share of those ratings."""

    code: str
    label_vi: str
    label_en: str
    count: int
    share: float


def top_complaints(session: Session, filters: Filters, reach: Reach) -> list[Complaint]:
    """Return the problem elements named with low kiosk ratings, most named first."""
    versions = list(session.scalars(select(QuestionnaireVersion.id).where(
        QuestionnaireVersion.code == "kiosk")))
    if not versions:
        return []
    where = [reach.condition(), Response.questionnaire_version_id.in_(versions),
             *response_conditions(filters)]
    counts = session.execute(
        select(Answer.value_text, func.count())
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.item_code == PROBLEM_ITEM, *where)
        .group_by(Answer.value_text)
    ).all()
    answered = session.scalar(
        select(func.count(func.distinct(Answer.response_id)))
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.item_code == PROBLEM_ITEM, *where)
    ) or 0
    _, questionnaire = questionnaires.get(session, "kiosk")
    labels = {choice.value: choice.label for choice in questionnaire.item(PROBLEM_ITEM).choices}
    result = [
        Complaint(code, labels[code].get("vi") if code in labels else code,
                  labels[code].get("en") if code in labels else code, int(count),
                  count / answered if answered else 0.0)
        for code, count in counts if code is not None
    ]
    return sorted(result, key=lambda c: (-c.count, c.code))
