"""Feedback cases (phản ánh, kiến nghị - PAKN): a low rating with a comment or a call-back request."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from survey.db.base import Base, UTCDateTime, utcnow

CASE_STATUSES = ("new", "acknowledged", "answered", "closed")


class FeedbackCase(Base):
    """One case for a unit, opened from one response, followed through its statuses by staff.

    The deadlines are computed once, when the case opens, so a later change of the holiday calendar does
    not move them. The citizen's phone number stays in ``pii_answers``; a case only says whether a
    call-back was requested.
    """

    __tablename__ = "feedback_cases"
    __table_args__ = (
        CheckConstraint("status IN ('new', 'acknowledged', 'answered', 'closed')", name="status"),
        Index("ix_feedback_cases_unit_id_opened_on", "unit_id", "opened_on"),
        Index("ix_feedback_cases_status_answer_due", "status", "answer_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), unique=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), nullable=True)
    rating_item: Mapped[str] = mapped_column(String(64))
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    callback_requested: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="new")
    # When the response reached the server: an offline kiosk's delay does not eat into the deadlines.
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    opened_on: Mapped[dt.date] = mapped_column(Date)
    acknowledge_due: Mapped[dt.date] = mapped_column(Date)
    answer_due: Mapped[dt.date] = mapped_column(Date)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    answer_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    communicated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    communicated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
