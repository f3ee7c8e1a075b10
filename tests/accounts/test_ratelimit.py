"""Fixed-window counters in the database: counting, windows, clean-up and concurrent workers."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from survey.db.accounts import RateLimitCounter
from survey.services import ratelimit
from survey.web.database import session_scope

UTC = dt.UTC
# 1_000_020 is a multiple of 60, so this moment lies 30 s into a one-minute window.
NOW = dt.datetime.fromtimestamp(1_000_050, UTC)


def _hits(app, key, count, limit=3, window=60, now=NOW):
    """Return the decisions of ``count`` hits, each committed on its own."""
    decisions = []
    for _ in range(count):
        with session_scope(app) as session:
            decisions.append(ratelimit.hit(session, key, limit, window, now))
    return decisions


def test_limit_remaining_and_retry_after(app):
    decisions = _hits(app, "k", 5)
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0, 0]
    assert [d.retry_after for d in decisions] == [0, 0, 0, 30, 30]


def test_next_window_starts_afresh_and_other_keys_are_separate(app):
    assert not _hits(app, "k", 4)[-1].allowed
    assert _hits(app, "other", 1)[0].allowed
    assert _hits(app, "k", 1, now=NOW + dt.timedelta(seconds=30))[0].remaining == 2


def test_peek_does_not_count(app):
    _hits(app, "k", 2)
    with session_scope(app) as session:
        assert ratelimit.peek(session, "k", 3, 60, NOW) == ratelimit.RateDecision(True, 1, 0)
        assert ratelimit.peek(session, "k", 2, 60, NOW) == ratelimit.RateDecision(False, 0, 30)
    assert _hits(app, "k", 1)[0].remaining == 0


def test_reset_forgets_the_key(app):
    _hits(app, "k", 4)
    with session_scope(app) as session:
        ratelimit.reset(session, "k")
    assert _hits(app, "k", 1)[0].remaining == 2


def test_old_windows_are_deleted(app):
    _hits(app, "k", 2)
    _hits(app, "stale", 1, now=NOW - dt.timedelta(days=2))
    _hits(app, "recent", 1, now=NOW - dt.timedelta(hours=2))
    _hits(app, "k", 1, now=NOW + dt.timedelta(minutes=5))
    with session_scope(app) as session:
        rows = session.execute(select(RateLimitCounter.key, RateLimitCounter.hits)).all()
    assert sorted(rows) == [("k", 1), ("recent", 1)]


def test_window_longer_than_a_day_is_refused(app):
    with session_scope(app) as session, pytest.raises(ValueError, match="window_seconds"):
        ratelimit.hit(session, "k", 1, 2 * 24 * 3600)


def test_concurrent_workers_count_every_hit(app):
    threads, per_thread, limit = 12, 5, 23
    barrier = threading.Barrier(threads)
    results: list[bool] = []
    errors: list[BaseException] = []

    def worker():
        try:
            barrier.wait()
            for _ in range(per_thread):
                with session_scope(app) as session:
                    results.append(ratelimit.hit(session, "burst", limit, 3600, NOW).allowed)
        except Exception as error:  # noqa: BLE001 - reported below, a thread's exception is otherwise lost
            errors.append(error)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert errors == []
    assert results.count(True) == limit
    with session_scope(app) as session:
        assert session.scalar(select(func.sum(RateLimitCounter.hits))) == threads * per_thread
