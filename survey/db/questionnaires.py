"""Stored questionnaire versions: drafts that may be replaced, and frozen published versions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from survey.db.base import Base, UTCDateTime, utcnow


class QuestionnaireVersion(Base):
    """One version of a questionnaire with its canonical JSON document and content hash."""

    __tablename__ = "questionnaire_versions"
    __table_args__ = (
        UniqueConstraint("code", "version"),
        CheckConstraint("status IN ('draft', 'published')", name="status"),
        CheckConstraint(
            "(status = 'published') = (published_at IS NOT NULL)", name="published_at"
        ),
        Index("ix_questionnaire_versions_content_hash", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    family: Mapped[str] = mapped_column(String(16))
    title_vi: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    document: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    published_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
