"""Reading feedback cases: lists with filters and overdue marks, and response-time statistics."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db.cases import CASE_STATUSES, FeedbackCase
from survey.db.organisation import Service, Unit
from survey.domain.periods import Period, local_date
from survey.domain.workdays import WorkCalendar
from survey.services import units

LIST_LIMIT = 500


@dataclass(frozen=True)
class CaseFilter:
    """Which cases to list: a unit subtree, a status, only overdue ones, opened in a period."""

    unit_id: int | None = None
    status: str | None = None
    overdue_only: bool = False
    period: Period | None = None


@dataclass(frozen=True)
class CaseRow:
    """One case as the list shows it (never the phone number)."""

    id: int
    unit_code: str
    unit_name: str
    service_name: str | None
    rating: int
    comment: str | None
    callback_requested: bool
    status: str
    opened_on: dt.date
    acknowledge_due: dt.date
    answer_due: dt.date
    overdue: str | None


def overdue(case: FeedbackCase, today: dt.date) -> str | None:
    """Return "acknowledge" or "answer" when that deadline has passed undone, else None."""
    if case.status == "new" and today > case.acknowledge_due:
        return "acknowledge" if today <= case.answer_due else "answer"
    if case.status in ("new", "acknowledged") and today > case.answer_due:
        return "answer"
    return None


def list_cases(session: Session, scope_unit_id: int | None, filters: CaseFilter, today: dt.date,
               limit: int = LIST_LIMIT) -> list[CaseRow]:
    """Return the cases within the viewer's scope matching ``filters``, oldest deadline first."""
    root = filters.unit_id if filters.unit_id is not None else scope_unit_id
    query = (select(FeedbackCase, Unit.code, Unit.name_vi, Service.name_vi)
             .join(Unit, FeedbackCase.unit_id == Unit.id)
             .outerjoin(Service, FeedbackCase.service_id == Service.id))
    if root is not None:
        query = query.where(FeedbackCase.unit_id.in_(sorted(units.subtree_ids(session, root))))
    if filters.status in CASE_STATUSES:
        query = query.where(FeedbackCase.status == filters.status)
    if filters.period is not None:
        query = query.where(FeedbackCase.opened_on >= filters.period.start,
                            FeedbackCase.opened_on < filters.period.end)
    if filters.overdue_only:
        query = query.where(
            ((FeedbackCase.status == "new") & (FeedbackCase.acknowledge_due < today))
            | (FeedbackCase.status.in_(("new", "acknowledged")) & (FeedbackCase.answer_due < today))
        )
    query = query.order_by(FeedbackCase.answer_due, FeedbackCase.id).limit(limit)
    return [
        CaseRow(case.id, code, name, service, case.rating, case.comment, case.callback_requested,
                case.status, case.opened_on, case.acknowledge_due, case.answer_due, overdue(case, today))
        for case, code, name, service in session.execute(query)
    ]


@dataclass(frozen=True)
class ResponseTimes:
    """Response times of the cases opened in a period, in working days after the day of opening.

    ``median_*`` are medians over the cases that took the step; ``share_*_in_time`` is the share done by
    the deadline among the cases that took the step or whose deadline has passed (cases still open and
    not yet due are not counted either way); None when there is no such case.
    """

    cases: int
    acknowledged: int
    answered: int
    median_days_to_acknowledge: float | None
    median_days_to_answer: float | None
    share_acknowledged_in_time: float | None
    share_answered_in_time: float | None
    overdue_now: int


class DayWindow(Protocol):
    """Local days ``start <= day < end``: a Period, or a report's custom range."""

    start: dt.date
    end: dt.date


def response_times(session: Session, unit_id: int | None, period: DayWindow, calendar: WorkCalendar,
                   today: dt.date) -> ResponseTimes:
    """Return the response-time statistics of a unit subtree (None = all units) for a period or range."""
    query = select(FeedbackCase).where(FeedbackCase.opened_on >= period.start,
                                       FeedbackCase.opened_on < period.end)
    if unit_id is not None:
        query = query.where(FeedbackCase.unit_id.in_(sorted(units.subtree_ids(session, unit_id))))
    cases = session.scalars(query).all()
    ack = _step(cases, "acknowledged_at", "acknowledge_due", calendar, today)
    ans = _step(cases, "answered_at", "answer_due", calendar, today)
    return ResponseTimes(
        len(cases), ack[0], ans[0], ack[1], ans[1], ack[2], ans[2],
        sum(overdue(case, today) is not None for case in cases),
    )


def _step(cases, done_field: str, due_field: str, calendar: WorkCalendar,
          today: dt.date) -> tuple[int, float | None, float | None]:
    """Return (how many took the step, median working days, share in time) for one step."""
    days, decided, in_time = [], 0, 0
    for case in cases:
        done, due = getattr(case, done_field), getattr(case, due_field)
        if done is not None:
            done_on = local_date(done)
            days.append(calendar.working_days_between(case.opened_on, done_on))
            decided += 1
            in_time += done_on <= due
        elif today > due:
            decided += 1
    median = float(statistics.median(days)) if days else None
    return len(days), median, (in_time / decided if decided else None)
