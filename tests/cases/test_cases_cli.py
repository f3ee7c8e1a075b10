"""``hailong cases sync`` backfills the missing cases once."""

from __future__ import annotations

import datetime as dt

from case_world import ICT
from sqlalchemy import delete

from survey.cli import cli
from survey.db.cases import FeedbackCase
from survey.web.database import session_scope


def test_sync_command_is_idempotent(runner, case_world):
    when = dt.datetime(2026, 3, 2, 10, tzinfo=ICT)
    case_world.rate("S01", {"overall_rating": 2, "comment": "Chậm"}, when)
    case_world.rate("S01", {"overall_rating": 4}, when)
    with session_scope(case_world.app) as session:
        session.execute(delete(FeedbackCase))  # as data stored before cases opened at submission
    first = runner.invoke(cli, ["cases", "sync"])
    again = runner.invoke(cli, ["cases", "sync"])
    assert first.exit_code == 0 and "Opened 1 new cases" in first.output
    assert again.exit_code == 0 and "Opened 0 new cases" in again.output
