"""Working-day deadlines across weekends, Tết, other public holidays and year ends.

Expected days are counted by hand on the 2026 calendar (the Prime Minister's notice: Tết from Monday
16 to Friday 20 February; Giỗ Tổ on Sunday 26 April, replaced by Monday 27 April; Quốc khánh on
Wednesday 2 September, its adjacent day not yet in the file), and checked against the dates the bundled
file itself lists.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

import pytest
import yaml

from survey.domain.workdays import CalendarError, WorkCalendar, bundled_calendar, parse_calendar

D = dt.date


@pytest.fixture(scope="module")
def vn():
    return bundled_calendar()


@pytest.mark.parametrize(("start", "count", "due"), [
    (D(2026, 3, 2), 1, D(2026, 3, 3)),     # Monday -> Tuesday
    (D(2026, 3, 6), 1, D(2026, 3, 9)),     # Friday -> Monday
    (D(2026, 3, 7), 1, D(2026, 3, 9)),     # Saturday -> Monday
    (D(2026, 3, 8), 1, D(2026, 3, 9)),     # Sunday -> Monday
    (D(2026, 3, 6), 6, D(2026, 3, 16)),    # Friday + 6 -> Monday of the week after next
    (D(2026, 2, 13), 1, D(2026, 2, 23)),   # Friday before Tết -> Monday after Tết
    (D(2026, 2, 12), 1, D(2026, 2, 13)),   # Thursday before Tết -> Friday
    (D(2026, 2, 13), 6, D(2026, 3, 2)),    # 23, 24, 25, 26, 27 Feb, 2 Mar
    (D(2026, 2, 17), 1, D(2026, 2, 23)),   # a case opened on mùng 1 Tết
    (D(2026, 4, 24), 1, D(2026, 4, 28)),   # Friday -> Tuesday: Monday 27/4 replaces Giỗ Tổ
    (D(2026, 4, 24), 6, D(2026, 5, 7)),    # 28, 29 Apr, (30/4, 1/5, weekend), 4, 5, 6, 7 May
    (D(2026, 8, 31), 1, D(2026, 9, 1)),    # Monday -> Tuesday: the adjacent Quốc khánh day is not listed
    (D(2026, 9, 1), 1, D(2026, 9, 3)),     # Tuesday -> Thursday over Quốc khánh (2 Sept)
    (D(2026, 8, 28), 6, D(2026, 9, 8)),    # 31 Aug, 1, (2), 3, 4, (weekend), 7, 8 Sept
    (D(2026, 2, 14), 6, D(2026, 3, 2)),    # a Saturday in the Tết break
    (D(2025, 12, 31), 1, D(2026, 1, 5)),   # year end: 1 Jan (Thursday) and the swapped 2 Jan are off
    (D(2026, 1, 9), 1, D(2026, 1, 10)),    # Friday -> the Saturday worked instead of 2 January
    (D(2026, 1, 8), 6, D(2026, 1, 15)),    # 9, 10 (the Saturday worked), 12, 13, 14, 15 Jan
    (D(2026, 12, 31), 1, D(2027, 1, 4)),   # year end into a year not in the file: 1/1/2027 is fixed
    (D(2026, 12, 30), 6, D(2027, 1, 8)),   # 31 Dec, (1 Jan), 4, 5, 6, 7, 8 Jan
    (D(2026, 3, 4), 0, D(2026, 3, 4)),
])
def test_deadlines(vn, start, count, due):
    assert vn.add_working_days(start, count) == due


def test_working_days_between_counts_days_after_the_start(vn):
    assert vn.working_days_between(D(2026, 2, 13), D(2026, 2, 23)) == 1
    assert vn.working_days_between(D(2026, 2, 13), D(2026, 3, 2)) == 6
    assert vn.working_days_between(D(2026, 3, 2), D(2026, 3, 2)) == 0
    assert vn.working_days_between(D(2026, 3, 9), D(2026, 3, 2)) == 0


def test_deadline_and_count_agree_over_a_whole_year(vn):
    """working_days_between(start, add_working_days(start, n)) == n, and the day before is short."""
    day = D(2026, 1, 1)
    while day.year == 2026:
        for count in (1, 6):
            due = vn.add_working_days(day, count)
            assert vn.working_days_between(day, due) == count
            assert vn.is_working_day(due)
            assert vn.working_days_between(day, due - dt.timedelta(days=1)) == count - 1
        day += dt.timedelta(days=1)


def test_the_2026_holidays_are_not_working_days(vn):
    off = [D(2026, 1, 1), D(2026, 1, 2), *[D(2026, 2, d) for d in range(16, 21)], D(2026, 4, 27),
           D(2026, 4, 30), D(2026, 5, 1), D(2026, 9, 2)]
    assert not any(vn.is_working_day(day) for day in off)
    assert vn.is_working_day(D(2026, 1, 10))  # the Saturday worked instead of 2 January
    weekdays_2026 = sum(1 for n in range(365) if (D(2026, 1, 1) + dt.timedelta(n)).weekday() < 5)
    worked = sum(vn.is_working_day(D(2026, 1, 1) + dt.timedelta(n)) for n in range(365))
    assert weekdays_2026 - worked == len(off) - 1


def _file_holidays() -> set[dt.date]:
    """Return the 2026 holidays as the bundled file lists them, read without the calendar code."""
    text = (files("survey.domain") / "data" / "holidays_vn.yaml").read_text(encoding="utf-8")
    return set(yaml.safe_load(text)["years"][2026]["holidays"])


def _count_by_hand(start: dt.date, count: int, off: set[dt.date]) -> dt.date:
    """Return the count-th weekday after start that is not in ``off`` (the deadline rule, spelled out)."""
    day = start
    while count:
        day += dt.timedelta(days=1)
        count -= day.weekday() < 5 and day not in off
    return day


@pytest.mark.parametrize(("first", "last"), [(D(2026, 2, 1), D(2026, 3, 10)),    # Tết
                                             (D(2026, 8, 15), D(2026, 9, 20))])  # Quốc khánh
def test_deadlines_around_tet_and_national_day_follow_the_file(vn, first, last):
    off = _file_holidays()
    assert {D(2026, 2, d) for d in range(16, 21)} <= off and D(2026, 9, 2) in off
    day = first
    while day <= last:
        for count in (1, 6):
            assert vn.add_working_days(day, count) == _count_by_hand(day, count, off), (day, count)
        day += dt.timedelta(days=1)


def test_a_province_adds_the_adjacent_national_day(vn):
    local = vn.with_days(holidays=[D(2026, 9, 1)])
    assert local.add_working_days(D(2026, 8, 31), 1) == D(2026, 9, 3)
    assert local.add_working_days(D(2026, 8, 28), 6) == D(2026, 9, 9)


def test_fixed_holidays_of_a_year_not_in_the_file_move_off_the_weekend(vn):
    # 2028: 1 January is a Saturday -> Monday 3 January off; 30 April Sunday -> Monday 1 May is
    # already Labour Day, so Tuesday 2 May; 2 September is a Saturday -> Monday 4 September.
    assert not vn.is_working_day(D(2028, 1, 3))
    assert not vn.is_working_day(D(2028, 5, 1)) and not vn.is_working_day(D(2028, 5, 2))
    assert vn.is_working_day(D(2028, 5, 3))
    assert not vn.is_working_day(D(2028, 9, 4))


def test_a_configured_calendar_with_a_swapped_saturday():
    calendar = parse_calendar("""
