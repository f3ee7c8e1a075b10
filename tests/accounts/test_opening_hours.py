"""Opening hours: reading the admin form's notation, validation, and the open/closed test."""

from __future__ import annotations

import datetime as dt

import pytest

from survey.domain import opening_hours as oh


def test_parse_and_format_round_trip():
    intervals = oh.parse_day("mon", " 13:30-17:00, 7:30 – 11:30 ")
    assert intervals == [["07:30", "11:30"], ["13:30", "17:00"]]
    assert oh.format_day(intervals) == "07:30-11:30, 13:30-17:00"
    assert oh.parse_day("sun", "  ") == []


@pytest.mark.parametrize("text, fragment", [
    ("07:30", "07:30-11:30"),
    ("25:00-26:00", "HH:MM"),
    ("07:60-08:00", "HH:MM"),
    ("11:30-07:30", "before closing"),
    ("08:00-08:00", "before closing"),
    ("07:30-11:30, 11:00-12:00", "overlap"),
])
def test_parse_refuses(text, fragment):
    with pytest.raises(oh.OpeningHoursError, match=fragment) as caught:
        oh.parse_day("tue", text)
    assert caught.value.day == "tue" and caught.value.message_vi


def test_validate_orders_days_and_drops_closed_ones():
    hours = oh.validate({"sat": [["07:30", "11:30"]], "mon": [("13:30", "17:00"), ("07:30", "11:30")],
                         "sun": []})
    assert list(hours) == ["mon", "sat"]
    assert hours["mon"] == [["07:30", "11:30"], ["13:30", "17:00"]]


@pytest.mark.parametrize("hours", [{"monday": []}, {"mon": "07:30-11:30"}, {"mon": [["07:30"]]},
                                   {"mon": [[730, 1130]]}])
def test_validate_refuses_malformed(hours):
    with pytest.raises(oh.OpeningHoursError):
        oh.validate(hours)


def test_is_open_includes_opening_and_excludes_closing_minute():
    hours = {"mon": [["07:30", "11:30"], ["13:30", "17:00"]]}
    monday = dt.datetime(2026, 11, 23)  # a Monday
    assert monday.weekday() == 0
    at = lambda h, m, s=0: monday.replace(hour=h, minute=m, second=s)
    assert not oh.is_open(hours, at(7, 29, 59))
    assert oh.is_open(hours, at(7, 30))
    assert oh.is_open(hours, at(11, 29, 59))
    assert not oh.is_open(hours, at(11, 30))
    assert not oh.is_open(hours, at(12, 0))
    assert oh.is_open(hours, at(16, 59))
    assert not oh.is_open(hours, at(9, 0) + dt.timedelta(days=1))  # Tuesday: closed
