"""Purge personal data whose retention has run out; the counts, answers and case history stay.

Two kinds of personal data have a retention period (docs/privacy.md):

- call-back phone numbers and other ``pii`` answers (table ``pii_answers``): kept while the response's
  case is open and ``callback_phone_days`` after the case was closed; a response that opened no case
  keeps them ``callback_phone_days`` after it reached the server (nobody will call back);
- names, addresses and phones of household listings (``listing_personal``): kept until the survey is
  finished, i.e. weighted, and ``listing_days`` after its last fieldwork activity (the latest outcome
  recorded or weighting run).

A purge blanks the values and stamps ``purged_at``; rows, counts and case history stay. It is
idempotent (purged rows are not selected again) and audited in its own transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.orm import Session

from survey.db.base import utcnow
from survey.db.cases import FeedbackCase
from survey.db.fieldwork import (
    FieldSurvey,
    ListingMember,
    ListingPersonal,
    RespondentDraw,
    SampleSelection,
    WeightingRun,
)
from survey.db.responses import PiiAnswer, Response
from survey.services import audit

DEFAULT_CALLBACK_PHONE_DAYS = 30
DEFAULT_LISTING_DAYS = 180


@dataclass(frozen=True)
class RetentionPolicy:
    """How many days personal data is kept after its purpose ended."""

    callback_phone_days: int = DEFAULT_CALLBACK_PHONE_DAYS
    listing_days: int = DEFAULT_LISTING_DAYS

    @classmethod
    def from_settings(cls, settings: Mapping) -> RetentionPolicy:
        """Read CALLBACK_PHONE_RETENTION_DAYS and LISTING_RETENTION_DAYS (HAILONG_* variables)."""
        policy = cls(int(settings.get("CALLBACK_PHONE_RETENTION_DAYS", DEFAULT_CALLBACK_PHONE_DAYS)),
                     int(settings.get("LISTING_RETENTION_DAYS", DEFAULT_LISTING_DAYS)))
        if policy.callback_phone_days < 0 or policy.listing_days < 0:
            raise ValueError("retention periods are whole numbers of days, 0 or more")
        return policy


@dataclass(frozen=True)
class PurgeReport:
    """What a purge blanked (or, in a dry run, would blank)."""

    pii_answers: int
    listing_people: int
    surveys: tuple[str, ...]
    dry_run: bool


def purge(session: Session, policy: RetentionPolicy, *, now: dt.datetime | None = None,
          dry_run: bool = False) -> PurgeReport:
    """Blank the personal data past its retention; a dry run only counts it."""
    now = now or utcnow()
    answers = _expired_pii_answers(now - dt.timedelta(days=policy.callback_phone_days))
    surveys = _finished_surveys(session, now - dt.timedelta(days=policy.listing_days))
    people = _listing_people(surveys)
    report = PurgeReport(
        session.scalar(select(func.count()).select_from(PiiAnswer).where(answers)),
        session.scalar(select(func.count()).select_from(ListingPersonal).where(people)),
        tuple(sorted(code for _, code in surveys)), dry_run)
    if dry_run or not (report.pii_answers or report.listing_people):
        return report
    session.execute(update(PiiAnswer).where(answers).values(value_text=None, purged_at=now)
                    .execution_options(synchronize_session=False))
    session.execute(update(ListingPersonal).where(people)
                    .values(name=None, address=None, phone=None, purged_at=now)
                    .execution_options(synchronize_session=False))
    audit.record(session, "privacy.purge", "retention", None, details={
        "pii_answers": report.pii_answers, "listing_people": report.listing_people,
        "surveys": list(report.surveys), "callback_phone_days": policy.callback_phone_days,
        "listing_days": policy.listing_days})
    return report


def _expired_pii_answers(cutoff: dt.datetime):
    """Return the condition on unpurged pii answers whose case closed (or, without a case, arrived) before cutoff."""
    closed = exists().where(FeedbackCase.response_id == PiiAnswer.response_id,
                            FeedbackCase.status == "closed", FeedbackCase.closed_at < cutoff)
    no_case = ~exists().where(FeedbackCase.response_id == PiiAnswer.response_id)
    old = exists().where(Response.id == PiiAnswer.response_id, Response.received_at < cutoff)
    return PiiAnswer.purged_at.is_(None) & or_(closed, no_case & old)


def _finished_surveys(session: Session, cutoff: dt.datetime) -> list[tuple[int, str]]:
    """Return the (id, code) of weighted surveys whose last fieldwork activity is before cutoff."""
    last_outcome = (select(func.max(RespondentDraw.updated_at))
                    .join(SampleSelection, SampleSelection.id == RespondentDraw.selection_id)
                    .where(SampleSelection.survey_id == FieldSurvey.id).scalar_subquery())
    last_run = (select(func.max(WeightingRun.created_at))
                .where(WeightingRun.survey_id == FieldSurvey.id).scalar_subquery())
    rows = session.execute(select(FieldSurvey.id, FieldSurvey.code, last_outcome, last_run)).all()
    return [(survey_id, code) for survey_id, code, outcome, run in rows
            if run is not None and max(run, outcome or run) < cutoff]


def _listing_people(surveys: list[tuple[int, str]]):
    """Return the condition on unpurged personal data of the listings of these surveys."""
    members = (select(ListingMember.id)
               .join(SampleSelection, SampleSelection.id == ListingMember.selection_id)
               .where(SampleSelection.survey_id.in_([survey_id for survey_id, _ in surveys])))
    return ListingPersonal.purged_at.is_(None) & ListingPersonal.member_id.in_(members)
