"""Fixed-window rate limits with counters in the database, so every app worker shares them.

A key (``login:user:lan``) gets ``limit`` hits per window of ``window_seconds``; windows are aligned on
the Unix epoch. Each hit is one atomic ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` (SQLite >=
3.35 and PostgreSQL), so concurrent workers never lose a count. Windows older than a day are deleted
as new windows start.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import delete, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from survey.db.accounts import RateLimitCounter
from survey.db.base import utcnow
from survey.services.errors import ServiceError

MAX_WINDOW_SECONDS = 24 * 3600
_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


@dataclass(frozen=True)
class RateDecision:
    """Whether a hit is allowed, how many remain in the window, and seconds until the window ends."""

    allowed: bool
    remaining: int
    retry_after: int


class RateLimited(ServiceError):
    """Too many requests of one key in the window: answered 429 with Retry-After (survey/web/security.py)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("rate_limited", "Quá nhiều yêu cầu, xin thử lại sau ít phút.",
                         "Too many requests, please try again in a few minutes.")
        self.retry_after = retry_after


def _window(now: dt.datetime | None, window_seconds: int) -> tuple[int, int]:
    """Return the current window's start (epoch seconds) and the seconds left in it."""
    if not 0 < window_seconds <= MAX_WINDOW_SECONDS:
        raise ValueError(f"window_seconds must be within 1..{MAX_WINDOW_SECONDS}")
    epoch = (now or utcnow()).timestamp()
    start = int(epoch // window_seconds) * window_seconds
    return start, max(1, math.ceil(start + window_seconds - epoch))


def _decision(hits: int, limit: int, left: int) -> RateDecision:
    """Return the decision for ``hits`` in a window with ``left`` seconds to go."""
    allowed = hits <= limit
    return RateDecision(allowed, max(0, limit - hits), 0 if allowed else left)


def hit(
    session: Session, key: str, limit: int, window_seconds: int, now: dt.datetime | None = None
) -> RateDecision:
    """Count one hit of ``key`` and decide whether it is within ``limit`` hits per window."""
    start, left = _window(now, window_seconds)
    insert = _INSERTS[session.get_bind().dialect.name]
    statement = insert(RateLimitCounter).values(key=key, window_start=start, hits=1)
    statement = statement.on_conflict_do_update(
        index_elements=[RateLimitCounter.key, RateLimitCounter.window_start],
        set_={"hits": RateLimitCounter.hits + 1},
    ).returning(RateLimitCounter.hits)
    hits = session.execute(statement).scalar_one()
    if hits == 1:
        _purge(session, key, start, now)
    return _decision(hits, limit, left)


def check(
    session: Session, key: str, limit: int, window_seconds: int, now: dt.datetime | None = None
) -> None:
    """Count one hit of ``key`` and raise RateLimited when it is over ``limit`` hits per window.

    The hit is counted in the session's transaction: commit it, also when this raises.
    """
    decision = hit(session, key, limit, window_seconds, now)
    if not decision.allowed:
        raise RateLimited(decision.retry_after)


def peek(
    session: Session, key: str, limit: int, window_seconds: int, now: dt.datetime | None = None
) -> RateDecision:
    """Return the decision a hit would have got so far, without counting one."""
    start, left = _window(now, window_seconds)
    hits = session.scalar(select(RateLimitCounter.hits).where(
        RateLimitCounter.key == key, RateLimitCounter.window_start == start
    )) or 0
    return RateDecision(hits < limit, max(0, limit - hits), 0 if hits < limit else left)


def reset(session: Session, key: str) -> None:
    """Forget every counted hit of ``key``."""
    session.execute(delete(RateLimitCounter).where(RateLimitCounter.key == key))


def _purge(session: Session, key: str, start: int, now: dt.datetime | None) -> None:
    """Delete the key's earlier windows and every window older than a day.

    Rows another transaction holds are skipped (PostgreSQL ``SKIP LOCKED``), so two workers purging at
    once never wait on or deadlock with each other; SQLite serialises writers anyway.
    """
    session.execute(delete(RateLimitCounter).where(
        RateLimitCounter.key == key, RateLimitCounter.window_start < start
    ))
    cutoff = int((now or utcnow()).timestamp()) - MAX_WINDOW_SECONDS
    stale = (
        select(RateLimitCounter.key, RateLimitCounter.window_start)
        .where(RateLimitCounter.window_start < cutoff)
        .with_for_update(skip_locked=True)
    )
    session.execute(delete(RateLimitCounter).where(
        tuple_(RateLimitCounter.key, RateLimitCounter.window_start).in_(stale)
    ))
