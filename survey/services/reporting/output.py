"""Build a report and write it as PDF or XLSX (the web download and ``hailong report`` share this)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from survey.domain.workdays import WorkCalendar
from survey.services import pdf
from survey.services.reporting.filters import CHANNEL_TEXT, Filters
from survey.services.reporting.report import STEPS, build_report
from survey.services.reporting.workbook import write_workbook

FORMATS = {"pdf": "application/pdf",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
#: Progress steps: building the report, then writing the file.
TOTAL_STEPS = STEPS + 1


def report_bytes(session: Session, filters: Filters, fmt: str,
                 progress: Callable[[int], None] | None = None,
                 calendar: WorkCalendar | None = None) -> bytes:
    """Return the report of ``filters`` as PDF or XLSX bytes (``calendar``: see build_report)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}: pdf or xlsx")
    report = build_report(session, filters, progress, calendar)
    if fmt == "pdf":
        data = pdf.render("reports/report.html", {"report": report, "channel_text": CHANNEL_TEXT})
    else:
        data = write_workbook(report)
    if progress is not None:
        progress(1)
    return data


def file_name(unit_code: str, window_code: str, index: str, fmt: str) -> str:
    """Return a download file name such as 'bao-cao-P01-2026-Q1-sipas.pdf'."""
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in f"{unit_code}-{window_code}")
    return f"bao-cao-{safe}-{index}.{fmt}"
