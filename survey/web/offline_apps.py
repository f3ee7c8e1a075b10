"""What the kiosk and the interview app share on the server: their service workers, their code exchange.

Both are offline web apps that a device joins by exchanging a one-time code (a kiosk pairing code, a
tablet enrolment code) for a bearer token; guessing codes is slowed by a per-address limit kept in
the database, so every app worker shares it.
"""

from __future__ import annotations

from flask import request, send_from_directory
from sqlalchemy.orm import Session

from survey.services import ratelimit

CODE_ATTEMPTS = 10
CODE_WINDOW_SECONDS = 900


def limit_code_attempts(session: Session, kind: str) -> None:
    """Count a code exchange from this address and commit it; raise RateLimited past the limit."""
    address = (request.remote_addr or "unknown")[:64]
    try:
        ratelimit.check(session, f"{kind}:{address}", CODE_ATTEMPTS, CODE_WINDOW_SECONDS)
    finally:
        session.commit()


def service_worker(folder: str, filename: str):
    """Serve a service worker script unhashed and revalidated on every load, so updates arrive at once."""
    response = send_from_directory(folder, filename, max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response
