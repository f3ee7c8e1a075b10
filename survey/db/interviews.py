"""Household interviewing: assignments, tablet listings, enumerator tablets, outcomes, back-checks, send-backs."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from survey.db.base import Base, UTCDateTime, utcnow


class FieldAssignment(Base):
    """A selected village given to one enumerator."""

    __tablename__ = "field_assignments"
    __table_args__ = (UniqueConstraint("selection_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("field_surveys.id", ondelete="CASCADE"), index=True)
    selection_id: Mapped[int] = mapped_column(ForeignKey("sample_selections.id", ondelete="CASCADE"))
    enumerator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    assigned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class VillageListing(Base):
    """A village to be listed on a tablet, and the listing the enumerator's tablet submitted for it."""

    __tablename__ = "village_listings"
    __table_args__ = (
        UniqueConstraint("selection_id"),
        CheckConstraint("status IN ('to_list', 'listed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("field_surveys.id", ondelete="CASCADE"), index=True)
    selection_id: Mapped[int] = mapped_column(ForeignKey("sample_selections.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="to_list")
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The tablet's UUID of the submitted listing: a retried submission finds it and changes nothing.
    client_uuid: Mapped[str | None] = mapped_column(String(36), unique=True, nullable=True)
    credential_id: Mapped[int | None] = mapped_column(ForeignKey("credentials.id"), nullable=True)
    households: Mapped[int | None] = mapped_column(Integer, nullable=True)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class EnumeratorDevice(Base):
    """An enumerator's tablet: a one-time enrolment code (sha256 only) exchanged for a device token."""

    __tablename__ = "enumerator_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(Text)
    enrolment_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    enrolment_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    credential_id: Mapped[int | None] = mapped_column(ForeignKey("credentials.id"), unique=True, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    enrolled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class DrawOutcome(Base):
    """One reported visit outcome of a drawn respondent, kept as a history (why a replacement was used)."""

    __tablename__ = "draw_outcomes"
    __table_args__ = (UniqueConstraint("draw_id", "client_uuid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("respondent_draws.id", ondelete="CASCADE"), index=True)
    client_uuid: Mapped[str] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    response_uuid: Mapped[str | None] = mapped_column(String(36), nullable=True)
    credential_id: Mapped[int | None] = mapped_column(ForeignKey("credentials.id"), nullable=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Backcheck(Base):
    """A completed interview drawn for a back-check (phúc tra), and the back-check's response."""

    __tablename__ = "backchecks"
    __table_args__ = (UniqueConstraint("response_uuid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("field_surveys.id", ondelete="CASCADE"), index=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("respondent_draws.id", ondelete="CASCADE"))
    response_uuid: Mapped[str] = mapped_column(String(36))
    enumerator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    checker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    seed: Mapped[int] = mapped_column(BigInteger)
    drawn_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    backcheck_uuid: Mapped[str | None] = mapped_column(String(36), unique=True, nullable=True)


class SendBack(Base):
    """An interview sent back to its enumerator with a comment; the revision supersedes it."""

    __tablename__ = "send_backs"

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("respondent_draws.id", ondelete="CASCADE"), index=True)
    response_uuid: Mapped[str] = mapped_column(String(36), index=True)
    comment: Mapped[str] = mapped_column(Text)
    sent_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revision_uuid: Mapped[str | None] = mapped_column(String(36), unique=True, nullable=True)
