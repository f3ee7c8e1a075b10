"""Integrity flags: stored and answered with a final status, never refused, never dropped."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select
from submission_world import ANSWERS, payload, row_counts

from survey.db.organisation import Unit
from survey.db.responses import CountedTransaction, Response, ResponseFlag
from survey.services import credentials
from survey.services.submission import Caller, IntegrityRules, submit
from survey.services.submission_channels import _AUTHENTICATORS, ChannelAuth
from survey.web.database import session_scope

LATER = dt.datetime(2026, 3, 20, tzinfo=dt.UTC)  # server time, after every rating below


def at(local: str, **changes) -> dict:
    """Return a payload submitted at ``local`` time in Vietnam (e.g. '2026-03-02T12:00')."""
    return payload(started_at=..., submitted_at=f"{local}:00+07:00", **changes)


def send(app, body, caller, rules=None):
    """Submit and commit one payload; return the receipt."""
    with session_scope(app) as session:
        return submit(session, body, caller, now=LATER, rules=rules)


def stored_flags(app, uuid) -> dict[str, str]:
    """Return the stored flags of a response with their details."""
    with session_scope(app) as session:
        response = session.scalars(select(Response).where(Response.uuid == uuid)).one()
        flags = session.scalars(select(ResponseFlag).where(ResponseFlag.response_id == response.id)).all()
        return {f.flag: f.detail for f in flags}


def test_second_rating_of_a_transaction_across_channels(app, world):
    kiosk = send(app, at("2026-03-02T09:00", transaction_ref="H01-0001"), Caller(token=world.kiosk))
    body = at("2026-03-02T09:30", channel="interview", transaction_ref="H01-0001")
    second = send(app, body, Caller(token=world.enumerator))
    assert (kiosk.status, kiosk.counted) == ("accepted", True)
    assert (second.status, second.http_status, second.flags, second.counted) == (
        "flagged", 201, ("duplicate_transaction",), False)
    replay = send(app, body, Caller())
    assert (replay.status, replay.flags, replay.counted) == ("duplicate", ("duplicate_transaction",), False)
    with session_scope(app) as session:
        (counted,) = session.scalars(select(CountedTransaction)).all()
        first = session.scalars(select(Response).where(Response.uuid == kiosk.uuid)).one()
        assert (counted.transaction_ref, counted.response_id) == ("H01-0001", first.id)
    assert row_counts(app)["responses"] == 2


def test_a_rating_from_a_revoked_device_does_not_take_the_transactions_count(app, world):
    with session_scope(app) as session:
        credentials.find(session, world.kiosk, ("kiosk_device",)).revoked_at = LATER - dt.timedelta(days=1)
    revoked = send(app, at("2026-03-02T09:00", transaction_ref="H01-0002"), Caller(token=world.kiosk))
    assert (revoked.flags, revoked.counted) == (("credential_revoked",), False)
    valid = send(app, at("2026-03-02T09:05", unit="K02", transaction_ref="H01-0002"),
                 Caller(token=world.kiosk_other))
    assert (valid.status, valid.counted) == ("accepted", True)
    late = send(app, at("2026-03-02T08:00", transaction_ref="H01-0002"), Caller(token=world.kiosk))
    assert set(late.flags) == {"credential_revoked", "duplicate_transaction"} and not late.counted


@pytest.mark.parametrize(("local", "flagged"), [
    ("2026-03-02T10:00", False),  # Monday morning
    ("2026-03-02T07:30", False),
    ("2026-03-02T07:14", True),  # 16 minutes before opening: beyond the 15-minute grace
    ("2026-03-02T07:16", False),
    ("2026-03-02T11:44", False),  # within the grace after the morning session
    ("2026-03-02T12:30", True),  # lunch break
    ("2026-03-02T17:14", False),
    ("2026-03-02T17:15", True),  # closing is exclusive: 17:00 + 15 minutes
    ("2026-03-02T23:00", True),
    ("2026-03-07T10:00", True),  # Saturday: closed
    ("2026-03-08T10:00", True),  # Sunday
])
def test_kiosk_ratings_outside_the_centres_opening_hours(app, world, local, flagged):
    receipt = send(app, at(local), Caller(token=world.kiosk))  # counter K01 takes centre S01's hours
    assert receipt.flags == (("outside_opening_hours",) if flagged else ())
    assert receipt.status == ("flagged" if flagged else "accepted") and receipt.counted
    if flagged:
        weekday = dt.datetime.fromisoformat(local).strftime("%a").lower()
        assert stored_flags(app, receipt.uuid)["outside_opening_hours"].startswith(weekday)


def test_utc_timestamps_are_judged_in_local_time(app, world):
    # 02:00 UTC is 09:00 in Vietnam (open); 06:00 UTC is 13:00 (lunch, closed).
    open_ = payload(started_at=..., submitted_at="2026-03-02T02:00:00Z")
    lunch = payload(started_at=..., submitted_at="2026-03-02T06:00:00Z")
    assert send(app, open_, Caller(token=world.kiosk)).flags == ()
    assert send(app, lunch, Caller(token=world.kiosk)).flags == ("outside_opening_hours",)


def test_the_nearest_unit_with_hours_decides(app, world):
    with session_scope(app) as session:
        ward = session.get(Unit, world.units["C02"])
        ward.opening_hours = json.dumps({"sat": [["08:00", "11:00"]]})
    token = Caller(token=world.kiosk_other)
    assert send(app, at("2026-03-07T09:00", unit="K02"), token).flags == ()
    assert send(app, at("2026-03-02T09:00", unit="K02"), token).flags == ("outside_opening_hours",)
    with session_scope(app) as session:
        session.get(Unit, world.units["K02"]).opening_hours = json.dumps({"mon": [["08:00", "11:00"]]})
    assert send(app, at("2026-03-09T09:00", unit="K02"), token).flags == ()
    assert send(app, at("2026-03-14T09:00", unit="K02"), token).flags == ("outside_opening_hours",)


def test_no_hours_or_unreadable_hours_flag_nothing(app, world):
    token = Caller(token=world.kiosk_other)
    assert send(app, at("2026-03-08T03:00", unit="K02"), token).flags == ()
    with session_scope(app) as session:
        session.get(Unit, world.units["S02"]).opening_hours = "{not json"
    assert send(app, at("2026-03-08T04:00", unit="K02"), token).flags == ()


def test_only_on_site_channels_are_judged_by_opening_hours(app, world, monkeypatch):
    monkeypatch.setitem(_AUTHENTICATORS, "qr", lambda s, sub, c, now: ChannelAuth(scope_unit_id=None))
    closed = "2026-03-07T10:00"
    assert send(app, at(closed, channel="qr", link_kind="poster"), Caller()).flags == ("outside_opening_hours",)
    assert send(app, at(closed, channel="qr", link_kind="transaction"), Caller()).flags == ()
    assert send(app, at(closed, channel="interview"), Caller(token=world.enumerator)).flags == ()
    assert send(app, at(closed, channel="web"), Caller(user_id=world.users["admin"])).flags == ()


def test_rapid_repeat_from_one_device(app, world):
    kiosk = Caller(token=world.kiosk)
    first = send(app, payload(started_at=..., submitted_at="2026-03-02T10:00:00+07:00"), kiosk)
    other_answers = {**ANSWERS, "overall": 4}
    second = send(app, payload(started_at=..., submitted_at="2026-03-02T10:00:04+07:00",
                               answers=other_answers), kiosk)
    third = send(app, payload(started_at=..., submitted_at="2026-03-02T10:00:10+07:00"), kiosk)
    assert (first.flags, second.flags, third.flags) == ((), ("burst",), ())
    assert second.counted and second.status == "flagged"
    assert "4.0 s" in stored_flags(app, second.uuid)["burst"]
    # another device at the same moment is no repeat of this one
    other = send(app, payload(unit="K02", started_at=..., submitted_at="2026-03-02T10:00:01+07:00"),
                 Caller(token=world.kiosk_other))
    assert other.flags == ()


def test_an_enumerators_tablet_is_no_burst(app, world):
    tablet = Caller(token=world.enumerator)
    flags = [
        send(app, payload(started_at=..., submitted_at=f"2026-03-02T09:30:0{second}+07:00",
                          channel="interview"), tablet).flags
        for second in range(6)
    ]
    assert flags == [()] * 6


def test_burst_of_identical_ratings(app, world):
    kiosk = Caller(token=world.kiosk)
    start = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)
    flags = []
    for k in range(7):  # every 20 s; the 3rd differs, so identical ratings number 1, 2, -, 3, 4, 5, 6
        answers = {**ANSWERS, "overall": 4} if k == 2 else ANSWERS
        body = payload(started_at=..., submitted_at=(start + dt.timedelta(seconds=20 * k)).isoformat(),
                       answers=answers)
        flags.append(send(app, body, kiosk).flags)
    assert flags == [(), (), (), (), (), ("burst",), ("burst",)]


def test_identical_ratings_spread_beyond_the_window_are_no_burst(app, world):
    kiosk = Caller(token=world.kiosk)
    start = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)
    flags = []
    for k in range(6):  # every 30 s: the 120 s window ending at the 5th (both ends included) holds 5
        body = payload(started_at=..., submitted_at=(start + dt.timedelta(seconds=30 * k)).isoformat())
        flags.append(send(app, body, kiosk).flags)
    assert flags == [(), (), (), (), ("burst",), ("burst",)]
    start = dt.datetime(2026, 3, 3, 3, 0, tzinfo=dt.UTC)
    for k in range(6):  # every 31 s: never more than 4 within 120 s
        body = payload(started_at=..., submitted_at=(start + dt.timedelta(seconds=31 * k)).isoformat())
        assert send(app, body, kiosk).flags == ()


def test_thresholds_come_from_configuration(app, world):
    rules = IntegrityRules.from_config({"INTEGRITY_BURST_COUNT": 3, "INTEGRITY_REPEAT_SECONDS": 1})
    assert rules == IntegrityRules(repeat_seconds=1.0, burst_count=3)
    assert IntegrityRules.from_config({}) == IntegrityRules()
    kiosk = Caller(token=world.kiosk)
    start = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)
    flags = [
        send(app, payload(started_at=..., submitted_at=(start + dt.timedelta(seconds=2 * k)).isoformat()),
             kiosk, rules).flags
        for k in range(3)
    ]
    assert flags == [(), (), ("burst",)]
