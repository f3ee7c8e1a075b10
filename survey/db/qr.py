"""Spent single-use QR link tokens: a unique insert per token settles two uses racing each other."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from survey.db.base import Base, UTCDateTime, utcnow


class SpentQrToken(Base):
    """A transaction link token that has been used, inserted in the transaction of its response.

    ``token_digest`` is the sha256 of the token text (a token is canonical, so one token has one
    digest); ``response_uuid`` names the response that spent it, so a retry of that same response is
    recognised as a replay rather than a second use.
    """

    __tablename__ = "spent_qr_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    key_id: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    transaction_ref: Mapped[str] = mapped_column(String(128))
    response_uuid: Mapped[str] = mapped_column(String(36))
    spent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
