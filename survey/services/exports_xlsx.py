"""XLSX export: openpyxl's write-only mode streams rows to a file in constant memory.

Sheets: ``responses`` (one row per response), ``variables`` (each column's labels) and
``value_labels`` (each code of a choice-like column with its labels).
"""

from __future__ import annotations

from collections.abc import Callable

from openpyxl import Workbook
from sqlalchemy.orm import Session

from survey.services.exports import ExportError, ExportRequest, count, iter_rows, layout_for
from survey.services.exports_layout import Layout

# Excel's sheet limit is 1,048,576 rows, one of which is the header.
MAX_ROWS = 1_048_575


def write_xlsx(session: Session, request: ExportRequest, path,
               progress: Callable[[int], None] | None = None) -> int:
    """Write the export to ``path`` (a temporary file for downloads); return the responses written."""
    layout = layout_for(session, request.code)
    total = count(session, request)
    if total > MAX_ROWS:
        raise ExportError(
            "too_large", f"{total} phản hồi vượt giới hạn {MAX_ROWS} dòng của Excel: hãy dùng CSV "
            "hoặc lọc theo đơn vị, kỳ.",
            f"{total} responses exceed Excel's limit of {MAX_ROWS} rows: use CSV or filter by unit "
            "or period.",
        )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("responses")
    sheet.append(layout.names)
    written = 0
    for row in iter_rows(session, request, layout):
        sheet.append(row)
        written += 1
        if progress is not None:
            progress(1)
    _write_labels(workbook, layout)
    workbook.save(path)
    return written


def _write_labels(workbook: Workbook, layout: Layout) -> None:
    """Add the sheets of variable labels and value labels."""
    variables = workbook.create_sheet("variables")
    variables.append(["variable", "type", "label_vi", "label_en"])
    values = workbook.create_sheet("value_labels")
    values.append(["variable", "value", "label_vi", "label_en"])
    for column in layout.columns:
        variables.append([column.name, column.type, column.label_vi, column.label_en])
        for value, label_vi, label_en in column.values:
            values.append([column.name, value, label_vi, label_en])
