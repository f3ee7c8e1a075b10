"""The ``qr`` blueprint: every URL rule of QR links, and the qr channel's authenticator.

- ``/r/<token>`` (also ``/R/<token>``, the upper-case form a receipt's QR code holds): the citizen's
  mobile form, or a page saying in Vietnamese and English why the link does not work;
- ``POST /api/v1/qr-links``: a link for one transaction, for integrations with an API client key;
- ``/qr/links`` and ``/qr/posters``: staff pages to make a transaction link or counter posters.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from flask import (
    Blueprint,
    Flask,
    current_app,
    has_app_context,
    has_request_context,
    render_template,
    request,
)

from survey.db.base import utcnow
from survey.services import qrlinks
from survey.services.qrform import FormUnavailable, citizen_form
from survey.services.submission_channels import register_channel_authenticator
from survey.services.submission_errors import SubmissionError
from survey.web import qr_api, qr_keys, qr_staff
from survey.web.auth import role_required
from survey.web.database import request_session

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from survey.services.submission_channels import Caller, ChannelAuth
    from survey.services.submission_payload import Submission

bp = Blueprint("qr", __name__)

STAFF = ("admin", "unit_manager", "supervisor")
# HTTP status of each refusal page.
REFUSAL_STATUS = {"tampered": 400, "unknown_key": 410, "expired": 410, "used": 409}
PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}


def init_app(app: Flask) -> None:
    """Read the signing keys and link settings, and let QR links submit through the qr channel."""
    qr_keys.init_app(app)
    register_channel_authenticator("qr", _authenticate)


def _authenticate(session: Session, submission: Submission, caller: Caller, now: dt.datetime) -> ChannelAuth:
    """Authenticate a qr submission with the keys of the application serving it."""
    if not has_app_context() or qr_keys.EXTENSION not in current_app.extensions:
        raise SubmissionError("channel_unavailable", field="channel")
    keyring, settings = qr_keys.keyring_and_settings()
    client = (request.remote_addr or "unknown")[:64] if has_request_context() else None
    return qrlinks.authenticate(session, keyring, settings, submission, caller, now, client=client)


def citizen_page(token: str):
    """Show the form a link opens, or why it does not open one."""
    session = request_session()
    keyring, _ = qr_keys.keyring_and_settings()
    status = qrlinks.link_status(session, keyring, token, utcnow())
    if status.refusal is not None:
        return refusal_page(status.refusal)
    try:
        form = citizen_form(session, status.claims)
    except FormUnavailable:
        return render_template("qr/unavailable.html"), 503, PRIVATE
    page = render_template("qr/form.html", form=form, claims=status.claims, token=token)
    return page, 200, PRIVATE


def refusal_page(refusal: str):
    """Render the friendly page of a link that does not open the form."""
    return render_template("qr/refused.html", refusal=refusal), REFUSAL_STATUS[refusal], PRIVATE


RULES = [
    ("/r/<token>", "citizen", citizen_page, ["GET"], None),
    ("/R/<token>", "citizen_upper", citizen_page, ["GET"], None),
    ("/api/v1/qr-links", "api_links", qr_api.create_link, ["POST"], None),
    ("/qr/links", "links", qr_staff.new_link, ["GET", "POST"], STAFF),
    ("/qr/posters", "posters", qr_staff.posters, ["GET", "POST"], STAFF),
]

for rule, endpoint, view, methods, roles in RULES:
    bp.add_url_rule(rule, endpoint, role_required(*roles)(view) if roles else view, methods=methods)
