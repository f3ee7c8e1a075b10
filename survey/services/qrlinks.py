"""QR links: issue signed links, tell a citizen's page whether a link still works, and let a link
submit its rating through the one submission service (the ``qr`` channel).

Issuing writes nothing: the token carries what it grants and its signature (survey.domain.qrtoken).
A transaction link is spent by a unique insert into spent_qr_tokens inside the transaction that
stores its response, so of two concurrent uses exactly one commits. Poster links are used many times
and rate-limited per client address through survey.services.ratelimit.

Keys come from the configuration: ``QR_KEYS`` = {key id: secret} and ``QR_CURRENT_KID``, the key that
signs new links. A link signed with an older key works as long as that key stays in ``QR_KEYS``, so a
retired key must be kept for the longest link lifetime (``QR_POSTER_DAYS``) after it stopped signing.
Without ``QR_KEYS`` the links are signed with a key derived from the application's SECRET_KEY.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.db.organisation import Service, Unit
from survey.db.qr import SpentQrToken
from survey.domain import qrtoken
from survey.domain.qrtoken import LinkClaims, TokenRejected
from survey.services import ratelimit, units
from survey.services.submission_channels import Caller, ChannelAuth
from survey.services.submission_errors import SubmissionError
from survey.services.submission_payload import Submission
from survey.services.submission_versions import published_row

DERIVED_KEY_ID = "app"
MIN_SECRET_BYTES = 16
PATH_PREFIX = "/r/"

# Why a citizen's link does not work, as the refusal pages group the reasons of qrtoken.decode.
REFUSALS = {
    "malformed": "tampered", "non_canonical": "tampered", "unsupported_version": "tampered",
    "bad_signature": "tampered", "not_yet_valid": "tampered", "unknown_key": "unknown_key",
    "expired": "expired",
}
# Refusal -> (submission error code, HTTP status, Vietnamese message, English message).
ERRORS = {
    "tampered": (
        "qr_link_tampered", 401, "Liên kết QR không hợp lệ: có thể đã bị sửa hoặc chép thiếu.",
        "The QR link is not valid: it may have been altered or copied incompletely.",
    ),
    "unknown_key": (
        "qr_link_unknown_key", 401, "Liên kết QR được ký bằng khóa không còn dùng.",
        "The QR link was signed with a key that is no longer in use.",
    ),
    "expired": ("qr_link_expired", 410, "Liên kết QR đã hết hạn.", "The QR link has expired."),
    "used": (
        "qr_link_used", 409, "Liên kết QR này đã được dùng để đánh giá.",
        "This QR link has already been used for a rating.",
    ),
    "mismatch": (
        "qr_link_mismatch", 403, "Phiếu không khớp với liên kết QR (đơn vị, thủ tục, hồ sơ hoặc bảng hỏi).",
        "The response does not match its QR link (unit, service, transaction or questionnaire).",
    ),
    "rate_limited": (
        "qr_rate_limited", 429, "Đã gửi quá nhiều đánh giá từ thiết bị này, xin thử lại sau.",
        "Too many ratings from this device: please try again later.",
    ),
}


class LinkError(ValueError):
    """A link that cannot be issued; ``field`` names the offending input."""

    def __init__(self, field: str, message_vi: str, message_en: str) -> None:
        self.field = field
        self.message_vi = message_vi
        self.message_en = message_en
        super().__init__(f"{field}: {message_en}")


@dataclass(frozen=True)
class Keyring:
    """The signing keys by key id, and the id of the key that signs new links."""

    keys: Mapping[str, bytes]
    current: str

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Keyring:
        """Read QR_KEYS ({kid: secret}) and QR_CURRENT_KID, or derive one key from SECRET_KEY."""
        configured = config.get("QR_KEYS")
        if not configured:
            secret = str(config["SECRET_KEY"]).encode("utf-8")
            key = hmac.new(secret, b"hailong qr link signing key", hashlib.sha256).digest()
            return cls({DERIVED_KEY_ID: key}, DERIVED_KEY_ID)
        if not isinstance(configured, Mapping):
            raise TypeError('QR_KEYS must be a JSON object {"key id": "secret", ...}')
        keys = {str(kid): str(secret).encode("utf-8") for kid, secret in configured.items()}
        for kid, secret in keys.items():
            if not qrtoken.valid_key_id(kid):
                raise ValueError(f"QR_KEYS: key id {kid!r} must be 1-16 characters A-Z a-z 0-9 _ -")
            if len(secret) < MIN_SECRET_BYTES:
                raise ValueError(f"QR_KEYS: the secret of {kid!r} is shorter than {MIN_SECRET_BYTES} bytes")
        current = str(config.get("QR_CURRENT_KID") or "")
        if current not in keys:
            raise ValueError("QR_CURRENT_KID must name one of the keys of QR_KEYS")
        return cls(keys, current)


@dataclass(frozen=True)
class LinkSettings:
    """Lifetimes of links (days) and the poster rate limit (ratings per client per window)."""

    transaction_days: int = 14
    poster_days: int = 366
    poster_limit: int = 20
    poster_window_seconds: int = 3600

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LinkSettings:
        """Read QR_TRANSACTION_DAYS, QR_POSTER_DAYS, QR_POSTER_LIMIT, QR_POSTER_WINDOW_SECONDS."""
        defaults = cls()
        return cls(**{
            name: int(config.get(f"QR_{name.upper()}", getattr(defaults, name)))
            for name in ("transaction_days", "poster_days", "poster_limit", "poster_window_seconds")
        })


@dataclass(frozen=True)
class IssuedLink:
    """A signed link: its token, what it grants and the path of the citizen's page."""

    token: str
    claims: LinkClaims

    @property
    def path(self) -> str:
        """Return the path of the citizen's page, /r/<token>."""
        return PATH_PREFIX + self.token


