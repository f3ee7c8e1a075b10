"""Report downloads of the analyst pages: the PDF or XLSX of the current filters."""

from __future__ import annotations

from flask import Response, abort, current_app

from survey.services.cases import policy_from_settings
from survey.services.reporting.output import FORMATS, file_name, report_bytes
from survey.web.analyst_filters import read_filters
from survey.web.database import request_session


def download(fmt: str):
    """Return the report of the current filters as a file download."""
    if fmt not in FORMATS:
        abort(404)
    form = read_filters()
    calendar = policy_from_settings(current_app.config).calendar
    data = report_bytes(request_session(), form.filters, fmt, calendar=calendar)
    name = file_name(form.unit.code, form.filters.window.code, form.filters.index, fmt)
    response = Response(data, mimetype=FORMATS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
