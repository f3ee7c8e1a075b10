"""The audit log: who did what to which record, appended in the transaction of the action itself."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from survey.db.base import Base, UTCDateTime, utcnow

ACTOR_KINDS = ("user", "credential", "cli", "anonymous")
APPEND_ONLY = "audit entries are append-only"


class AuditEntry(Base):
    """One audited action: its actor (frozen name), time, stable action code, target and details.

    Entries are never changed or removed: the ORM refuses it (below) and database triggers refuse raw
    UPDATE and DELETE statements (migration 0013). Actor and unit ids are plain integers, not foreign
    keys, so the entry outlives whatever it names.
    """

    __tablename__ = "audit_entries"
    __table_args__ = (
        CheckConstraint("actor_kind IN ('user', 'credential', 'cli', 'anonymous')", name="actor_kind"),
        Index("ix_audit_entries_at", "at"),
        Index("ix_audit_entries_action_at", "action", "at"),
        Index("ix_audit_entries_unit_id_at", "unit_id", "at"),
        Index("ix_audit_entries_actor_user_id_at", "actor_user_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor_credential_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The username (or "cli:<os user>", or the credential's name) as it was at the time.
    actor_name: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(48))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    unit_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    details: Mapped[str] = mapped_column(Text, default="{}")
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    remote_addr: Mapped[str | None] = mapped_column(String(64), nullable=True)


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_entries(session: Session, _context, _instances) -> None:
    """Refuse to flush a changed or deleted audit entry."""
    for entry in (*session.dirty, *session.deleted):
        if isinstance(entry, AuditEntry) and (entry in session.deleted or session.is_modified(entry)):
            raise ValueError(APPEND_ONLY)
