"""The public results page (công khai) at /cong-khai/<unit code>/<period>: published indices only, no login."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from survey.domain.periods import Period
from survey.services.reporting.cells import SUPPRESSION_RULE
from survey.services.reporting.publication import public_results
from survey.services.units import ancestors, by_code
from survey.web.database import request_session

bp = Blueprint("public", __name__, url_prefix="/cong-khai")


@bp.get("/<unit_code>/<period>")
def results(unit_code: str, period: str):
    """Show the indices the unit's manager published for the period, with intervals and ranks."""
    session = request_session()
    unit = by_code(session, unit_code)
    try:
        parsed = Period.parse(period)
    except ValueError:
        abort(404)
    if unit is None:
        abort(404)
    shown = public_results(session, unit, parsed)
    path = ancestors(session, unit.id)
    return render_template("public/results.html", unit=unit, path=path, period=parsed, results=shown,
                           suppression_rule=SUPPRESSION_RULE)
