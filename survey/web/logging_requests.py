"""Structured logs for the web application: a request id, request context on every record, an access line.

Records go to standard output as JSON (logging_format) through the standard logging module. What a
request's records carry is chosen here, never the request's body, query string or headers: answers,
passwords, phone numbers and tokens cannot reach the log that way, and a token in a path (the QR
link ``/r/<token>``) is replaced by its placeholder.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, has_request_context, request

from survey.web.logging_format import HANDLER_NAME, StdoutHandler

ACCESS = logging.getLogger("survey.access")
OWN_LOGGERS = ("survey", "kiosk", "analysis")
REQUEST_ID_HEADER = "X-Request-ID"
# An incoming id is kept only if it is short and plain (a reverse proxy's $request_id, a UUID).
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
# URL variables that hold a secret: logged as "<token>".
SECRET_VIEW_ARGS = frozenset({"token"})
# Probes that a load balancer sends every few seconds are access-logged at DEBUG when they succeed.
PROBES = frozenset({"health.healthz", "health.readyz"})


def init_app(app: Flask) -> None:
    """Send log records to standard output as JSON at LOG_LEVEL and log every request once."""
    install_handler(app.config["LOG_LEVEL"])
    app.before_request(_start_request)
    app.after_request(_log_request)


def install_handler(level: str | int) -> None:
    """Put the JSON handler on the root logger (replacing an earlier one) and set our loggers' level."""
    root = logging.getLogger()
    for handler in [handler for handler in root.handlers if handler.name == HANDLER_NAME]:
        root.removeHandler(handler)
    handler = StdoutHandler()
    handler.addFilter(_add_request_context)
    root.addHandler(handler)
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(level.upper() if isinstance(level, str) else level)
    # The development server's own request lines (hailong demo) would carry query strings and QR
    # tokens; the access lines above replace them.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def _start_request() -> None:
    """Take the request id from X-Request-ID when it is valid, otherwise make one; start the clock."""
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if VALID_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _log_request(response: Response) -> Response:
    """Echo the request id and write the access line."""
    if "request_id" not in g:
        _start_request()
    response.headers[REQUEST_ID_HEADER] = g.request_id
    quiet = request.endpoint in PROBES and response.status_code == 200
    level = logging.DEBUG if quiet else logging.ERROR if response.status_code >= 500 else logging.INFO
    duration_ms = round((time.perf_counter() - g.request_started) * 1000, 1)
    ACCESS.log(level, "%s %s %s", request.method, logged_path(), response.status_code,
               extra={"status": response.status_code, "duration_ms": duration_ms})
    return response


def _add_request_context(record: logging.LogRecord) -> bool:
    """Add the current request's id, method, path, client address and staff user id to a record."""
    if has_request_context():
        record.request_id = g.get("request_id")
        record.method = request.method
        record.path = logged_path()
        record.remote_addr = request.remote_addr
        record.user_id = _user_id()
    return True


def logged_path() -> str:
    """Return the request's path (no query string) with secret URL variables replaced by their names."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if name in SECRET_VIEW_ARGS and isinstance(value, str) and value:
            path = path.replace(value, f"<{name}>")
    return path


def _user_id() -> int | None:
    """Return the logged-in staff member's id if this request already loaded them, else None."""
    # Loading the user here would cost every request a query and touch the session of requests
    # (probes, device calls) that never use it.
    user = g.get("_login_user")
    return user.id if user is not None and getattr(user, "is_authenticated", False) else None
