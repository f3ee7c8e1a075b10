"""Reporting periods and local dates (Vietnam is UTC+7 all year, without daylight saving)."""

import datetime as dt

import pytest

from survey.domain.periods import Period, local_date

UTC = dt.timezone.utc


def test_local_date_crosses_midnight_at_17_utc():
    assert local_date(dt.datetime(2026, 3, 31, 16, 59, tzinfo=UTC)) == dt.date(2026, 3, 31)
    assert local_date(dt.datetime(2026, 3, 31, 17, 0, tzinfo=UTC)) == dt.date(2026, 4, 1)
    with pytest.raises(ValueError):
        local_date(dt.datetime(2026, 1, 1))


@pytest.mark.parametrize("text,start,end", [
    ("2026-03", dt.date(2026, 3, 1), dt.date(2026, 4, 1)),
    ("2026-12", dt.date(2026, 12, 1), dt.date(2027, 1, 1)),
    ("2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 4, 1)),
    ("2026-Q4", dt.date(2026, 10, 1), dt.date(2027, 1, 1)),
    ("2026-H2", dt.date(2026, 7, 1), dt.date(2027, 1, 1)),
    ("2026", dt.date(2026, 1, 1), dt.date(2027, 1, 1)),
])
def test_parse_and_bounds(text, start, end):
    period = Period.parse(text)
    assert (period.start, period.end) == (start, end)
    assert Period.parse(period.code()) == period


def test_containing_previous_and_labels():
    q = Period.containing(dt.date(2026, 5, 20), "quarter")
    assert q == Period(2026, "quarter", 2)
    assert q.previous() == Period(2026, "quarter", 1)
    assert Period(2026, "quarter", 1).previous() == Period(2025, "quarter", 4)
    assert q.same_period_last_year() == Period(2025, "quarter", 2)
    assert q.label("vi") == "Quý 2/2026" and q.label("en") == "Q2 2026"
    assert Period(2026, "half", 1).label() == "6 tháng đầu năm 2026"


@pytest.mark.parametrize("bad", ["2026-13", "2026-Q5", "2026-H3", "26", "2026/01", ""])
def test_invalid_periods_are_refused(bad):
    with pytest.raises(ValueError):
        Period.parse(bad)
