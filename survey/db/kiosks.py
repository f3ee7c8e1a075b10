"""Kiosks: rating stations paired to a device token, and transactions pushed to them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from survey.db.base import Base, UTCDateTime, utcnow


class Kiosk(Base):
    """A rating station at a service centre or counter.

    Staff create it and get a one-time pairing code (only its sha256 is stored, with an expiry); the
    tablet exchanges the code for a kiosk_device credential. The staff PIN that unlocks the kiosk's
    overlay is stored as PBKDF2-SHA256, which the tablet checks offline.
    """

    __tablename__ = "kiosks"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    pin_salt: Mapped[str] = mapped_column(String(32))
    pin_hash: Mapped[str] = mapped_column(String(64))
    pairing_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    pairing_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    credential_id: Mapped[int | None] = mapped_column(ForeignKey("credentials.id"), unique=True, nullable=True)
    paired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class KioskPush(Base):
    """A transaction pushed to a kiosk so that its next rating is tied to the dossier."""

    __tablename__ = "kiosk_pushes"

    id: Mapped[int] = mapped_column(primary_key=True)
    kiosk_id: Mapped[int] = mapped_column(ForeignKey("kiosks.id"), index=True)
    transaction_ref: Mapped[str] = mapped_column(String(128))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), nullable=True)
    counter_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    pushed_by_user: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    pushed_by_credential: Mapped[int | None] = mapped_column(ForeignKey("credentials.id"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
