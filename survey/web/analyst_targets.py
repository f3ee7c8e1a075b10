"""Targets and publication: unit managers set targets and publish results for units in their scope."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from survey.db.organisation import Unit
from survey.db.targets import PublishedResult
from survey.services.reporting import publication, targets
from survey.services.reporting.judging import judge
from survey.services.reporting.tables import sort_key
from survey.services.units import by_code, is_within, subtree_ids
from survey.web.analyst_filters import read_filters
from survey.web.auth import scope_unit_id
from survey.web.database import request_session

#: At most this many targets are judged on one page (each needs its own estimate).
SHOWN = 60


def _scope_ids(session) -> set[int]:
    """Return the ids of the units the user may see."""
    scope = scope_unit_id()
    if scope is None:
        return set(session.scalars(select(Unit.id)))
    return subtree_ids(session, scope)


def index():
    """List the targets and published results in scope, judged on the current estimates."""
    form = read_filters()
    session = request_session()
    ids = _scope_ids(session)
    judged = [judge(session, target) for target in targets.list_targets(session, ids)[:SHOWN]]
    published = session.scalars(select(PublishedResult).where(PublishedResult.unit_id.in_(sorted(ids)))).all()
    units = {unit.id: unit for unit in session.scalars(select(Unit).where(Unit.id.in_(sorted(ids))))}
    choices = sorted(units.values(), key=lambda unit: sort_key(unit.name_vi))
    return render_template("analyst/targets.html", form=form, judged=judged, published=published,
                           units=units, choices=choices,
                           may_edit=current_user.role in ("unit_manager", "admin"))


def _unit_in_scope(session, code: str) -> Unit:
    """Return the unit with ``code`` inside the user's scope, or answer 404."""
    unit = by_code(session, code or "")
    if unit is None or not is_within(session, unit.id, scope_unit_id()):
        abort(404)
    return unit


def set_target():
    """Create or replace a target from the form."""
    session = request_session()
    unit = _unit_in_scope(session, request.form.get("unit", ""))
    try:
        targets.set_target(session, request.form.get("index", ""), unit.id,
                           request.form.get("period", ""), request.form.get("target", ""),
                           by=current_user.id)
    except targets.TargetError as error:
        session.rollback()
        flash(str(error), "error")
        return redirect(url_for("analyst.targets"))
    session.commit()
    flash(_("Target saved."), "ok")
    return redirect(url_for("analyst.targets"))


def delete(target_id: int):
    """Delete a target of a unit in scope."""
    session = request_session()
    if not targets.delete_target(session, target_id, _scope_ids(session)):
        abort(404)
    session.commit()
    flash(_("Target deleted."), "ok")
    return redirect(url_for("analyst.targets"))


def publish():
    """Publish or withdraw an index of a unit and period on the public page."""
    session = request_session()
    unit = _unit_in_scope(session, request.form.get("unit", ""))
    index, period = request.form.get("index", ""), request.form.get("period", "")
    try:
        if request.form.get("action") == "withdraw":
            publication.unpublish(session, index, unit.id, period)
        else:
            publication.publish(session, index, unit.id, period, by=current_user.id)
    except ValueError as error:
        session.rollback()
        flash(_("Cannot publish: %(error)s", error=error), "error")
        return redirect(url_for("analyst.targets"))
    session.commit()
    flash(_("Publication updated."), "ok")
    return redirect(url_for("analyst.targets"))
