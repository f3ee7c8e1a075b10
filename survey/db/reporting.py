"""Reporting storage: covering indexes over responses and answers, and the daily rating counts.

The GROUP BY queries of survey/services/reporting read, per response, the unit, day, version, channel,
link kind, status, counted flag and service, and per answer the item, value and score. Indexes that
hold exactly these columns let both SQLite and PostgreSQL answer from the index alone (see the
"Reporting" section of docs/benchmarks.md).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from survey.db.base import Base
from survey.db.responses import Answer, Response

RESPONSES_REPORTING = Index(
    "ix_responses_reporting", Response.unit_id, Response.local_date,
    Response.questionnaire_version_id, Response.channel, Response.link_kind, Response.counted,
    Response.status, Response.service_id,
)
ANSWERS_REPORTING = Index(
    "ix_answers_reporting", Answer.response_id, Answer.item_code, Answer.value_int, Answer.score,
)


class DailyRatingCount(Base):
    """Counted scored whole-number answers (the five-point ratings) summed per day and cell.

    One row per local day × unit × service (``service_key`` 0: none recorded) × questionnaire version ×
    channel as analysts choose it (kiosk, qr_transaction, qr_poster, web, interview) × flagged or not ×
    item × answer value. The submission service adds each counted response in its own transaction and
    takes an interview out again when a supervisor's revision supersedes it, so the rows always equal
    a GROUP BY over the raw rows (survey/services/reporting/daily.py; ``rebuild`` recomputes them
    after a bulk load that bypassed the submission service).
    """

    __tablename__ = "daily_rating_counts"
    __table_args__ = (
        PrimaryKeyConstraint("questionnaire_version_id", "item_code", "local_date", "unit_id", "service_key",
                             "channel", "flagged", "value_int", name="pk_daily_rating_counts"),
        {"sqlite_with_rowid": False},
    )

    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    item_code: Mapped[str] = mapped_column(String(64))
    local_date: Mapped[dt.date] = mapped_column(Date)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    service_key: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(16))
    flagged: Mapped[bool] = mapped_column(Boolean)
    value_int: Mapped[int] = mapped_column(Integer)
    n: Mapped[int] = mapped_column(Integer)
