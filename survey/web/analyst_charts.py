"""Chart downloads of the analyst pages (PNG and SVG), drawn from the same filters as the tables."""

from __future__ import annotations

from flask import Response, abort

from survey.services.charts import FORMATS, render
from survey.services.reporting.figures import heatmap_figure, table_figure, trend_figure
from survey.services.reporting.structure import load_structure
from survey.services.reporting.tables import drill_table
from survey.services.reporting.trends import trend
from survey.web.analyst_filters import read_filters
from survey.web.database import request_session

CHARTS = ("table", "trend", "heatmap")


def chart(name: str, fmt: str):
    """Return the chart ``name`` of the current filters as PNG or SVG."""
    if name not in CHARTS or fmt not in FORMATS:
        abort(404)
    form = read_filters(index_default="sipas" if name == "heatmap" else "kiosk")
    session = request_session()
    if name == "trend":
        structure = load_structure(session, form.filters.index)
        points = trend(session, form.filters, count=6, structure=structure)
        figure = trend_figure(points, structure.kind, form.unit.name_vi)
    elif name == "heatmap":
        figure = heatmap_figure(drill_table(session, form.filters))
    else:
        figure = table_figure(drill_table(session, form.filters))
    response = Response(render(figure, fmt), mimetype=FORMATS[fmt])
    response.headers["Cache-Control"] = "private, max-age=300"
    return response
