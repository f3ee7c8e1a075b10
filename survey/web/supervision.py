"""Supervision pages: progress, listings, tablets, back-checks (phúc tra) and sending interviews back.

A supervisor sees the villages, interviews and tablets of their own units only; an admin without a
unit sees everything.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from sqlalchemy import select

from survey.db.fieldwork import FieldSurvey
from survey.domain.sampling import SamplingError
from survey.services import fieldwork, fieldwork_listing
from survey.services import fieldwork_backchecks as backchecks
from survey.services.fieldwork import FieldworkError
from survey.services.fieldwork_progress import completed_interviews, progress
from survey.web.auth import acting_user, role_required, scope_unit_id
from survey.web.database import request_session

bp = Blueprint("supervision", __name__, url_prefix="/supervision")

ROLES = ("admin", "supervisor")


@bp.get("/")
@role_required(*ROLES)
def index():
    """List the household surveys."""
    surveys = request_session().scalars(select(FieldSurvey).order_by(FieldSurvey.code)).all()
    return render_template("interview/surveys.html", surveys=surveys)


@bp.get("/<code>")
@role_required(*ROLES)
def survey(code: str):
    """Show a survey's progress, back-checks and completed interviews."""
    return _render(code)


@bp.post("/<code>/backchecks")
@role_required(*ROLES)
def draw_backchecks(code: str):
    """Draw back-checks for a checker."""
    session = request_session()
    try:
        share = float(request.form.get("share_percent") or 10) / 100
        seed = request.form.get("seed", "").strip()
        drawn = backchecks.draw_backchecks(session, code, request.form.get("checker", "").strip(), share=share,
                                           seed=int(seed) if seed else None, by=acting_user())
    except ValueError as error:
        session.rollback()
        return _render(code, error=_message(error), status=422)
    session.commit()
    return redirect(url_for("supervision.survey", code=code, drawn=len(drawn)))


@bp.post("/<code>/send-back")
@role_required(*ROLES)
def send_back(code: str):
    """Send a completed interview back to its enumerator with a comment."""
    session = request_session()
    try:
        backchecks.send_back(session, request.form.get("response_uuid", ""), request.form.get("comment", ""),
                             by=acting_user())
    except FieldworkError as error:
        session.rollback()
        return _render(code, error=_message(error), status=422)
    session.commit()
    return redirect(url_for("supervision.survey", code=code, sent="1"))


@bp.post("/<code>/assign")
@role_required(*ROLES)
def assign(code: str):
    """Give villages (frame codes separated by spaces or commas) to an enumerator."""
    session = request_session()
    villages = request.form.get("villages", "").replace(",", " ").split()
    try:
        fieldwork.assign(session, code, villages, request.form.get("enumerator", "").strip(), by=acting_user())
    except ValueError as error:
        session.rollback()
        return _render(code, error=_message(error), status=422)
    session.commit()
    return redirect(url_for("supervision.survey", code=code, assigned=len(villages)))


@bp.post("/<code>/enrol")
@role_required(*ROLES)
def enrol(code: str):
    """Show a one-time enrolment code for a tablet of an enumerator."""
    session = request_session()
    try:
        issued = fieldwork.new_enrolment(session, request.form.get("enumerator", "").strip(),
                                         request.form.get("name", ""), by=acting_user())
    except FieldworkError as error:
        session.rollback()
        return _render(code, error=_message(error), status=422)
    session.commit()
    return _render(code, enrolment=issued)


@bp.post("/<code>/listings")
@role_required(*ROLES)
def request_listings(code: str):
    """Mark villages (frame codes separated by spaces or commas) "to be listed" on the tablet."""
    session = request_session()
    villages = request.form.get("villages", "").replace(",", " ").split()
    try:
        for village in villages:
            fieldwork_listing.request_listing(session, code, village, by=acting_user())
    except ValueError as error:
        session.rollback()
        return _render(code, error=_message(error), status=422)
    session.commit()
    return redirect(url_for("supervision.survey", code=code, to_list=len(villages)))


@bp.post("/<code>/tablets/<int:device_id>/revoke")
@role_required(*ROLES)
def revoke_tablet(code: str, device_id: int):
    """Revoke an enumerator's tablet: it can download nothing more, its earlier interviews still count."""
    session = request_session()
    try:
        device = fieldwork.revoke_tablet(session, device_id, by=acting_user())
    except FieldworkError as error:
        session.rollback()
        return _render(code, error=_message(error), status=error.http_status)
    session.commit()
    return redirect(url_for("supervision.survey", code=code, revoked=device.name))


def _message(error: ValueError) -> str:
    """Return a refusal's message, Vietnamese first."""
    if isinstance(error, (FieldworkError, SamplingError)):
        return f"{error.message_vi} / {error.message_en}"
    return "Giá trị không hợp lệ. / Invalid value."


def _render(code: str, error: str | None = None, status: int = 200, enrolment=None):
    """Render the survey's supervision page."""
    session, scope = request_session(), scope_unit_id()
    try:
        villages, people, total = progress(session, code, scope)
    except SamplingError:
        abort(404)
    results = backchecks.backcheck_results(session, code, scope)
    return render_template(
        "interview/supervision.html", code=code, villages=villages, people=people, total=total,
        results=results, report=backchecks.mismatch_report(results),
        interviews=completed_interviews(session, code, scope), error=error,
        listings=fieldwork_listing.listing_statuses(session, code, scope), tablets=fieldwork.tablets(session, scope),
        notices=request.args, enrolment=enrolment), status
