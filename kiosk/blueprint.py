"""The kiosk page, its service worker, and the JSON endpoints a paired kiosk and integrations call.

Device endpoints take ``Authorization: Bearer <kiosk token>``; the push endpoint takes an API client
key. Nothing here reads a cookie, so the blueprint is exempt from CSRF.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, jsonify, render_template, request

from survey.services import kiosk_pushes, kiosks
from survey.services.kiosk_config import KioskSettings, device_config
from survey.services.questionnaires import VersionNotFound
from survey.web import offline_apps
from survey.web.database import request_session
from survey.web.security import limit_api_client

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk", static_folder="static")

STATUS = {"invalid_credential": 401, "credential_revoked": 403, "forbidden": 403, "unknown_kiosk": 404,
          "no_questionnaire": 503}


@bp.get("/")
def app_shell():
    """Serve the kiosk's single page (the service worker caches it for offline use)."""
    return render_template("kiosk/app.html")


@bp.get("/sw.js")
def service_worker():
    """Serve the service worker from /kiosk/ so that its scope is the kiosk."""
    return offline_apps.service_worker(bp.static_folder, "js/sw.js")


@bp.post("/api/pair")
def pair():
    """Exchange a one-time pairing code for a device token."""
    session = request_session()
    offline_apps.limit_code_attempts(session, "kiosk-pair")
    kiosk, token = kiosks.pair(session, str(_json_object().get("code", "")))
    session.commit()
    return jsonify({"token": token, "kiosk": {"id": kiosk.id, "name": kiosk.name}}), 201


@bp.get("/api/config")
def config():
    """Return the paired kiosk's unit, services, settings and questionnaire."""
    session = request_session()
    kiosk = kiosks.for_token(session, _bearer())
    settings = KioskSettings.from_config(current_app.config)
    try:
        body = device_config(session, kiosk, settings)
    except VersionNotFound:
        raise kiosks.KioskError("no_questionnaire", "Chưa có phiếu đánh giá được ban hành.",
                                "No kiosk questionnaire has been published.") from None
    session.commit()
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    # A kiosk asks after every sync; an unchanged configuration costs a 304 instead of the document.
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest())
    return response.make_conditional(request)


@bp.post("/api/next")
def next_transaction():
    """Hand the kiosk the oldest transaction pushed to it, if any."""
    session = request_session()
    kiosk = kiosks.for_token(session, _bearer())
    entry = kiosk_pushes.take(session, kiosk)
    session.commit()
    return jsonify({"push": entry})


@bp.post("/api/push")
def push():
    """Let an integration push "transaction T, service S, counter C" to a kiosk in its scope."""
    session = request_session()
    credential_id, scope = kiosk_pushes.api_client_scope(session, _bearer())
    limit_api_client(session, credential_id)
    body = _json_object()
    kiosk_id = body.get("kiosk")
    if not isinstance(kiosk_id, int) or isinstance(kiosk_id, bool):
        raise kiosks.KioskError("unknown_kiosk", "Không có kiosk này.", "No such kiosk.", "kiosk")
    entry = kiosk_pushes.push(
        session, kiosk_id, str(body.get("transaction_ref") or ""), service_code=body.get("service"),
        counter_code=body.get("counter"), scope_unit_id=scope, credential_id=credential_id,
    )
    session.commit()
    return jsonify({"id": entry.id, "expires_at": entry.expires_at.isoformat()}), 201


@bp.errorhandler(kiosks.KioskError)
def refused(error: kiosks.KioskError):
    """Answer a refused kiosk request with a JSON error in Vietnamese and English."""
    request_session().rollback()
    body = {"error": {"code": error.code, "field": error.field,
                      "message": {"vi": error.message_vi, "en": error.message_en}}}
    return jsonify(body), STATUS.get(error.code, 400)


def _json_object() -> dict:
    """Return the request body if it is a JSON object, else an empty one."""
    body = request.get_json(silent=True, force=True)
    return body if isinstance(body, dict) else {}


def _bearer() -> str | None:
    """Return the bearer token of the request, if any."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None
