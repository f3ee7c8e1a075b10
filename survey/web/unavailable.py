"""Answer 503 with Retry-After while the database cannot be reached, instead of a bare 500.

A PostgreSQL restart or failover, a dropped connection, or a SQLite file locked past the busy
timeout surface as SQLAlchemy's OperationalError or InterfaceError. The request could not be served
and nothing was stored (its transaction never committed), so the honest answer is "try again
shortly": kiosks, tablets and integrations retry a 503 with the same body, and the idempotent
submission API makes that retry safe. JSON callers get the usual error body in vi and en; pages get
a small standalone page that needs no database (the base layout would load the staff member).
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from survey.services.submission_errors import SubmissionError

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
JSON_PREFIXES = ("/api/", "/kiosk/api/", "/interview/api/")


def init_app(app: Flask) -> None:
    """Answer database connection failures with 503."""
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(InterfaceError, _database_unavailable)


def _database_unavailable(error: DBAPIError):
    """Log the failure with its traceback (scrubbed like any error's, logging_format) and answer 503."""
    cause = error.orig if error.orig is not None else error
    log.error("database unavailable: %s", type(cause).__name__, exc_info=error)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    refusal = SubmissionError("database_unavailable", retry_after=RETRY_AFTER_SECONDS)
    if _wants_json():
        body = refusal.to_dict()
        body["error"]["retry_after"] = RETRY_AFTER_SECONDS
        return jsonify(body), refusal.http_status, headers
    page = render_template("errors/unavailable.html", message_vi=refusal.message_vi,
                           message_en=refusal.message_en, retry_after=RETRY_AFTER_SECONDS)
    return page, refusal.http_status, headers


def _wants_json() -> bool:
    """Whether the caller is an API client, a device app or asks for JSON."""
    if request.path.startswith(JSON_PREFIXES) or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"
