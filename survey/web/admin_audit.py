"""Admin view of the audit log: filter by action, user, unit and dates, newest first, page by page."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from survey.services import audit, audit_log
from survey.services import organisation as org
from survey.web.admin_forms import unit_choices
from survey.web.auth import bilingual, scope_unit_id
from survey.web.database import request_session


class AuditFilterForm(FlaskForm):
    """The log's filters, read from the query string (reading changes nothing, so no CSRF token)."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()])
    user = StringField(_l("User name"), validators=[Optional()])
    unit = SelectField(_l("Unit (with the units below it)"), validators=[Optional()], coerce=str)
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])


def index():
    """List the audit entries the user may see (unit managers: their units' entries)."""
    session = request_session()
    form = AuditFilterForm(request.args)
    form.action.choices = [SelectChoice("", _l("All"))] + [
        SelectChoice(code, bilingual(labels)) for code, labels in audit.ACTIONS.items()]
    form.unit.choices = unit_choices(org.units_in(session, scope_unit_id()), none_label=_l("All"))
    valid = form.validate()
    where = audit_log.AuditFilter(
        form.action.data or None, form.user.data or None,
        int(form.unit.data) if valid and form.unit.data else None,
        form.since.data if valid else None, form.until.data if valid else None)
    page = audit_log.page_of(session, where, scope_unit_id(), request.args.get("page", 1, type=int))
    labels = {code: bilingual(pair) for code, pair in audit.ACTIONS.items()}
    return render_template("admin/audit.html", form=form, page=page, labels=labels,
                           args={k: v for k, v in request.args.items() if k != "page"}), 200 if valid else 400
