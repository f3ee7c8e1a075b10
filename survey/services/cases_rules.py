"""Which items of a questionnaire version make a response a feedback case, its content and deadlines."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from survey.domain.model import Questionnaire
from survey.domain.periods import local_date
from survey.domain.workdays import WorkCalendar, bundled_calendar

# A rating of 3 or less on the five-point scale (neutral or worse) with a comment or a call-back request.
CASE_RATING_MAX = 3


@dataclass(frozen=True)
class CasePolicy:
    """The working-day calendar and the deadlines, in working days."""

    calendar: WorkCalendar = field(default_factory=bundled_calendar)
    acknowledge_days: int = 1
    answer_days: int = 6


@functools.cache
def default_policy() -> CasePolicy:
    """Return the policy of the bundled holiday file with the default deadlines (read once)."""
    return CasePolicy()


@dataclass(frozen=True)
class CaseRule:
    """The items of one version that a case is built from.

    ``ratings``: the likert items with the role ``satisfaction`` (every likert item when none has it);
    ``comments``: free-text items with the role ``comment``; ``callbacks``: yes/no items with the role
    ``contact``; ``phones``: personal-data items with the role ``contact``.
    """

    ratings: tuple[str, ...]
    comments: tuple[str, ...]
    callbacks: tuple[str, ...]
    phones: tuple[str, ...]

    @property
    def can_open_cases(self) -> bool:
        """Whether responses to this version can ever become cases."""
        return bool(self.ratings) and bool(self.comments or self.callbacks)


@dataclass(frozen=True)
class CaseContent:
    """What a qualifying response says: the lowest rating, its item, the comment, the call-back."""

    rating_item: str
    rating: int
    comment: str | None
    callback_requested: bool


def rule_for(questionnaire: Questionnaire) -> CaseRule:
    """Return the case rule of a questionnaire version."""
    items = [item for item in questionnaire.items]
    likert = [item for item in items if item.type == "likert5" and not item.pii]
    ratings = [item for item in likert if item.role == "satisfaction"] or likert
    return CaseRule(
        tuple(item.code for item in ratings),
        tuple(i.code for i in items if i.type == "text" and i.role == "comment" and not i.pii),
        tuple(i.code for i in items if i.type == "yes_no" and i.role == "contact" and not i.pii),
        tuple(i.code for i in items if i.pii and i.role == "contact"),
    )


def case_content(rule: CaseRule, values: Mapping[str, object]) -> CaseContent | None:
    """Return the content of a case when the answers ``values`` (item code -> value) make one."""
    rated = [(values[code], code) for code in rule.ratings if isinstance(values.get(code), int)]
    if not rated:
        return None
    rating, item = min(rated, key=lambda pair: pair[0])
    comments = [str(values[code]).strip() for code in rule.comments if values.get(code)]
    comment = "\n".join(text for text in comments if text) or None
    callback = any(values.get(code) == "yes" for code in rule.callbacks)
    if rating > CASE_RATING_MAX or not (comment or callback):
        return None
    return CaseContent(item, rating, comment, callback)


def new_case(rule: CaseRule, policy: CasePolicy, values: Mapping[str, object], response: Mapping[str, Any],
             ) -> dict[str, Any] | None:
    """Return the ``feedback_cases`` row (without ``response_id``) that a response opens, or None.

    ``response`` gives the stored response's ``unit_id``, ``service_id`` and ``received_at``: the
    deadlines count from the local day the response reached the server.
    """
    content = case_content(rule, values) if rule.can_open_cases else None
    if content is None:
        return None
    received_at: dt.datetime = response["received_at"]
    opened_on = local_date(received_at)
    return {
        "unit_id": response["unit_id"], "service_id": response["service_id"],
        "rating_item": content.rating_item, "rating": content.rating, "comment": content.comment,
        "callback_requested": content.callback_requested, "status": "new",
        "opened_at": received_at, "opened_on": opened_on,
        "acknowledge_due": policy.calendar.add_working_days(opened_on, policy.acknowledge_days),
        "answer_due": policy.calendar.add_working_days(opened_on, policy.answer_days),
    }
