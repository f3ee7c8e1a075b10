"""``POST /api/v1/qr-links``: a signed link for one transaction, for the one-stop software.

Authenticated with an API client key (``Authorization: Bearer hla_...``) scoped to units, so exempt
from CSRF. Nothing is written but the key's rate-limit count: the link carries what it grants.
"""

from __future__ import annotations

import base64

from flask import jsonify, request

from survey.db.base import utcnow
from survey.services import credentials, qrimages, qrlinks
from survey.services.submission_errors import SubmissionError
from survey.web.database import request_session
from survey.web.security import limit_api_client
from survey.web.qr_keys import keyring_and_settings, link_url

FIELDS = {"unit", "transaction_ref", "service", "questionnaire"}
# LinkError field -> (error code, HTTP status)
_LINK_ERRORS = {
    "unit": ("unknown_unit", 422), "service": ("unknown_service", 422),
    "transaction_ref": ("invalid_field", 400), "questionnaire": ("invalid_field", 400),
}


def create_link():
    """Sign a single-use link for a transaction; return its URL and QR code as PNG and SVG."""
    session = request_session()
    try:
        scope = _api_client_scope(session)
        body = _body()
        keyring, settings = keyring_and_settings()
        issued = qrlinks.issue_transaction_link(
            session, keyring, settings, unit_code=body.get("unit"), transaction_ref=body.get("transaction_ref"),
            service_code=body.get("service"), questionnaire=body.get("questionnaire", "kiosk"),
            scope_unit_id=scope, now=utcnow(),
        )
    except SubmissionError as error:
        return jsonify(error.to_dict()), error.http_status
    except qrlinks.LinkError as error:
        code, status = _LINK_ERRORS[error.field]
        refused = SubmissionError(code, error.message_vi, error.message_en, field=error.field, http_status=status)
        return jsonify(refused.to_dict()), status
    finally:
        session.rollback()
    return jsonify(_link_json(issued)), 201, {"Cache-Control": "no-store"}


def _api_client_scope(session) -> int | None:
    """Return the unit scope of the live API client key the request carries."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise SubmissionError("missing_credential")
    credential = credentials.find(session, token.strip(), ("api_client",))
    if credential is None or credential.revoked_at is not None:
        raise SubmissionError("invalid_credential")
    limit_api_client(session, credential.id)
    return credential.unit_id


def _body() -> dict:
    """Return the JSON request object, refusing anything else and unknown fields (400)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise SubmissionError("malformed_json")
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise SubmissionError("unknown_field", f"({', '.join(unknown)})", f"({', '.join(unknown)})", field=unknown[0])
    return body


def _link_json(issued: qrlinks.IssuedLink) -> dict:
    """Return the link, its lifetime and its QR code for a 58 mm receipt."""
    url = link_url(issued.path)
    images = qrimages.receipt_images(url)
    return {
        "url": url, "token": issued.token, "kind": issued.claims.kind,
        "issued_at": issued.claims.issued_at.isoformat(), "expires_at": issued.claims.expires_at.isoformat(),
        "qr": {
            "content": images.content, "modules": images.modules, "width_mm": images.width_mm,
            "dpi": qrimages.RECEIPT_DPI, "png_base64": base64.b64encode(images.png).decode("ascii"),
            "svg": images.svg,
        },
    }
