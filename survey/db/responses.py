"""Responses as received, their answers in aggregable typed rows, and personal data kept apart."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db.base import Base, UTCDateTime, utcnow


class Response(Base):
    """One submitted response to one exact questionnaire version, through one channel."""

    __tablename__ = "responses"
    __table_args__ = (
        CheckConstraint("channel IN ('kiosk', 'qr', 'web', 'interview')", name="channel"),
        CheckConstraint(
            "(channel = 'qr') = (link_kind IS NOT NULL)"
            " AND (link_kind IS NULL OR link_kind IN ('transaction', 'poster'))",
            name="link_kind",
        ),
        CheckConstraint("status IN ('accepted', 'flagged')", name="status"),
        Index("ix_responses_unit_local_date", "unit_id", "local_date"),
        Index("ix_responses_version_local_date", "questionnaire_version_id", "local_date"),
        Index("ix_responses_service_local_date", "service_id", "local_date"),
        Index("ix_responses_transaction_ref", "transaction_ref"),
        # The integrity rules look back over one credential's recent responses (bursts, repeats).
        Index("ix_responses_credential_submitted_at", "credential_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    payload_hash: Mapped[str] = mapped_column(String(64))
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    channel: Mapped[str] = mapped_column(String(16))
    link_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), nullable=True)
    transaction_ref: Mapped[str | None] = mapped_column(String(128), nullable=True)
    credential_id: Mapped[int | None] = mapped_column(ForeignKey("credentials.id"), nullable=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    supersedes_uuid: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The day of submission in Asia/Ho_Chi_Minh: months, quarters, half-years and years are ranges of it.
    local_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="accepted")
    # Counted in indices by default; flagged responses that must not count (a revoked device, a second
    # rating of one transaction) are stored with counted = false, never deleted.
    counted: Mapped[bool] = mapped_column(default=True)
    raw_json: Mapped[str] = mapped_column(Text)

    answers: Mapped[list[Answer]] = relationship(back_populates="response", cascade="all, delete-orphan")
    flags: Mapped[list[ResponseFlag]] = relationship(cascade="all, delete-orphan")


class Answer(Base):
    """One answer value: one row per (response, item), or per selected option of a multi-choice item."""

    __tablename__ = "answers"
    __table_args__ = (
        Index("ix_answers_item_code_response_id", "item_code", "response_id"),
    )

    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    item_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)
    value_int: Mapped[int | None] = mapped_column(Integer, nullable=True)
    value_num: Mapped[float | None] = mapped_column(Float, nullable=True)
    value_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    value_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # The item's score under the version's scoring rule (1/0 for 'satisfied', 1..10 when rescaled).
    score: Mapped[float | None] = mapped_column(Float, nullable=True)

    response: Mapped[Response] = relationship(back_populates="answers")


class PiiAnswer(Base):
    """An answer holding personal data, kept apart from the answers and purgeable."""

    __tablename__ = "pii_answers"

    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    item_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    value_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    purged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ResponseFlag(Base):
    """An integrity flag on a stored response (revoked device, repeated transaction, burst, ...)."""

    __tablename__ = "response_flags"
    __table_args__ = (UniqueConstraint("response_id", "flag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    flag: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)


class CountedTransaction(Base):
    """The one counted rating of a transaction: a unique insert settles races between channels.

    Transaction references are the one-stop system's dossier codes (mã hồ sơ), which embed the agency
    code and are unique nationally, so uniqueness does not depend on which unit (counter or centre) the
    rating came through.
    """

    __tablename__ = "counted_transactions"
    __table_args__ = (UniqueConstraint("transaction_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    transaction_ref: Mapped[str] = mapped_column(String(128))
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