@dataclass(frozen=True)
class LinkStatus:
    """Whether a link opens the form: its claims, or why not (tampered, unknown_key, expired, used)."""

    claims: LinkClaims | None
    refusal: str | None


def issue_transaction_link(
    session: Session, keyring: Keyring, settings: LinkSettings, *, unit_code: str,
    transaction_ref: str, service_code: str | None = None, questionnaire: str = "kiosk",
    scope_unit_id: int | None = None, now: dt.datetime,
) -> IssuedLink:
    """Sign a single-use link to rate transaction ``transaction_ref`` of a unit within the scope."""
    unit = _unit(session, unit_code, scope_unit_id)
    service_id = _service_id(session, service_code)
    reference = _reference(transaction_ref)
    return _issue(keyring, LinkClaims(
        "transaction", keyring.current, unit.id, service_id, reference, _questionnaire(questionnaire),
        _whole(now), _whole(now) + dt.timedelta(days=settings.transaction_days),
    ))


def issue_poster_link(
    session: Session, keyring: Keyring, settings: LinkSettings, *, unit_id: int,
    service_id: int | None = None, questionnaire: str = "kiosk", now: dt.datetime,
) -> IssuedLink:
    """Sign a multi-use poster link for a counter or service centre."""
    if session.get(Unit, unit_id) is None:
        raise LinkError("unit", "Không có đơn vị này.", "No such unit.")
    return _issue(keyring, LinkClaims(
        "poster", keyring.current, unit_id, service_id, None, _questionnaire(questionnaire),
        _whole(now), _whole(now) + dt.timedelta(days=settings.poster_days),
    ))


def link_status(session: Session, keyring: Keyring, token: str, now: dt.datetime) -> LinkStatus:
    """Return whether a link opens the form now, without spending it."""
    try:
        claims = qrtoken.decode(token, keyring.keys, now)
    except TokenRejected as rejected:
        return LinkStatus(None, REFUSALS[rejected.reason])
    if claims.kind == "transaction" and _spent(session, token) is not None:
        return LinkStatus(claims, "used")
    return LinkStatus(claims, None)


def authenticate(
    session: Session, keyring: Keyring, settings: LinkSettings, submission: Submission,
    caller: Caller, now: dt.datetime, *, client: str | None,
) -> ChannelAuth:
    """Accept a submission whose bearer token is a genuine, current, unspent link that it matches.

    A transaction link is spent here, in the submission's transaction. ``client`` (the caller's
    address) is what poster ratings are rate-limited by.
    """
    if not caller.token:
        raise SubmissionError("missing_credential")
    try:
        claims = qrtoken.decode(caller.token, keyring.keys, now)
    except TokenRejected as rejected:
        raise refusal_error(REFUSALS[rejected.reason]) from None
    _check_match(session, claims, submission)
    if claims.kind == "transaction":
        _spend(session, caller.token, claims, submission.uuid)
    elif client is not None:
        decision = ratelimit.hit(
            session, f"qr-poster:{client}", settings.poster_limit, settings.poster_window_seconds, now,
        )
        if not decision.allowed:
            raise refusal_error("rate_limited", decision.retry_after)
    return ChannelAuth(claims.unit_id)


def refusal_error(refusal: str, retry_after: int | None = None) -> SubmissionError:
    """Return the submission error of a refusal (tampered, unknown_key, expired, used, ...)."""
    code, status, vi, en = ERRORS[refusal]
    return SubmissionError(code, vi, en, http_status=status, field="channel", retry_after=retry_after)


