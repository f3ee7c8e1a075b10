"""Write an export in any of its formats to a file: the one entry point of the CLI and the web pages."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from survey.services import audit
from survey.services.exports import FORMATS, ExportError, ExportRequest
from survey.services.exports_csv import write_csv
from survey.services.exports_xlsx import write_xlsx

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "dta": "application/x-stata-dta",
    "sav": "application/x-spss-sav",
}


def write_export(session: Session, request: ExportRequest, file_format: str, path,
                 progress: Callable[[int], None] | None = None) -> int:
    """Write the export as ``file_format`` (csv, xlsx, dta, sav) to ``path``; return the responses.

    The export is audited in the session: the caller's commit records it.
    """
    rows = _write(session, request, file_format, path, progress)
    record_export(session, request, file_format, rows)
    return rows


def record_export(session: Session, request: ExportRequest, file_format: str, rows: int) -> None:
    """Audit an export: its questionnaire, filters, format and number of responses."""
    audit.record(session, "export.responses", "questionnaire", request.code, unit_id=request.unit_id, details={
        "format": file_format, "rows": rows, "period": request.period.code() if request.period else None,
        "channels": list(request.channels), "include_flagged": request.include_flagged})


def _write(session: Session, request: ExportRequest, file_format: str, path,
           progress: Callable[[int], None] | None) -> int:
    """Write the file in its format; return the responses written."""
    if file_format == "csv":
        return write_csv(session, request, path, progress)
    if file_format == "xlsx":
        return write_xlsx(session, request, path, progress)
    if file_format in ("dta", "sav"):
        # pandas and pyreadstat load only when asked for: every other command starts faster.
        from survey.services.exports_labelled import write_labelled

        return write_labelled(session, request, path, file_format, progress=progress)
    raise ExportError("unknown_format", f"Định dạng không hỗ trợ: {file_format} ({', '.join(FORMATS)}).",
                      f"Unsupported format: {file_format} ({', '.join(FORMATS)}).")


def file_name(request: ExportRequest, file_format: str) -> str:
    """Return a download name such as ``kiosk_2026-Q1.csv``."""
    period = f"_{request.period.code()}" if request.period is not None else ""
    return f"{request.code}{period}.{file_format}"
