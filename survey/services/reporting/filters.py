"""What a report covers: index, time window, unit, service, channels and flagged ratings."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from sqlalchemy import and_, exists, or_
from sqlalchemy.orm import aliased

from survey.db.responses import Response
from survey.domain.periods import Period

#: Channels as analysts choose them; QR ratings are split by the kind of link.
CHANNELS = ("kiosk", "qr_transaction", "qr_poster", "interview", "web")
#: Channels whose ratings are not a probability sample (DESIGN.md section 6).
NON_PROBABILITY = frozenset({"kiosk", "qr_transaction", "qr_poster"})
CHANNEL_TEXT = {
    "kiosk": ("Thiết bị đánh giá tại quầy", "kiosk"),
    "qr_transaction": ("Mã QR trên phiếu hẹn", "QR on the receipt"),
    "qr_poster": ("Mã QR dán tại quầy", "QR poster at the counter"),
    "interview": ("Phỏng vấn hộ gia đình", "household interview"),
    "web": ("Phiếu giấy nhập bởi cán bộ", "paper form entered by staff"),
}
_CUSTOM = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


class FilterError(ValueError):
    """A filter value that cannot be used, with its message in Vietnamese then English."""


@dataclass(frozen=True)
class Window:
    """Local days ``start <= day < end``: a reporting period, or a custom range (``period`` None)."""

    start: dt.date
    end: dt.date
    period: Period | None = None

    @classmethod
    def parse(cls, text: str) -> Window:
        """Read a period code ('2026-Q1', '2026-03', '2026-H1', '2026') or 'YYYY-MM-DD..YYYY-MM-DD'."""
        text = (text or "").strip()
        match = _CUSTOM.match(text)
        if match:
            try:
                first, last = (dt.date.fromisoformat(part) for part in match.groups())
            except ValueError as error:
                raise FilterError(f"Ngày không hợp lệ / invalid date: {text}") from error
            if last < first:
                raise FilterError(f"Khoảng ngày ngược / the range ends before it starts: {text}")
            return cls(first, last + dt.timedelta(days=1))
        try:
            period = Period.parse(text)
        except ValueError as error:
            raise FilterError(
                f"Kỳ báo cáo không hợp lệ / invalid period {text!r}: "
                "2026-03, 2026-Q1, 2026-H1, 2026 hoặc/or 2026-01-01..2026-03-31"
            ) from error
        return cls(period.start, period.end, period)

    @property
    def code(self) -> str:
        """Return the text form accepted by parse()."""
        if self.period is not None:
            return self.period.code()
        return f"{self.start.isoformat()}..{(self.end - dt.timedelta(days=1)).isoformat()}"

    def label(self, language: str = "vi") -> str:
        """Return 'Quý 1/2026', or the custom range in local notation."""
        if self.period is not None:
            return self.period.label(language)
        last = self.end - dt.timedelta(days=1)
        if language == "vi":
            return f"Từ {self.start:%d/%m/%Y} đến {last:%d/%m/%Y}"
        return f"{self.start.isoformat()} to {last.isoformat()}"

    def previous(self) -> Window:
        """Return the window of the same length just before this one."""
        if self.period is not None:
            before = self.period.previous()
            return Window(before.start, before.end, before)
        return Window(self.start - (self.end - self.start), self.start)


@dataclass(frozen=True)
class Filters:
    """One report's choices. ``unit_id`` is the unit whose subtree is aggregated."""

    index: str
    unit_id: int
    window: Window
    service_id: int | None = None
    channels: tuple[str, ...] = field(default=CHANNELS)
    include_flagged: bool = True
    #: Group by the units of this level below the chosen unit (reach.LEVELS) instead of its children.
    level: str | None = None

    def __post_init__(self) -> None:
        unknown = [channel for channel in self.channels if channel not in CHANNELS]
        if unknown or not self.channels:
            raise FilterError(f"Kênh không hợp lệ / unknown or no channels: {', '.join(unknown)}")

    @property
    def non_probability(self) -> bool:
        """Whether any chosen channel gives non-probability data (kiosk, QR)."""
        return any(channel in NON_PROBABILITY for channel in self.channels)

    def with_window(self, window: Window) -> Filters:
        """Return the same filters over another time window."""
        return replace(self, window=window)


def channel_condition(channels: tuple[str, ...]):
    """Return the SQL condition selecting responses of the chosen channels."""
    parts = []
    for channel in channels:
        if channel.startswith("qr_"):
            parts.append(and_(Response.channel == "qr", Response.link_kind == channel[3:]))
        else:
            parts.append(Response.channel == channel)
    return or_(*parts)


def not_superseded():
    """Return the condition leaving out interviews that a supervisor's send-back revised.

    The revision is a new response naming the old one in ``supersedes_uuid``; the old one is kept as
    received but counts no more. Only interviews are revised, so other channels skip the look-up.
    """
    revision = aliased(Response)
    return or_(
        Response.channel != "interview",
        ~exists().where(revision.supersedes_uuid == Response.uuid),
    )


def response_conditions(filters: Filters) -> list:
    """Return the SQL conditions on responses other than the unit: window, service, channels, flags."""
    conditions = [
        Response.local_date >= filters.window.start,
        Response.local_date < filters.window.end,
        Response.counted.is_(True),
        channel_condition(filters.channels),
        not_superseded(),
    ]
    if filters.service_id is not None:
        conditions.append(Response.service_id == filters.service_id)
    if not filters.include_flagged:
        conditions.append(Response.status == "accepted")
    return conditions
