"""Integrity rules that flag a response but never refuse it (DESIGN.md section 5, "bệnh thành tích").

- ``duplicate_transaction``: the transaction reference already has its counted rating (any channel);
  the response is stored uncounted. Settled by a unique insert into counted_transactions.
- ``outside_opening_hours``: an on-site rating (kiosk, or a QR poster at a counter) made outside the
  opening hours of its unit or of the nearest ancestor that has opening hours, with a grace margin.
  Ratings through a receipt's QR link, staff entry and interviews happen anywhere, at any time.
- ``burst``: from one credential, a response submitted within ``repeat_seconds`` of another, or the
  ``burst_count``-th (or later) response with identical answers within ``burst_window_seconds``.
- ``credential_revoked`` (raised by the channel check): the device was revoked after the rating was made.

The thresholds come from the application configuration (``INTEGRITY_*`` keys, or ``HAILONG_INTEGRITY_*``
environment variables); the defaults are those of IntegrityRules.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy.engine import Connection

from survey.domain import opening_hours
from survey.domain.periods import LOCAL_ZONE
from survey.services import submission_store
from survey.services.submission_cache import UnitLink
from survey.services.submission_channels import Flag


@dataclass(frozen=True)
class IntegrityRules:
    """Thresholds of the integrity rules.

    repeat_seconds: two responses from one credential closer than this are a rapid repeat.
    burst_count, burst_window_seconds: this many identical responses from one credential within the
    window make a burst. opening_hours_grace_minutes: tolerance around opening hours (the last
    citizen served rates a few minutes after closing).
    """

    repeat_seconds: float = 5.0
    burst_count: int = 5
    burst_window_seconds: float = 120.0
    opening_hours_grace_minutes: float = 15.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> IntegrityRules:
        """Read INTEGRITY_REPEAT_SECONDS, INTEGRITY_BURST_COUNT, ... from an app configuration."""
        values = {}
        for field in fields(cls):
            key = f"INTEGRITY_{field.name.upper()}"
            if key in config:
                values[field.name] = type(field.default)(config[key])
        return cls(**values)


def opening_hours_flag(
    chain: tuple[UnitLink, ...], on_site: bool, submitted_at: dt.datetime, rules: IntegrityRules
) -> Flag | None:
    """Flag an on-site rating made outside the opening hours of the nearest unit of ``chain`` (root first)."""
    if not on_site:
        return None
    text = next((unit.opening_hours for unit in reversed(chain) if unit.opening_hours), None)
    if text is None:
        return None
    try:
        hours = opening_hours.validate(json.loads(text))
    except (ValueError, TypeError, AttributeError):
        return None  # hours that cannot be read do not judge ratings; the admin pages validate them
    local = submitted_at.astimezone(LOCAL_ZONE)
    day = opening_hours.DAYS[local.weekday()]
    minute = local.hour * 60 + local.minute + local.second / 60
    grace = rules.opening_hours_grace_minutes
    if any(
        _minutes(start) - grace <= minute < _minutes(end) + grace for start, end in hours.get(day, [])
    ):
        return None
    return Flag("outside_opening_hours", f"{day} {local:%H:%M} Asia/Ho_Chi_Minh")


def _minutes(clock: str) -> int:
    """Return minutes after midnight of a validated HH:MM time."""
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def burst_flag(
    connection: Connection, credential_id: int | None, submitted_at: dt.datetime, answers: Mapping[str, Any],
    rules: IntegrityRules,
) -> Flag | None:
    """Flag a rapid repeat or a burst of identical answers from one credential."""
    if credential_id is None:
        return None
    repeat = dt.timedelta(seconds=rules.repeat_seconds)
    window = dt.timedelta(seconds=rules.burst_window_seconds)
    recent = submission_store.recent(
        connection, credential_id, submitted_at - max(repeat, window), submitted_at + repeat
    )
    closest = min((abs(at - submitted_at) for at, _ in recent), default=None)
    if closest is not None and closest < repeat:
        return Flag("burst", f"another response from this device {closest.total_seconds():.1f} s apart")
    identical = 1 + sum(
        1 for at, raw in recent
        if submitted_at - window <= at <= submitted_at and json.loads(raw).get("answers") == answers
    )
    if identical >= rules.burst_count:
        return Flag("burst", f"{identical} identical responses within {rules.burst_window_seconds:g} s")
    return None
