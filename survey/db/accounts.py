"""Staff users, device and integration credentials, and database-held rate-limit counters."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from survey.db.base import Base, UTCDateTime, utcnow

ROLES = ("admin", "unit_manager", "analyst", "supervisor", "enumerator")
CREDENTIAL_KINDS = ("kiosk_device", "enumerator_device", "api_client")


class User(Base):
    """A staff member with one role, scoped to a subtree of units (none = the whole installation)."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('admin', 'unit_manager', 'analyst', 'supervisor', 'enumerator')", name="role"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(Text)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Raised by a password change: sessions logged in under an older epoch end (survey/web/auth.py).
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Credential(Base):
    """A bearer token of a kiosk, an enumerator's tablet or an integration, scoped to a unit subtree.

    Only the sha256 of the token is stored: tokens are 256-bit random strings, so a fast hash is enough
    and a stolen database does not yield usable tokens.
    """

    __tablename__ = "credentials"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('kiosk_device', 'enumerator_device', 'api_client')", name="kind"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(Text)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class RateLimitCounter(Base):
    """Hits of one key (e.g. 'login:ip:1.2.3.4') in one fixed time window, shared by all app workers."""

    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[int] = mapped_column(Integer, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer, default=0)
