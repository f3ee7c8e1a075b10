"""The ``cases`` blueprint at /cases: feedback cases (PAKN) of the user's units, and the status steps."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from survey.db.accounts import User
from survey.db.base import utcnow
from survey.db.organisation import Service, Unit
from survey.domain.periods import Period, local_date
from survey.services import cases as service
from survey.services.cases_queries import CaseFilter, list_cases, overdue, response_times
from survey.services.organisation import units_in
from survey.web.auth import acting_user, bilingual, require_in_scope, role_required, scope_unit_id
from survey.web.database import request_session
from survey.web.exports import unit_code_choices

bp = Blueprint("cases", __name__, url_prefix="/cases")

STATUS_LABELS = {"new": _l("New"), "acknowledged": _l("Acknowledged"), "answered": _l("Answered"),
                 "closed": _l("Closed")}
OVERDUE_LABELS = {"acknowledge": _l("Acknowledgement overdue"), "answer": _l("Answer overdue")}
STEPS = {"acknowledge": service.acknowledge, "communicated": service.mark_communicated,
         "close": service.close}


class FilterForm(FlaskForm):
    """Filters of the case list, read from the query string."""

    class Meta:
        csrf = False

    # Not limited to the listed choices: the unit scope check answers with a clear message.
    unit = SelectField(_l("Unit (with the units below it)"), validators=[Optional()], validate_choice=False)
    status = SelectField(_l("Status"), validators=[Optional()],
                         choices=[SelectChoice("", _l("All"))]
                         + [SelectChoice(key, label) for key, label in STATUS_LABELS.items()])
    period = StringField(_l("Opened in period"), validators=[Optional(), Regexp(
        r"^\d{4}(-\d{2}|-Q[1-4]|-H[12])?$", message=_l("Use 2026-03, 2026-Q1, 2026-H1 or 2026."))])
    overdue = BooleanField(_l("Only overdue cases"))


class StepForm(FlaskForm):
    """A status step: only the CSRF token."""


class AnswerForm(FlaskForm):
    """The unit's answer to the citizen."""

    text = TextAreaField(_l("Answer"), validators=[DataRequired(), Length(max=4000)])


@bp.context_processor
def _labels() -> dict:
    """Give the case templates the names of statuses and overdue marks."""
    return {"status_labels": STATUS_LABELS, "overdue_labels": OVERDUE_LABELS}


def _today():
    """Return today's date in Viet Nam."""
    return local_date(utcnow())


@bp.get("/")
@role_required(*service.READ_ROLES)
def index():
    """List the cases of the user's units with filters, overdue marks and response times."""
    session = request_session()
    form = FilterForm(formdata=request.args or None)
    form.unit.choices = unit_code_choices(units_in(session, scope_unit_id()))
    valid = form.validate()
    unit = session.scalar(select(Unit).where(Unit.code == form.unit.data)) if form.unit.data else None
    if unit is not None:
        require_in_scope(unit.id)
    period = Period.parse(form.period.data) if valid and form.period.data else None
    filters = CaseFilter(unit.id if unit else None, form.status.data or None,
                         bool(form.overdue.data), period)
    rows = list_cases(session, scope_unit_id(), filters, _today()) if valid else []
    times = None
    if period is not None:
        root = unit.id if unit else scope_unit_id()
        times = response_times(session, root, period, service.policy_from_settings(current_app.config).calendar,
                               _today())
    return render_template("cases/index.html", form=form, rows=rows, times=times, period=period)


@bp.get("/<int:case_id>")
@role_required(*service.READ_ROLES)
def show(case_id: int):
    """Show one case; the phone number only to the unit's managers."""
    return _render_case(case_id, None, AnswerForm())


def _render_case(case_id: int, error: str | None, answer_form: AnswerForm, status: int = 200):
    """Render the case page (with an error message after a refused step)."""
    session = request_session()
    case = _case_or_404(case_id)
    require_in_scope(case.unit_id)
    phone = service.phone_of(session, case) if current_user.role in service.PHONE_ROLES else None
    staff = {user.id: user.display_name for user in session.scalars(select(User).where(User.id.in_(
        [i for i in (case.acknowledged_by, case.answered_by, case.communicated_by, case.closed_by) if i])))}
    return render_template(
        "cases/show.html", case=case, unit=session.get(Unit, case.unit_id),
        service_row=session.get(Service, case.service_id) if case.service_id else None,
        phone=phone, staff=staff, overdue=overdue(case, _today()), error=error,
        may_act=current_user.role in service.ACT_ROLES, step_form=StepForm(), answer_form=answer_form,
    ), status


def _case_or_404(case_id: int):
    """Return the case or answer 404."""
    try:
        return service.get_case(request_session(), case_id)
    except service.CaseError:
        abort(404)


@bp.post("/<int:case_id>/<step>")
@role_required(*service.ACT_ROLES)
def act(case_id: int, step: str):
    """Take one status step (acknowledge, answer, communicated, close) on a case."""
    if step not in STEPS and step != "answer":
        abort(404)
    session = request_session()
    require_in_scope(_case_or_404(case_id).unit_id)
    form = AnswerForm() if step == "answer" else StepForm()
    if not form.validate_on_submit():
        return _render_case(case_id, None, form if step == "answer" else AnswerForm(), 400)
    try:
        if step == "answer":
            service.answer(session, case_id, acting_user(), form.text.data)
        else:
            STEPS[step](session, case_id, acting_user())
        session.commit()
    except service.CaseError as error:
        session.rollback()
        status = 403 if error.code == "forbidden" else 409
        return _render_case(case_id, bilingual((error.message_vi, error.message_en)), AnswerForm(), status)
    return redirect(url_for("cases.show", case_id=case_id))
