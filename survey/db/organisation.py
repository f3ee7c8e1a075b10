"""Organisation: the unit tree (with mergers over time) and the catalogue of services."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db.base import Base, UTCDateTime, utcnow

UNIT_KINDS = ("province", "district", "commune", "ward", "service_centre", "counter")
CHANNELS = ("kiosk", "qr", "web", "interview")


class Unit(Base):
    """An administrative unit or a place of service: province, district, commune/ward, centre, counter."""

    __tablename__ = "units"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('province', 'district', 'commune', 'ward', 'service_centre', 'counter')",
            name="kind",
        ),
        Index("ix_units_parent_id", "parent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    name_vi: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text, nullable=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    # Weekly opening hours as JSON: {"mon": [["07:30", "11:30"], ["13:30", "17:00"]], ...} local time.
    opening_hours: Mapped[str | None] = mapped_column(Text, nullable=True)
    valid_from: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    valid_to: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent")


class UnitPredecessor(Base):
    """A unit that was merged into another on a date (the 2025 reorganisation and later ones)."""

    __tablename__ = "unit_predecessors"
    __table_args__ = (
        UniqueConstraint("unit_id", "predecessor_id"),
        CheckConstraint("unit_id <> predecessor_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    predecessor_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    effective_date: Mapped[dt.date] = mapped_column(Date)


class Service(Base):
    """An administrative procedure citizens come for (đăng ký khai sinh, chứng thực, ...)."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    field: Mapped[str] = mapped_column(String(32))
    name_vi: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text, nullable=True)
    active: Mapped[bool] = mapped_column(default=True)
