"""The ``analyst`` blueprint at /analyst: tables, drill-down, trends, league, heatmap, targets, charts.

Every page reads the same GET filter form (survey/web/analyst_filters.py), stays inside the user's unit
subtree and calls one reporting service.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from survey.services.reporting.cells import SUPPRESSION_RULE
from survey.services.reporting.gap import LARGE_GAP, WARNING_TEXT, kiosk_vs_household
from survey.services.reporting.league import league as league_table
from survey.services.reporting.structure import NoQuestionnaire
from survey.services.reporting.tables import drill_table
from survey.services.reporting.trends import trend
from survey.web import analyst_charts, analyst_report, analyst_targets
from survey.web.analyst_filters import options, read_filters
from survey.web.auth import role_required
from survey.web.database import request_session
from survey.web.i18n import select_language

bp = Blueprint("analyst", __name__, url_prefix="/analyst")

READERS = ("analyst", "unit_manager", "admin", "supervisor")
MANAGERS = ("unit_manager", "admin")


@bp.context_processor
def _options() -> dict:
    """Give the analyst templates the filter form's choices, the language and the suppression rule."""
    language = select_language()
    return {**options(), "suppression_rule": SUPPRESSION_RULE, "language": language,
            "in_language": lambda texts: texts[0] if language == "vi" else texts[1]}


@bp.errorhandler(NoQuestionnaire)
def _no_questionnaire(error):
    """Explain that the chosen index has no published questionnaire yet."""
    return render_template("analyst/no_data.html", form=read_filters(), message=str(error)), 404


def index():
    """Show the drill-down table of the chosen unit (children, or services at a counter)."""
    form = read_filters()
    return render_template("analyst/index.html", form=form,
                           table=drill_table(request_session(), form.filters))


def trends():
    """Show the chosen unit's estimate over the last periods with tested changes."""
    form = read_filters()
    points = trend(request_session(), form.filters, count=6)
    return render_template("analyst/trends.html", form=form, points=points)


def league():
    """Show the children of the chosen unit ranked in four groups, with their targets."""
    form = read_filters()
    return render_template("analyst/league.html", form=form,
                           league=league_table(request_session(), form.filters))


def heatmap():
    """Show every dimension of the index for every child unit."""
    form = read_filters(index_default="sipas")
    return render_template("analyst/heatmap.html", form=form,
                           table=drill_table(request_session(), form.filters))


def gap():
    """Show kiosk ratings next to household interviews for the chosen unit and its children."""
    form = read_filters()
    rows = kiosk_vs_household(request_session(), form.filters.unit_id, form.filters.window,
                              form.filters.service_id)
    return render_template("analyst/gap.html", form=form, rows=rows, large_gap=LARGE_GAP,
                           warning_text=WARNING_TEXT)


# (rule, endpoint, view, methods, roles allowed); every view also checks the unit scope.
RULES = [
    ("/", "index", index, ["GET"], READERS),
    ("/trends", "trends", trends, ["GET"], READERS),
    ("/league", "league", league, ["GET"], READERS),
    ("/heatmap", "heatmap", heatmap, ["GET"], READERS),
    ("/gap", "gap", gap, ["GET"], READERS),
    ("/chart/<name>.<fmt>", "chart", analyst_charts.chart, ["GET"], READERS),
    ("/report.<fmt>", "report", analyst_report.download, ["GET"], READERS),
    ("/targets", "targets", analyst_targets.index, ["GET"], READERS),
    ("/targets/set", "target_set", analyst_targets.set_target, ["POST"], MANAGERS),
    ("/targets/<int:target_id>/delete", "target_delete", analyst_targets.delete, ["POST"], MANAGERS),
    ("/publish", "publish", analyst_targets.publish, ["POST"], MANAGERS),
]

for rule, endpoint, view, methods, roles in RULES:
    bp.add_url_rule(rule, endpoint, role_required(*roles)(view), methods=methods)
