"""Response-time statistics against values counted by hand on the 2026 calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from case_world import ICT
from sqlalchemy import select

from survey.db.accounts import User
from survey.db.cases import FeedbackCase
from survey.db.responses import Response
from survey.domain.periods import Period
from survey.domain.workdays import bundled_calendar
from survey.services import cases
from survey.services.cases_queries import response_times
from survey.web.database import session_scope

FRIDAY = dt.datetime(2026, 2, 13, 10, 0, tzinfo=ICT)


def _at(day: int, month: int = 2) -> dt.datetime:
    return dt.datetime(2026, month, day, 9, 0, tzinfo=ICT)


def test_medians_and_shares_within_deadline(app, case_world):
    keys = [case_world.rate("S01", {"overall_rating": 2, "comment": f"case {n}"}, FRIDAY) for n in range(3)]
    keys.append(case_world.rate("S01", {"overall_rating": 1, "comment": "late in Q1"}, _at(4, 3)))
    keys.append(case_world.rate("C02", {"overall_rating": 1, "comment": "other commune"}, FRIDAY))
    with session_scope(app) as session:
        cases.sync(session, cases.CasePolicy())
        ids = [session.scalar(select(FeedbackCase.id).join(Response, Response.id == FeedbackCase.response_id)
                              .where(Response.uuid == key)) for key in keys]
        manager = session.get(User, case_world.users["manager1"])
        # A: acknowledged Mon 23/2 (1 working day, in time), answered Tue 3/3 (7 working days: late).
        cases.acknowledge(session, ids[0], manager, now=_at(23))
        cases.answer(session, ids[0], manager, "A", now=_at(3, 3))
        # B: acknowledged Tue 24/2 (2: late), answered Mon 2/3 (6: in time).
        cases.acknowledge(session, ids[1], manager, now=_at(24))
        cases.answer(session, ids[1], manager, "B", now=_at(2, 3))
        # C: untouched, both deadlines passed by 5/3. D: opened 4/3, acknowledge due 5/3, not yet late.
    with session_scope(app) as session:
        stats = response_times(session, case_world.units["C01"], Period.parse("2026-Q1"),
                               bundled_calendar(), dt.date(2026, 3, 5))
    assert (stats.cases, stats.acknowledged, stats.answered) == (4, 2, 2)
    assert stats.median_days_to_acknowledge == pytest.approx(1.5)
    assert stats.median_days_to_answer == pytest.approx(6.5)
    assert stats.share_acknowledged_in_time == pytest.approx(1 / 3)
    assert stats.share_answered_in_time == pytest.approx(1 / 3)
    assert stats.overdue_now == 1
    with session_scope(app) as session:
        everywhere = response_times(session, None, Period.parse("2026-Q1"), bundled_calendar(),
                                    dt.date(2026, 3, 5))
        empty = response_times(session, None, Period.parse("2026-Q3"), bundled_calendar(),
                               dt.date(2026, 9, 5))
    assert everywhere.cases == 5 and everywhere.overdue_now == 2
    assert empty.cases == 0 and empty.median_days_to_answer is None and empty.share_answered_in_time is None


@pytest.mark.parametrize("holidays, expected_days", [(None, 1), ("years:\n  2026:\n    holidays: []\n", 6)])
def test_the_report_counts_working_days_on_the_configured_calendar(app, case_world, tmp_path, holidays,
                                                                   expected_days):
    """Opened Friday 13/2, acknowledged Monday 23/2: 1 working day across Tết, 6 without holidays."""
    from io import BytesIO

    from openpyxl import load_workbook

    from survey.cli import cli

    key = case_world.rate("S01", {"overall_rating": 2, "comment": "Chờ quá lâu"}, FRIDAY)
    with session_scope(app) as session:
        cases.sync(session, cases.CasePolicy())
        case_id = session.scalar(select(FeedbackCase.id).join(Response, Response.id == FeedbackCase.response_id)
                                 .where(Response.uuid == key))
        cases.acknowledge(session, case_id, session.get(User, case_world.users["manager1"]), now=_at(23))
    if holidays is not None:
        calendar = tmp_path / "holidays.yaml"
        calendar.write_text(holidays, encoding="utf-8")
        app.config["HOLIDAYS_FILE"] = str(calendar)
    output = tmp_path / "report.xlsx"
    result = app.test_cli_runner().invoke(cli, ["report", "C01", "2026-Q1", "--index", "kiosk", "-o", str(output)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(BytesIO(output.read_bytes()))["Xử lý phản ánh"]
    figures = {row[0].split(" / ")[1]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert figures["cases opened"] == 1 and figures["acknowledged"] == 1
    assert figures["median working days to acknowledge"] == expected_days


def test_a_report_of_a_custom_range_counts_the_cases_opened_in_it(app, case_world, tmp_path):
    from io import BytesIO

    from openpyxl import load_workbook

    from survey.cli import cli

    for day in (12, 13):  # Thursday 12 and Friday 13 February
        case_world.rate("S01", {"overall_rating": 1, "comment": f"ngày {day}"}, _at(day))
    with session_scope(app) as session:
        cases.sync(session, cases.CasePolicy())
    output = tmp_path / "report.xlsx"
    result = app.test_cli_runner().invoke(cli, ["report", "C01", "2026-02-13..2026-02-28", "--index", "kiosk",
                                                "-o", str(output)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(BytesIO(output.read_bytes()))["Xử lý phản ánh"]
    figures = {row[0].split(" / ")[1]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert figures["cases opened"] == 1 and figures["overdue now"] == 1
