"""Reporting periods (month, quarter, half-year, year) and local dates in Asia/Ho_Chi_Minh."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
KINDS = ("month", "quarter", "half", "year")
MONTHS_PER = {"month": 1, "quarter": 3, "half": 6, "year": 12}
_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})-Q([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})-H([12])$"), "half"),
    (re.compile(r"^(\d{4})$"), "year"),
)


def local_date(moment: dt.datetime) -> dt.date:
    """Return the calendar day of an aware timestamp in Vietnam."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass a timezone-aware timestamp")
    return moment.astimezone(LOCAL_ZONE).date()


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period: ``index`` is the month (1-12), quarter (1-4), half (1-2) or 1 for a year."""

    year: int
    kind: str
    index: int = 1

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown period kind {self.kind!r}")
        if not 1 <= self.index <= 12 // MONTHS_PER[self.kind]:
            raise ValueError(f"{self.kind} {self.index} does not exist")

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read '2026-03', '2026-Q1', '2026-H2' or '2026'."""
        for pattern, kind in _PATTERNS:
            match = pattern.match(text.strip())
            if match:
                index = int(match.group(2)) if kind != "year" else 1
                return cls(int(match.group(1)), kind, index)
        raise ValueError(f"invalid period {text!r}: use 2026-03, 2026-Q1, 2026-H1 or 2026")

    @classmethod
    def containing(cls, day: dt.date, kind: str) -> Period:
        """Return the period of ``kind`` that contains ``day``."""
        return cls(day.year, kind, (day.month - 1) // MONTHS_PER[kind] + 1)

    @property
    def start(self) -> dt.date:
        """First day of the period."""
        return dt.date(self.year, (self.index - 1) * MONTHS_PER[self.kind] + 1, 1)

    @property
    def end(self) -> dt.date:
        """First day after the period (exclusive bound, for SQL ranges)."""
        month = self.index * MONTHS_PER[self.kind] + 1
        return dt.date(self.year + (month > 12), (month - 1) % 12 + 1, 1)

    def previous(self) -> Period:
        """Return the period of the same kind just before this one."""
        return Period.containing(self.start - dt.timedelta(days=1), self.kind)

    def same_period_last_year(self) -> Period:
        """Return the same period one year earlier."""
        return Period(self.year - 1, self.kind, self.index)

    def code(self) -> str:
        """Return the text form accepted by parse()."""
        return {
            "month": f"{self.year}-{self.index:02d}", "quarter": f"{self.year}-Q{self.index}",
            "half": f"{self.year}-H{self.index}", "year": f"{self.year}",
        }[self.kind]

    def label(self, language: str = "vi") -> str:
        """Return a human label: 'Quý 1/2026' or 'Q1 2026'."""
        if language == "vi":
            return {
                "month": f"Tháng {self.index}/{self.year}", "quarter": f"Quý {self.index}/{self.year}",
                "half": f"{'6 tháng đầu năm' if self.index == 1 else '6 tháng cuối năm'} {self.year}",
                "year": f"Năm {self.year}",
            }[self.kind]
        return {
            "month": dt.date(self.year, self.index, 1).strftime("%B %Y"),
            "quarter": f"Q{self.index} {self.year}", "half": f"H{self.index} {self.year}",
            "year": str(self.year),
        }[self.kind]
