"""Probes for the process manager and the load balancer: /healthz (alive) and /readyz (can serve).

No authentication, no session, no rate limit: they answer from the process and one small query,
so they stay cheap however often a load balancer asks.
"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify

from survey.services import readiness
from survey.web.database import engine_of

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)
NO_STORE = {"Cache-Control": "no-store"}


@bp.get("/healthz")
def healthz():
    """Answer 200 while the process can answer at all."""
    return jsonify({"status": "alive"}), 200, NO_STORE


@bp.get("/readyz")
def readyz():
    """Answer 200 when the database is reachable and at the migrations' head, else 503 with the reason."""
    outcome = readiness.check(engine_of(current_app))
    if not outcome.ready:
        log.warning("not ready: %s (database at %s, code expects %s)", outcome.reason, outcome.revision,
                    outcome.head)
    return jsonify(outcome.to_dict()), 200 if outcome.ready else 503, NO_STORE
