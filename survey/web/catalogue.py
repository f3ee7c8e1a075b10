"""Public pages that show the published questionnaires: what citizens and households are asked."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from survey.services import questionnaires as service
from survey.web.database import request_session

bp = Blueprint("catalogue", __name__)


@bp.get("/")
def index():
    """List the stored questionnaire versions."""
    rows = service.list_versions(request_session())
    return render_template("catalogue/index.html", versions=rows)


@bp.get("/questionnaires/<code>/<version>")
def show(code: str, version: str):
    """Show one questionnaire version: sections, items, choices, skip logic and its dimension tree."""
    try:
        row, questionnaire = service.get(request_session(), code, version)
    except service.VersionNotFound:
        abort(404)
    return render_template("catalogue/show.html", row=row, q=questionnaire)
