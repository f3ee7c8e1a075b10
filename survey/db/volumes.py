"""Transactions processed per unit, service and day, imported from the one-stop system (coverage)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from survey.db.base import Base, UTCDateTime, utcnow


class TransactionVolume(Base):
    """How many transactions a unit processed for a service on a local day."""

    __tablename__ = "transaction_volumes"
    __table_args__ = (
        UniqueConstraint("unit_id", "service_id", "day"),
        CheckConstraint("processed >= 0", name="processed"),
        Index("ix_transaction_volumes_unit_day", "unit_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    day: Mapped[dt.date] = mapped_column(Date)
    processed: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(32), default="csv")
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
