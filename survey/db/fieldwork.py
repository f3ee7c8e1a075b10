"""Household surveys: frames, multi-stage selections, listings, respondent draws and weights."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from survey.db.base import Base, UTCDateTime, utcnow

DRAW_STATUSES = ("pending", "completed", "refused", "noncontact", "ineligible")


class FieldSurvey(Base):
    """A household survey round: its questionnaire, province, design, seed and status."""

    __tablename__ = "field_surveys"
    __table_args__ = (
        CheckConstraint("status IN ('frame', 'designed', 'drawn')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)
    questionnaire_code: Mapped[str] = mapped_column(String(64))
    province_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    # The frame code below which the first stage is drawn (None: the whole frame).
    frame_root: Mapped[str | None] = mapped_column(String(64), nullable=True)
    design_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    seed: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="frame")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    drawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class FrameUnitRow(Base):
    """One imported frame row (province, district, commune, village...) with its size measures."""

    __tablename__ = "frame_units"
    __table_args__ = (UniqueConstraint("survey_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("field_surveys.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(Text)
    parent_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    level: Mapped[str] = mapped_column(String(32))
    population: Mapped[float | None] = mapped_column(Float, nullable=True)
    households: Mapped[float | None] = mapped_column(Float, nullable=True)
    urban: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    certainty: Mapped[bool] = mapped_column(Boolean, default=False)
    stratum: Mapped[str | None] = mapped_column(String(64), nullable=True)


class SampleSelection(Base):
    """A unit selected at one stage, with its inclusion probability given its selected parent."""

    __tablename__ = "sample_selections"
    __table_args__ = (UniqueConstraint("survey_id", "frame_unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("field_surveys.id", ondelete="CASCADE"), index=True)
    stage: Mapped[int] = mapped_column(Integer)
    frame_unit_id: Mapped[int] = mapped_column(ForeignKey("frame_units.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("sample_selections.id", ondelete="CASCADE"), nullable=True, index=True)
    stratum: Mapped[str] = mapped_column(String(64), default="")
    size: Mapped[float] = mapped_column(Float)
    probability: Mapped[float] = mapped_column(Float)
    # The product of the probabilities from the first stage down to this one.
    overall_probability: Mapped[float] = mapped_column(Float)
    certainty: Mapped[str | None] = mapped_column(String(16), nullable=True)
    group_units: Mapped[int] = mapped_column(Integer)
    group_selected: Mapped[int] = mapped_column(Integer)
    group_size: Mapped[float] = mapped_column(Float)


class ListingMember(Base):
    """A listed household or person of a selected last-stage unit (no personal data here)."""

    __tablename__ = "listing_members"
    __table_args__ = (UniqueConstraint("selection_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    selection_id: Mapped[int] = mapped_column(
        ForeignKey("sample_selections.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16), default="import")
    household_size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ListingPersonal(Base):
    """Name, address and phone of a listed member: personal data, kept apart, never exported, purgeable."""

    __tablename__ = "listing_personal"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("listing_members.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str | None] = mapped_column(Text, nullable=True)
    address: Mapped[str | None] = mapped_column(Text, nullable=True)
    phone: Mapped[str | None] = mapped_column(Text, nullable=True)
    purged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class RespondentDraw(Base):
    """A drawn listing member: its order, main or replacement, fieldwork status and response."""

    __tablename__ = "respondent_draws"
    __table_args__ = (
        UniqueConstraint("selection_id", "draw_order"),
        UniqueConstraint("member_id"),
        UniqueConstraint("response_uuid"),
        CheckConstraint("role IN ('main', 'replacement')", name="role"),
        CheckConstraint(
            "status IN ('pending', 'completed', 'refused', 'noncontact', 'ineligible')",
            name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    selection_id: Mapped[int] = mapped_column(
        ForeignKey("sample_selections.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("listing_members.id", ondelete="CASCADE"))
    draw_order: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))
    probability: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    response_uuid: Mapped[str | None] = mapped_column(String(36), nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ResponseWeight(Base):
    """The weights and design variables of one interview, from the latest weighting run."""

    __tablename__ = "response_weights"

    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("field_surveys.id", ondelete="CASCADE"), index=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("respondent_draws.id", ondelete="CASCADE"))
    probability: Mapped[float] = mapped_column(Float)
    base_weight: Mapped[float] = mapped_column(Float)
    nonresponse_weight: Mapped[float] = mapped_column(Float)
    calibrated_weight: Mapped[float] = mapped_column(Float)
    final_weight: Mapped[float] = mapped_column(Float)
    adjustment_class: Mapped[str] = mapped_column(Text)
    strata: Mapped[str] = mapped_column(Text)
    psu: Mapped[str] = mapped_column(Text)
    ssu: Mapped[str | None] = mapped_column(Text, nullable=True)
    fpc_psu: Mapped[float | None] = mapped_column(Float, nullable=True)
    fpc_ssu: Mapped[float | None] = mapped_column(Float, nullable=True)


class WeightingRun(Base):
    """One weighting run of a survey: its settings and diagnostics, kept for the record."""

    __tablename__ = "weighting_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("field_surveys.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    settings_json: Mapped[str] = mapped_column(Text)
    diagnostics_json: Mapped[str] = mapped_column(Text)
