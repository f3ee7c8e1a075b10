"""CSV export: UTF-8 with a byte-order mark (so Excel reads Vietnamese), generated line by line."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator

from sqlalchemy.orm import Session

from survey.services.exports import ExportRequest, iter_rows, layout_for

BOM = "\ufeff"


def csv_lines(session: Session, request: ExportRequest) -> Iterator[str]:
    """Yield the export as CSV text: the header line (after a BOM), then one line per response.

    Empty cells are missing values; dates are ISO 8601; numbers are written as Python writes them.
    """
    layout = layout_for(session, request.code)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(layout.names)
    yield BOM + _take(buffer)
    for row in iter_rows(session, request, layout):
        writer.writerow([_cell(value) for value in row])
        yield _take(buffer)


def write_csv(session: Session, request: ExportRequest, path,
              progress: Callable[[int], None] | None = None) -> int:
    """Write the export to ``path``; return the number of responses written."""
    written = -1
    with open(path, "w", encoding="utf-8", newline="") as handle:
        for line in csv_lines(session, request):
            handle.write(line)
            written += 1
            if progress is not None and written:
                progress(1)
    return written


def _take(buffer: io.StringIO) -> str:
    """Return and clear what the writer has put in the buffer."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _cell(value: object) -> object:
    """Return a value as the csv module should write it."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
