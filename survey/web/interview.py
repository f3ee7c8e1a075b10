"""The enumerator's offline interview app, its service worker, and the JSON endpoints its tablet calls.

Device endpoints take ``Authorization: Bearer <enumerator device token>``; nothing here reads a
cookie, so the blueprint is exempt from CSRF. Responses themselves go through POST /api/v1/responses.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request

from survey.domain.sampling import SamplingError
from survey.services import fieldwork, fieldwork_listing, fieldwork_outcomes
from survey.services.fieldwork import FieldworkError
from survey.services.fieldwork_download import download
from survey.services.questionnaires import VersionNotFound
from survey.web import offline_apps
from survey.web.database import request_session

bp = Blueprint("interview", __name__, url_prefix="/interview")


@bp.get("/")
def app_shell():
    """Serve the interview app's single page (the service worker caches it for offline use)."""
    return render_template("interview/app.html")


@bp.get("/sw.js")
def service_worker():
    """Serve the service worker from /interview/ so that its scope is the app."""
    return offline_apps.service_worker(current_app.static_folder, "interview/sw.js")


@bp.post("/api/enrol")
def enrol():
    """Exchange a one-time enrolment code for an enumerator device token."""
    session = request_session()
    offline_apps.limit_code_attempts(session, "interview-enrol")
    device, token = fieldwork.enrol(session, str(_json_object().get("code", "")))
    session.commit()
    return jsonify({"token": token, "device": {"id": device.id, "name": device.name}}), 201


@bp.get("/api/assignments")
def assignments():
    """Return the enumerator's villages, respondents, back-checks, send-backs and questionnaires."""
    session = request_session()
    _, user = fieldwork.authenticate(session, _bearer())
    try:
        body = download(session, user)
    except VersionNotFound:
        raise FieldworkError("no_questionnaire", "chưa có phiếu hỏi được ban hành",
                             "the questionnaire is not published", 503) from None
    session.commit()
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/api/outcomes")
def outcomes():
    """Record a visit outcome, or link a back-check or a revision to the response the tablet stored."""
    session = request_session()
    credential, user = fieldwork.authenticate(session, _bearer(), revoked_ok=True)
    report = _json_object()
    kind = report.get("kind")
    if kind != "visit" and credential.revoked_at is not None:
        raise fieldwork.unauthorized()
    if kind == "visit":
        fieldwork_outcomes.report_visit(session, credential, user, report)
    elif kind == "backcheck":
        fieldwork_outcomes.report_backcheck(session, user, report.get("backcheck_id"), report.get("response_uuid"))
    elif kind == "revision":
        fieldwork_outcomes.report_revision(session, user, report.get("sendback_id"), report.get("response_uuid"))
    else:
        raise FieldworkError("invalid_outcome", "báo cáo kết quả không hợp lệ", "invalid outcome report")
    session.commit()
    return jsonify({"status": "recorded"})


@bp.post("/api/listings")
def listings():
    """Store a village's household listing made on the tablet and draw its respondents (idempotent)."""
    session = request_session()
    credential, user = fieldwork.authenticate(session, _bearer())
    try:
        receipt = fieldwork_listing.submit_listing(session, credential, user, _json_object())
    except SamplingError as error:
        raise FieldworkError(error.code, error.message_vi, error.message_en, 422) from None
    session.commit()
    return jsonify(receipt)


@bp.errorhandler(FieldworkError)
def refused(error: FieldworkError):
    """Answer a refused request with its JSON error."""
    request_session().rollback()
    return jsonify(error.to_dict()), error.http_status


def _bearer() -> str | None:
    """Return the bearer token of the request."""
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else None


def _json_object() -> dict:
    """Return the request's JSON object body, or raise."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise FieldworkError("malformed", "yêu cầu phải là một đối tượng JSON", "the body must be a JSON object")
    return body
