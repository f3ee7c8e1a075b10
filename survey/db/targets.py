"""Targets that unit managers set for an index, unit and period, and the results they publish."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from survey.db.base import Base, UTCDateTime, utcnow

TARGET_KINDS = ("value", "rank")
TARGET_OPERATORS = (">=", ">", "<=", "<")


class Target(Base):
    """A target for one index, unit and period: a value ("SIPAS >= 85 %") or a rank ("top 10")."""

    __tablename__ = "targets"
    __table_args__ = (
        UniqueConstraint("index_code", "unit_id", "period"),
        CheckConstraint(
            "(kind = 'value' AND threshold IS NOT NULL AND operator IN ('>=', '>', '<=', '<')"
            " AND rank_limit IS NULL)"
            " OR (kind = 'rank' AND rank_limit >= 1 AND threshold IS NULL AND operator IS NULL)",
            name="kind",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    index_code: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    # A period code accepted by survey.domain.periods.Period.parse ("2026-Q1", "2026").
    period: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(8))
    operator: Mapped[str | None] = mapped_column(String(2), nullable=True)
    # On the index's own scale: 0-100 for SIPAS-style indices and kiosk ratings, 1-80 for PAPI.
    threshold: Mapped[float | None] = mapped_column(Float, nullable=True)
    rank_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    set_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    set_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PublishedResult(Base):
    """An index of a unit and period that its manager chose to publish on the public page (công khai)."""

    __tablename__ = "published_results"
    __table_args__ = (UniqueConstraint("index_code", "unit_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    index_code: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    period: Mapped[str] = mapped_column(String(16))
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