def _check_match(session: Session, claims: LinkClaims, submission: Submission) -> None:
    """Refuse a response that claims another unit, service, transaction, kind or questionnaire."""
    unit = units.by_code(session, submission.unit_code)
    service_id = _submitted_service_id(session, submission.service_code)
    questionnaire = submission.questionnaire_code or published_row(
        session, None, None, submission.questionnaire_hash
    ).code
    if (
        unit is None or unit.id != claims.unit_id or submission.link_kind != claims.kind
        or submission.transaction_ref != claims.transaction_ref
        or service_id != claims.service_id or questionnaire != claims.questionnaire
    ):
        raise refusal_error("mismatch")


def _submitted_service_id(session: Session, code: str | None) -> int | None:
    """Return the id of the service a submission names (0 for an unknown code, None for none)."""
    if code is None:
        return None
    return session.scalar(select(Service.id).where(Service.code == code)) or 0


def _spend(session: Session, token: str, claims: LinkClaims, response_uuid: str) -> None:
    """Record the token as spent by ``response_uuid``, or refuse a second use.

    The insert runs in a savepoint: the loser of a race (PostgreSQL makes it wait for the winner's
    commit; SQLite serialises writers) hits the unique constraint. If the row it lost to is its own
    response's (the same response sent twice at once), the integrity error goes up so that the
    submission is retried and answered with the stored receipt.
    """
    try:
        with session.begin_nested():
            session.add(SpentQrToken(
                token_digest=qrtoken.digest(token), key_id=claims.key_id, unit_id=claims.unit_id,
                transaction_ref=claims.transaction_ref, response_uuid=response_uuid,
            ))
    except IntegrityError:
        spent = _spent(session, token)
        if spent is not None and spent.response_uuid == response_uuid:
            raise
        raise refusal_error("used") from None


def _spent(session: Session, token: str) -> SpentQrToken | None:
    """Return the record of a spent token, if any."""
    return session.scalars(
        select(SpentQrToken).where(SpentQrToken.token_digest == qrtoken.digest(token))
    ).first()


def _issue(keyring: Keyring, claims: LinkClaims) -> IssuedLink:
    """Sign the claims with the current key."""
    return IssuedLink(qrtoken.encode(claims, keyring.keys[keyring.current]), claims)


def _unit(session: Session, code: str, scope_unit_id: int | None) -> Unit:
    """Return the unit with ``code`` if it lies within the caller's scope."""
    unit = units.by_code(session, code) if _plain_code(code) else None
    if unit is None or not units.is_within(session, unit.id, scope_unit_id):
        raise LinkError("unit", "Không có đơn vị này trong phạm vi được phép.", "No such unit within your scope.")
    return unit


def _service_id(session: Session, code: str | None) -> int | None:
    """Return the id of an active service, None without a code."""
    if code is None or code == "":
        return None
    service_id = (
        session.scalar(select(Service.id).where(Service.code == code, Service.active.is_(True)))
        if _plain_code(code) else None
    )
    if service_id is None:
        raise LinkError("service", "Không có thủ tục với mã này.", "No service has this code.")
    return service_id


def _plain_code(code: Any) -> bool:
    """Whether a unit or service code from a request can be looked up: text without control characters.

    PostgreSQL refuses NUL in a query parameter, and neither engine binds a JSON list or object.
    """
    if not isinstance(code, str) or len(code) > 64 or any(ord(char) < 32 for char in code):
        return False
    return code.encode("utf-8", "surrogatepass").decode("utf-8", "ignore") == code  # no lone surrogate


def _reference(reference: Any) -> str:
    """Return a transaction reference the submission API will accept back."""
    if (
        not isinstance(reference, str) or not reference or reference != reference.strip()
        or len(reference) > 128 or len(reference.encode("utf-8")) > qrtoken.MAX_REFERENCE_BYTES
        or any(ord(char) < 32 for char in reference)
    ):
        raise LinkError(
            "transaction_ref", "Mã hồ sơ phải có 1–128 ký tự, không có khoảng trắng đầu/cuối.",
            "The transaction reference must be 1-128 characters without surrounding spaces.",
        )
    return reference


def _questionnaire(code: str) -> str:
    """Return a questionnaire code a link can carry."""
    if code not in qrtoken.QUESTIONNAIRES:
        raise LinkError(
            "questionnaire", "Bảng hỏi phải là kiosk hoặc sipas.", "The questionnaire must be kiosk or sipas.",
        )
    return code


def _whole(moment: dt.datetime) -> dt.datetime:
    """Return the moment without its fraction of a second (tokens hold whole seconds)."""
    return moment.astimezone(dt.UTC).replace(microsecond=0)
