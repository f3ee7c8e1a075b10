"""Working days in Viet Nam: weekends, public holidays (configurable per year) and deadlines.

A deadline of ``n`` working days from a day is the ``n``-th working day strictly after it, as time
limits are counted in Vietnamese administrative practice (the day of receipt does not count). Something
done on or before that day is within the deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

import yaml

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Solar holidays every year has (Labour Code 2019, art. 112); the lunar ones need each year's notice.
FIXED_HOLIDAYS = ((1, 1), (4, 30), (5, 1), (9, 2))
# A calendar longer than this is a mistake (a deadline is days, not decades): stop instead of looping.
MAX_SEARCH_DAYS = 3660


class CalendarError(ValueError):
    """A holiday file that cannot be read."""


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are worked: weekdays outside the weekend, minus holidays, plus make-up days.

    ``years`` are the years whose holidays were given in full; other years get the fixed solar holidays
    on weekdays (and the next weekday off when one falls on the weekend).
    """

    holidays: frozenset[dt.date] = frozenset()
    working_days: frozenset[dt.date] = frozenset()
    years: frozenset[int] = frozenset()
    weekend: frozenset[int] = frozenset({5, 6})
    _fallback: dict[int, frozenset[dt.date]] = field(default_factory=dict, compare=False, repr=False)

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day."""
        if day in self.working_days:
            return True
        if day.weekday() in self.weekend:
            return False
        if day.year in self.years:
            return day not in self.holidays
        return day not in self.holidays and day not in self._fixed(day.year)

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """Return the ``count``-th working day after ``start`` (``start`` itself when count is 0)."""
        if count < 0:
            raise ValueError("count must be zero or more")
        day, found = start, 0
        for _ in range(MAX_SEARCH_DAYS):
            if found == count:
                return day
            day += dt.timedelta(days=1)
            found += self.is_working_day(day)
        raise CalendarError(f"no {count} working days within {MAX_SEARCH_DAYS} days of {start}")

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Count the working days ``d`` with ``start < d <= end`` (0 when ``end <= start``)."""
        count, day = 0, start + dt.timedelta(days=1)
        while day <= end:
            count += self.is_working_day(day)
            day += dt.timedelta(days=1)
        return count

    def with_days(self, holidays: Iterable[dt.date] = (), working_days: Iterable[dt.date] = ()) -> WorkCalendar:
        """Return this calendar with extra holidays and make-up working days (local configuration)."""
        return WorkCalendar(
            self.holidays | frozenset(holidays), self.working_days | frozenset(working_days),
            self.years, self.weekend,
        )

    def _fixed(self, year: int) -> frozenset[dt.date]:
        """Return the fixed solar holidays of a year not in the file, moved off the weekend."""
        if year not in self._fallback:
            days: set[dt.date] = set()
            for month, day_of_month in FIXED_HOLIDAYS:
                day = dt.date(year, month, day_of_month)
                while day.weekday() in self.weekend or day in days:
                    day += dt.timedelta(days=1)
                days.add(day)
            self._fallback[year] = frozenset(days)
        return self._fallback[year]


def parse_calendar(text: str, source: str = "holidays") -> WorkCalendar:
    """Read a holiday file: ``weekend: [sat, sun]`` and ``years: {YYYY: {holidays, working_days}}``."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise CalendarError(f"{source}: not valid YAML: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("years", {}), dict):
        raise CalendarError(f"{source}: expected a mapping with 'weekend' and 'years'")
    weekend = data.get("weekend", ["sat", "sun"])
    if not isinstance(weekend, list) or any(day not in WEEKDAYS for day in weekend):
        raise CalendarError(f"{source}: weekend must list days among {', '.join(WEEKDAYS)}")
    holidays, working, years = set(), set(), set()
    for year, entry in (data.get("years") or {}).items():
        if not isinstance(year, int) or not isinstance(entry, dict):
            raise CalendarError(f"{source}: year {year!r} must be a number with a mapping")
        years.add(year)
        holidays |= _dates(entry.get("holidays"), year, f"{source}: {year} holidays")
        working |= _dates(entry.get("working_days"), year, f"{source}: {year} working_days")
    return WorkCalendar(
        frozenset(holidays), frozenset(working), frozenset(years),
        frozenset(WEEKDAYS.index(day) for day in weekend),
    )


def bundled_calendar() -> WorkCalendar:
    """Return the calendar of the holiday file shipped with hailong."""
    text = (files("survey.domain") / "data" / "holidays_vn.yaml").read_text(encoding="utf-8")
    return parse_calendar(text, "holidays_vn.yaml")


def _dates(values: Any, year: int, where: str) -> set[dt.date]:
    """Return a list of dates of ``year`` from the file, or raise naming the bad entry."""
    if values is None:
        return set()
    if not isinstance(values, list):
        raise CalendarError(f"{where}: expected a list of dates")
    days = set()
    for value in values:
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime) or value.year != year:
            raise CalendarError(f"{where}: {value!r} is not a date (YYYY-MM-DD) of {year}")
        days.add(value)
    return days