weekend: [sat, sun]
years:
  2030:
    holidays: [2030-02-04, 2030-02-05, 2030-02-06, 2030-02-07, 2030-02-08]
    working_days: [2030-02-16]
""")
    assert calendar.add_working_days(D(2030, 2, 1), 1) == D(2030, 2, 11)
    assert calendar.add_working_days(D(2030, 2, 15), 1) == D(2030, 2, 16)  # the Saturday worked
    assert calendar.add_working_days(D(2030, 2, 15), 2) == D(2030, 2, 18)
    local = calendar.with_days(holidays=[D(2030, 2, 18)])
    assert local.add_working_days(D(2030, 2, 15), 2) == D(2030, 2, 19)


def test_a_friday_weekend_is_honoured():
    calendar = parse_calendar("weekend: [fri, sat]\nyears: {}\n")
    assert calendar.add_working_days(D(2030, 3, 7), 1) == D(2030, 3, 10)  # Thursday -> Sunday


@pytest.mark.parametrize("text", [
    "- 1\n", "weekend: [caturday]\n", "years: {2030: {holidays: [2031-01-01]}}\n",
    "years: {2030: {holidays: 2030-01-01}}\n", "years: {x: {}}\n", "years: [\n",
])
def test_bad_holiday_files_are_refused(text):
    with pytest.raises(CalendarError):
        parse_calendar(text)


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        WorkCalendar().add_working_days(D(2030, 1, 1), -1)
