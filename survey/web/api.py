"""The JSON API for devices and integrations: submissions and frozen questionnaire documents.

Token-authenticated (``Authorization: Bearer ...``), so it is exempt from CSRF; a staff member's
browser session counts only together with a valid ``X-CSRFToken`` header.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask_wtf.csrf import ValidationError, validate_csrf
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from survey.services.cases import policy_from_settings
from survey.services.submission import (
    Caller,
    CasePolicy,
    IntegrityRules,
    Receipt,
    SubmissionError,
    submit_batch,
    submit_one,
)
from survey.services.submission_payload import payload_uuid
from survey.services.submission_versions import published_row
from survey.web import database

bp = Blueprint("api", __name__, url_prefix="/api/v1")

DEFAULT_MAX_CONTENT_LENGTH = 8 * 1024 * 1024
CASE_POLICY = "hailong.case_policy"


class _DuplicateKey(ValueError):
    """A JSON object names the same key twice, which makes its content ambiguous."""


@bp.post("/responses")
def post_responses():
    """Store one response, or a batch {"responses": [...]} with a result per response."""
    body = _json_body()
    caller = _caller()
    _end_request_transaction()
    factory = current_app.extensions[database.EXTENSION][1]
    rules = IntegrityRules.from_config(current_app.config)
    cases = _case_policy()
    if isinstance(body, dict) and set(body) == {"responses"}:
        results = submit_batch(factory, body["responses"], caller, rules=rules, cases=cases)
        return jsonify({"results": [
            _batch_result(index, payload, result)
            for index, (payload, result) in enumerate(zip(body["responses"], results))
        ]})
    receipt = submit_one(factory, body, caller, rules=rules, cases=cases)
    return jsonify(receipt.to_dict()), receipt.http_status


def _case_policy() -> CasePolicy:
    """Return the deadlines of the feedback cases submissions open, read from the configuration once."""
    policy = current_app.extensions.get(CASE_POLICY)
    if policy is None:
        policy = current_app.extensions[CASE_POLICY] = policy_from_settings(current_app.config)
    return policy


@bp.get("/questionnaires/<code>/<version>")
def questionnaire(code: str, version: str):
    """Return the canonical document of a published version."""
    return _document(published_row(database.request_session(), code, version, None))


@bp.get("/questionnaires/by-hash/<digest>")
def questionnaire_by_hash(digest: str):
    """Return the canonical document of the published version with this content hash."""
    return _document(published_row(database.request_session(), None, None, digest.lower()))


@bp.errorhandler(SubmissionError)
def refused(error: SubmissionError):
    """Answer a refusal with its JSON error; unknown versions are 404 on the document routes."""
    status = 404 if request.method == "GET" else error.http_status
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after else {}
    return jsonify(error.to_dict()), status, headers


@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
def routing_error(error: HTTPException):
    """Answer a wrong API address or method with a JSON error; other pages keep their own."""
    if not request.path.startswith(bp.url_prefix + "/"):
        return error
    code = "not_found" if error.code == 404 else "method_not_allowed"
    response = jsonify(SubmissionError(code).to_dict())
    if error.code == 405:
        response.headers["Allow"] = ", ".join(error.valid_methods or ())
    return response, error.code


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error: RequestEntityTooLarge):
    """Answer an oversized body with a JSON error."""
    return refused(SubmissionError("payload_too_large"))


def _json_body() -> Any:
    """Read the request body as strict JSON (no NaN, no duplicate keys) or refuse it (400)."""
    request.max_content_length = current_app.config.get("API_MAX_CONTENT_LENGTH", DEFAULT_MAX_CONTENT_LENGTH)
    try:
        return json.loads(
            request.get_data(cache=False).decode("utf-8"),
            parse_constant=_refuse_constant, object_pairs_hook=_unique_keys,
        )
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        detail = str(error) if isinstance(error, _DuplicateKey) else ""
        raise SubmissionError("malformed_json", detail, detail) from None


def _refuse_constant(name: str) -> Any:
    """Refuse NaN and Infinity, which are not JSON."""
    raise ValueError(f"{name} is not JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Build an object, refusing a key that appears twice."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(f"({key!r} x2)")
        result[key] = value
    return result


def _caller() -> Caller:
    """Return the caller: the bearer token, and the logged-in staff member if CSRF-checked."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    bearer = token.strip() if scheme.lower() == "bearer" and token.strip() else None
    return Caller(token=bearer, user_id=_staff_user_id())


def _staff_user_id() -> int | None:
    """Return the id of the logged-in staff member when the request carries a valid CSRF token."""
    if getattr(current_app, "login_manager", None) is None:
        return None
    from flask_login import current_user

    if not current_user.is_authenticated:
        return None
    try:
        validate_csrf(request.headers.get("X-CSRFToken"))
    except ValidationError:
        return None
    return getattr(current_user, "id", None)


def _end_request_transaction() -> None:
    """End the transaction the user loader may have opened on the request's session.

    Each response is stored in a transaction of its own; on SQLite every transaction holds the write
    lock (BEGIN IMMEDIATE), so one left open by the request would block them.
    """
    database.request_session().rollback()


def _batch_result(index: int, payload: Any, result: Receipt | SubmissionError) -> dict[str, Any]:
    """Return one entry of a batch answer."""
    entry: dict[str, Any] = {"index": index, "uuid": payload_uuid(payload), "http_status": result.http_status}
    if isinstance(result, Receipt):
        entry["receipt"] = result.to_dict()
    else:
        entry.update(result.to_dict())
    return entry


def _document(row) -> Response:
    """Return a frozen document with its hash as ETag; it never changes, so caches may keep it."""
    response = Response(row.document, mimetype="application/json")
    response.set_etag(row.content_hash)
    response.headers["X-Content-Hash"] = row.content_hash
    response.cache_control.public = True
    response.cache_control.max_age = 365 * 24 * 3600
    response.cache_control.immutable = True
    return response.make_conditional(request)
