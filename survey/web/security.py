"""Security headers for every response, and the 429 answer of every rate limit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, Response, current_app, jsonify, request, session

from survey.services import ratelimit
from survey.services.ratelimit import RateLimited

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])

# Requests a minute of one API client key (the one-stop software sends one per transaction).
API_RATE_LIMIT = 600

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), geolocation=(self), microphone=()",
}


def init_app(app: Flask) -> None:
    """Add the security headers to every response and answer rate-limited requests."""
    app.after_request(_add_headers)
    app.register_error_handler(RateLimited, _rate_limited)


def _add_headers(response: Response) -> Response:
    """Set the headers unless a view chose its own value; no-store for staff; HSTS when configured."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if "_user_id" in session:  # a staff member's pages stay out of shared and back-button caches
        response.headers.setdefault("Cache-Control", "no-store")
    hsts = current_app.config.get("HSTS_SECONDS")
    if hsts and request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", f"max-age={int(hsts)}; includeSubDomains")
    return response


def limit_api_client(session: Session, credential_id: int) -> None:
    """Count a request of an API client key and commit it; raise RateLimited over API_RATE_LIMIT a minute."""
    limit = int(current_app.config.get("API_RATE_LIMIT", API_RATE_LIMIT))
    try:
        ratelimit.check(session, f"api-client:{credential_id}", limit, 60)
    finally:
        session.commit()


def _rate_limited(error: RateLimited):
    """Answer 429 with Retry-After and the refusal in Vietnamese and English."""
    body = {"error": {"code": error.code, "field": None, "retry_after": error.retry_after,
                      "message": {"vi": error.message_vi, "en": error.message_en}}}
    return jsonify(body), 429, {"Retry-After": str(error.retry_after)}
