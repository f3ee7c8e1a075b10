"""Household interviewing: assign villages to enumerators, enrol their tablets, authenticate the tablets.

An enrolment code is 8 characters from the kiosk pairing alphabet (no look-alikes), shown once, stored
as its sha256 and valid for ENROLMENT_MINUTES; exchanging it creates the enumerator_device credential
(a bearer token that keeps working offline for days, until revoked) and spends the code. Enrolling a
new tablet for the same device revokes the old token; a supervisor can revoke a tablet. Every function
commits nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db.accounts import Credential, User
from survey.db.base import utcnow
from survey.db.interviews import EnumeratorDevice, FieldAssignment
from survey.services import audit, credentials
from survey.services.kiosks import CODE_ALPHABET, CODE_LENGTH, normalise_code
from survey.services.sampling import get_survey, last_stage_selection
from survey.services.units import is_within

KIND = "enumerator_device"
ENROLMENT_MINUTES = 60 * 24


class FieldworkError(ValueError):
    """A fieldwork request that cannot be carried out; ``code`` is stable, messages in vi and en."""

    def __init__(self, code: str, message_vi: str, message_en: str, http_status: int = 400) -> None:
        super().__init__(f"{message_vi} / {message_en}")
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en
        self.http_status = http_status

    def to_dict(self) -> dict:
        """Return the JSON error body."""
        return {"error": {"code": self.code, "message": {"vi": self.message_vi, "en": self.message_en}}}


@dataclass(frozen=True)
class EnrolmentCode:
    """A tablet's one-time enrolment code, shown once."""

    device: EnumeratorDevice
    code: str
    expires_at: dt.datetime


def _code_hash(code: str) -> str:
    """Return the stored form of an enrolment code."""
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def enumerator(session: Session, username: str, *, scope_unit_id: int | None = None) -> User:
    """Return the active enumerator ``username`` inside the scope, or raise."""
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None or user.role != "enumerator" or not user.active:
        raise FieldworkError("unknown_enumerator", f"không có điều tra viên {username}",
                             f"no active enumerator {username}")
    if user.unit_id is None or not is_within(session, user.unit_id, scope_unit_id):
        raise FieldworkError("forbidden", "điều tra viên nằm ngoài phạm vi của bạn",
                             "the enumerator is outside your scope", 403)
    return user


def assign(session: Session, survey_code: str, village_codes: list[str], username: str, *,
           by: User | None = None) -> list[FieldAssignment]:
    """Give selected villages to an enumerator; a village already given to someone else moves."""
    survey = get_survey(session, survey_code)
    user = enumerator(session, username, scope_unit_id=by.unit_id if by else None)
    rows = []
    for code in village_codes:
        selection = last_stage_selection(session, survey, code)
        row = session.scalars(select(FieldAssignment)
                              .where(FieldAssignment.selection_id == selection.id)).first()
        if row is None:
            row = FieldAssignment(survey_id=survey.id, selection_id=selection.id)
            session.add(row)
        row.enumerator_id, row.assigned_by, row.assigned_at = user.id, by.id if by else None, utcnow()
        rows.append(row)
    session.flush()
    return rows


def new_enrolment(session: Session, username: str, name: str, *, by: User | None = None,
                  now: dt.datetime | None = None) -> EnrolmentCode:
    """Create a tablet record for an enumerator and return its one-time enrolment code."""
    user = enumerator(session, username, scope_unit_id=by.unit_id if by else None)
    if not (name or "").strip():
        raise FieldworkError("name_required", "cần đặt tên cho máy tính bảng", "the tablet needs a name")
    now = now or utcnow()
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    device = EnumeratorDevice(user_id=user.id, name=name.strip(), enrolment_code_hash=_code_hash(code),
                              enrolment_expires_at=now + dt.timedelta(minutes=ENROLMENT_MINUTES))
    session.add(device)
    session.flush()
    audit.record(session, "tablet.enrolment_code", "tablet", device.id, unit_id=user.unit_id, by=by,
                 details={"enumerator_id": user.id})
    return EnrolmentCode(device, code, device.enrolment_expires_at)


