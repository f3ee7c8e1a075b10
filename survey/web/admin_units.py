"""Admin views of units: the tree, create and edit (with opening hours), predecessors (mergers)."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from survey.db.organisation import Unit
from survey.services import organisation as org
from survey.services.units import subtree_ids
from survey.web.admin_forms import (
    ConfirmForm,
    PredecessorForm,
    UnitForm,
    attach_error,
    unit_choices,
)
from survey.web.auth import require_in_scope, scope_unit_id
from survey.web.database import request_session

TOP_LEVEL = _l("— none (top of the tree) —")


def index():
    """Show the unit tree of the user's scope."""
    session = request_session()
    return render_template("admin/units.html", tree=org.unit_tree(session, scope_unit_id()))


def _parent_choices(unit: Unit | None) -> list[tuple]:
    """Return the units a unit may be placed under: the scope, minus the unit's own subtree."""
    session = request_session()
    excluded = subtree_ids(session, unit.id) if unit else set()
    candidates = [u for u in org.units_in(session, scope_unit_id()) if u.id not in excluded]
    if unit is not None and unit.parent is not None and unit.parent not in candidates:
        candidates.insert(0, unit.parent)  # a manager's own root keeps the parent it has
    top = TOP_LEVEL if scope_unit_id() is None or (unit and unit.parent_id is None) else None
    return unit_choices(candidates, none_label=top)


def _save(form: UnitForm, unit: Unit | None):
    """Create or update the unit from a valid form; return a redirect, or None after an error."""
    session = request_session()
    if unit is None or form.parent_id.data != unit.parent_id:
        require_in_scope(form.parent_id.data)
    try:
        if unit is None:
            unit = org.create_unit(session, **form.values())
        else:
            org.update_unit(session, unit.id, **form.values())
        session.commit()
    except org.OrganisationError as error:
        session.rollback()
        attach_error(form, error)
        return None
    return redirect(url_for("admin.unit_edit", unit_id=unit.id))


def new():
    """Create a unit (under ?parent=<id> when given)."""
    form = UnitForm(parent_id=request.args.get("parent", type=int))
    form.parent_id.choices = _parent_choices(None)
    if form.validate_on_submit() and (done := _save(form, None)):
        return done
    return render_template("admin/unit_form.html", form=form, unit=None)


def _unit_in_scope(unit_id: int) -> Unit:
    """Return the unit, or answer 404 when it is missing or outside the user's scope."""
    unit = request_session().get(Unit, unit_id)
    if unit is None:
        abort(404)
    require_in_scope(unit.id)
    return unit


def edit(unit_id: int):
    """Edit a unit, and show its predecessors with a form to add one."""
    session = request_session()
    unit = _unit_in_scope(unit_id)
    form = UnitForm(obj=unit)
    form.parent_id.choices = _parent_choices(unit)
    if request.method == "GET":
        form.fill_hours(org.hours_of(unit))
    elif form.validate_on_submit() and (done := _save(form, unit)):
        return done
    return render_template(
        "admin/unit_form.html", form=form, unit=unit, predecessor_form=_predecessor_form(unit),
        predecessors=org.predecessors_of(session, unit.id), confirm=ConfirmForm(),
    )


def _predecessor_form(unit: Unit) -> PredecessorForm:
    """Return the form to add a predecessor chosen among the other units of the scope."""
    form = PredecessorForm()
    others = [u for u in org.units_in(request_session(), scope_unit_id()) if u.id != unit.id]
    form.predecessor_id.choices = unit_choices(others)
    return form


def add_predecessor(unit_id: int):
    """Record a predecessor of the unit."""
    session = request_session()
    unit = _unit_in_scope(unit_id)
    form = _predecessor_form(unit)
    if form.validate_on_submit():
        try:
            org.add_predecessor(session, unit.id, form.predecessor_id.data, form.effective_date.data,
                                end_predecessor=form.end_predecessor.data)
            session.commit()
            return redirect(url_for("admin.unit_edit", unit_id=unit.id))
        except org.OrganisationError as error:
            session.rollback()
            attach_error(form, error)
    unit_form = UnitForm(obj=unit)
    unit_form.parent_id.choices = _parent_choices(unit)
    unit_form.fill_hours(org.hours_of(unit))
    return render_template(
        "admin/unit_form.html", form=unit_form, unit=unit, predecessor_form=form,
        predecessors=org.predecessors_of(session, unit.id), confirm=ConfirmForm(),
    ), 422


def remove_predecessor(unit_id: int, predecessor_id: int):
    """Delete a predecessor link recorded by mistake."""
    session = request_session()
    unit = _unit_in_scope(unit_id)
    try:
        org.remove_predecessor(session, unit.id, predecessor_id)
    except org.OrganisationError:
        abort(404)
    session.commit()
    return redirect(url_for("admin.unit_edit", unit_id=unit.id))
