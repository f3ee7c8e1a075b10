"""The periodic report of a unit: summary against targets, tables, charts, trends, complaints, method.

The same ``ReportData`` feeds the PDF (templates/reports/report.html through survey/services/pdf.py)
and the XLSX workbook (workbook.py), so both carry the same numbers.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from survey.db.base import utcnow
from survey.db.organisation import Unit
from survey.domain.periods import local_date
from survey.domain.workdays import WorkCalendar, bundled_calendar
from survey.services.cases_queries import ResponseTimes, response_times
from survey.services.charts import render
from survey.services.reporting.complaints import Complaint, top_complaints
from survey.services.reporting.figures import table_figure, trend_figure
from survey.services.reporting.filters import Filters
from survey.services.reporting.judging import Judged, judge
from survey.services.reporting.reach import reach_of
from survey.services.reporting.structure import load_structure
from survey.services.reporting.tables import Table, drill_table
from survey.services.reporting.targets import targets_for
from survey.services.reporting.trends import TrendPoint, trend
from survey.services.units import ancestors

#: The steps build_report reports progress for.
STEPS = 7
TITLE = "Báo cáo kết quả đo lường sự hài lòng"


@dataclass(frozen=True)
class ReportData:
    """Everything a report shows, computed once."""

    title: str
    unit: Unit
    unit_path: str
    filters: Filters
    table: Table
    services: Table
    trend: list[TrendPoint]
    judged: list[Judged]
    complaints: list[Complaint]
    case_times: ResponseTimes | None
    charts: dict[str, bytes]
    generated_at: dt.datetime

    def chart_uri(self, name: str) -> str:
        """Return a chart as a data: URI for the PDF template."""
        return "data:image/png;base64," + base64.b64encode(self.charts[name]).decode("ascii")

    @property
    def period_label(self) -> str:
        """Return the period as shown in the title."""
        return self.filters.window.label("vi")


def build_report(session: Session, filters: Filters, progress: Callable[[int], None] | None = None,
                 calendar: WorkCalendar | None = None) -> ReportData:
    """Compute every part of the report of ``filters``; ``progress(1)`` is called after each step.

    ``calendar`` counts the working days of the case-handling figures: the configured holidays
    (HOLIDAYS_FILE, as on /cases), the bundled Vietnamese calendar when not given.
    """
    step = progress or (lambda _count: None)
    unit = session.get(Unit, filters.unit_id)
    structure = load_structure(session, filters.index)
    table = drill_table(session, filters)
    step(1)
    services = drill_table(session, filters, by="service")
    step(1)
    points = trend(session, filters, count=4, structure=structure)
    step(1)
    period = filters.window.period
    targets = targets_for(session, filters.index, [unit.id], period)
    judged = [judge(session, target) for target in targets.values()]
    step(1)
    complaints = top_complaints(session, filters, reach_of(session, unit.id))
    times = response_times(session, unit.id, filters.window, calendar or bundled_calendar(),
                           local_date(utcnow()))
    step(1)
    target = next((j.target.threshold for j in judged if j.target.kind == "value"), None)
    charts = {"table": render(table_figure(table, target), "png"),
              "trend": render(trend_figure(points, structure.kind, unit.name_vi), "png")}
    step(1)
    path = " › ".join(u.name_vi for u in ancestors(session, unit.id))
    report = ReportData(f"{TITLE}, {filters.window.label('vi')}", unit, path, filters, table,
                        services, points, judged, complaints, times, charts, utcnow())
    step(1)
    return report