def enrol(session: Session, code: str, *, now: dt.datetime | None = None) -> tuple[EnumeratorDevice, str]:
    """Exchange a valid enrolment code for an enumerator_device token (shown once); spend the code."""
    now = now or utcnow()
    device = session.scalars(select(EnumeratorDevice)
                             .where(EnumeratorDevice.enrolment_code_hash == _code_hash(code))).first()
    if device is None or device.enrolment_expires_at is None or device.enrolment_expires_at < now:
        raise FieldworkError("invalid_code", "mã đăng ký không đúng hoặc đã hết hạn",
                             "the enrolment code is wrong or expired", 403)
    user = session.get(User, device.user_id)
    if not user.active:
        raise FieldworkError("inactive", "tài khoản điều tra viên đã bị khoá",
                             "the enumerator's account is disabled", 403)
    audit.record(session, "tablet.enrol", "tablet", device.id, unit_id=user.unit_id,
                 details={"enumerator_id": user.id, "revoked_credential_id": device.credential_id})
    if device.credential_id is not None:
        credentials.revoke(session, device.credential_id)
    issued = credentials.issue(session, KIND, f"{user.username}: {device.name}", user.unit_id,
                               user_id=user.id)
    device.credential_id, device.enrolled_at = issued.credential.id, now
    device.enrolment_code_hash, device.enrolment_expires_at = None, None
    session.flush()
    return device, issued.token


def unauthorized() -> FieldworkError:
    """Return the refusal of a tablet that is not enrolled or was revoked."""
    return FieldworkError("unauthorized", "thiết bị chưa được đăng ký hoặc đã bị thu hồi",
                          "the tablet is not enrolled or was revoked", 401)


def authenticate(session: Session, token: str | None, *, revoked_ok: bool = False) -> tuple[Credential, User]:
    """Return the enumerator_device credential of a bearer token and its enumerator, or raise.

    A revoked credential is refused unless ``revoked_ok`` (the caller then limits what it may do).
    """
    credential = credentials.find(session, token or "", (KIND,))
    revoked = credential is not None and credential.revoked_at is not None and not revoked_ok
    if credential is None or revoked or credential.user_id is None:
        raise unauthorized()
    user = session.get(User, credential.user_id)
    if not user.active:
        raise FieldworkError("inactive", "tài khoản điều tra viên đã bị khoá",
                             "the enumerator's account is disabled", 403)
    credentials.touch(credential)
    return credential, user


@dataclass(frozen=True)
class Tablet:
    """An enrolled tablet, its enumerator and its token's state."""

    device: EnumeratorDevice
    username: str
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


def tablets(session: Session, scope_unit_id: int | None = None) -> list[Tablet]:
    """Return the enrolled tablets of the enumerators within the scope, by enumerator and name."""
    rows = session.execute(
        select(EnumeratorDevice, User, Credential)
        .join(User, EnumeratorDevice.user_id == User.id)
        .join(Credential, EnumeratorDevice.credential_id == Credential.id)
        .order_by(User.username, EnumeratorDevice.id)).all()
    return [Tablet(device, user.username, credential.revoked_at, credential.last_used_at)
            for device, user, credential in rows
            if user.unit_id is not None and is_within(session, user.unit_id, scope_unit_id)]


def revoke_tablet(session: Session, device_id: int, *, by: User | None = None) -> EnumeratorDevice:
    """Revoke an enrolled tablet's token: no new download, interviews made before still accepted."""
    device = session.get(EnumeratorDevice, device_id)
    user = session.get(User, device.user_id) if device is not None else None
    if device is None or device.credential_id is None or user.unit_id is None or \
            not is_within(session, user.unit_id, by.unit_id if by else None):
        raise FieldworkError("unknown_tablet", "không có máy tính bảng này trong phạm vi của bạn",
                             "no such tablet in your scope", 404)
    credentials.revoke(session, device.credential_id)
    session.flush()
    return device
