"""Weekly opening hours of a place of service: parse, validate, format, and ask whether it is open.

The stored form is ``{"mon": [["07:30", "11:30"], ["13:30", "17:00"]], ...}`` in local time
(Asia/Ho_Chi_Minh); a day that is missing or has no intervals is closed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = {
    "mon": ("Thứ Hai", "Monday"), "tue": ("Thứ Ba", "Tuesday"), "wed": ("Thứ Tư", "Wednesday"),
    "thu": ("Thứ Năm", "Thursday"), "fri": ("Thứ Sáu", "Friday"), "sat": ("Thứ Bảy", "Saturday"),
    "sun": ("Chủ Nhật", "Sunday"),
}
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_INTERVAL = re.compile(r"^\s*(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*$")

Intervals = list[list[str]]


class OpeningHoursError(ValueError):
    """Opening hours that cannot be accepted, with the day concerned and messages in vi and en."""

    def __init__(self, day: str | None, message_vi: str, message_en: str):
        super().__init__(message_en)
        self.day = day
        self.message_vi = message_vi
        self.message_en = message_en


def _time(day: str, text: str) -> str:
    """Return ``text`` as a zero-padded HH:MM time, or raise."""
    padded = text.strip().zfill(5)
    if not _TIME.match(padded):
        raise OpeningHoursError(
            day, f"Giờ không hợp lệ: {text!r} (dạng HH:MM, 00:00–23:59).",
            f"Invalid time {text!r} (use HH:MM, 00:00-23:59).",
        )
    return padded


def _check_day(day: str, intervals: Intervals) -> Intervals:
    """Return the day's intervals sorted, refusing empty or overlapping ones."""
    ordered = sorted(intervals)
    for start, end in ordered:
        if start >= end:
            raise OpeningHoursError(
                day, f"Giờ mở cửa {start} phải trước giờ đóng cửa {end}.",
                f"Opening time {start} must be before closing time {end}.",
            )
    for (_, end), (start, _) in itertools.pairwise(ordered):
        if start < end:
            raise OpeningHoursError(
                day, f"Các khoảng giờ chồng lên nhau ({start} trước {end}).",
                f"Intervals overlap ({start} is before {end}).",
            )
    return ordered


def validate(hours: Mapping[str, object]) -> dict[str, Intervals]:
    """Return opening hours in the stored form, or raise OpeningHoursError for the first problem."""
    result: dict[str, Intervals] = {}
    for day, intervals in hours.items():
        if day not in DAYS:
            raise OpeningHoursError(
                str(day), f"Ngày không hợp lệ: {day!r}.", f"Unknown day {day!r} (use mon..sun)."
            )
        if not isinstance(intervals, list) or not all(
            isinstance(pair, (list, tuple)) and len(pair) == 2 and all(isinstance(t, str) for t in pair)
            for pair in intervals
        ):
            raise OpeningHoursError(
                day, "Mỗi khoảng giờ phải là một cặp [giờ mở, giờ đóng].",
                "Each interval must be a pair [opening, closing].",
            )
        checked = _check_day(day, [[_time(day, a), _time(day, b)] for a, b in intervals])
        if checked:
            result[day] = checked
    return {day: result[day] for day in DAYS if day in result}


def parse_day(day: str, text: str) -> Intervals:
    """Parse one day written as ``07:30-11:30, 13:30-17:00`` (empty means closed)."""
    intervals: Intervals = []
    for part in filter(None, (p.strip() for p in text.replace(";", ",").split(","))):
        match = _INTERVAL.match(part)
        if match is None:
            raise OpeningHoursError(
                day, f"Không đọc được {part!r}: hãy viết dạng 07:30-11:30.",
                f"Cannot read {part!r}: write it as 07:30-11:30.",
            )
        intervals.append([_time(day, match.group(1)), _time(day, match.group(2))])
    return _check_day(day, intervals)


def format_day(intervals: Intervals) -> str:
    """Write one day's intervals as ``07:30-11:30, 13:30-17:00``."""
    return ", ".join(f"{start}-{end}" for start, end in intervals)


def is_open(hours: Mapping[str, Intervals], moment: dt.datetime) -> bool:
    """Whether a local (wall-clock) ``moment`` falls inside an interval; closing times are exclusive."""
    clock = moment.strftime("%H:%M")
    return any(start <= clock < end for start, end in hours.get(DAYS[moment.weekday()], []))
