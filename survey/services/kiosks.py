"""Kiosk devices: creation with a staff PIN, one-time pairing codes, and rename, move and revoke.

A pairing code is 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown once,
stored as its sha256 and valid for PAIRING_MINUTES; exchanging it creates the kiosk_device credential
(a long-lived bearer token) and spends the code. Pairing again (a new tablet) revokes the old token.
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
from survey.db.kiosks import Kiosk
from survey.db.organisation import Unit
from survey.services import audit, credentials
from survey.services.errors import ServiceError
from survey.services.units import is_within, subtree_ids

KIND = "kiosk_device"
PAIRING_MINUTES = 15
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
PIN_ITERATIONS = 100_000
PIN_DIGITS = (4, 8)


class KioskError(ServiceError):
    """A kiosk request that cannot be carried out, with vi/en messages."""


@dataclass(frozen=True)
class PairingCode:
    """A kiosk's new one-time pairing code, shown once."""

    kiosk: Kiosk
    code: str
    expires_at: dt.datetime


def pin_hash(pin: str, salt: str) -> str:
    """Return the PBKDF2-HMAC-SHA256 of a PIN (hex), as the kiosk's Web Crypto recomputes it."""
    return hashlib.pbkdf2_hmac("sha256", pin.encode(), salt.encode(), PIN_ITERATIONS).hex()


def normalise_code(code: str) -> str:
    """Return a typed pairing code without spaces or dashes, upper case."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def _code_hash(code: str) -> str:
    """Return the stored form of a pairing code."""
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def _check_scope(session: Session, scope_unit_id: int | None, unit_id: int) -> None:
    """Refuse a unit outside the acting staff member's scope."""
    if not is_within(session, unit_id, scope_unit_id):
        raise KioskError("forbidden", "Đơn vị nằm ngoài phạm vi của bạn.",
                         "The unit is outside your scope.", "unit_id")


def _check_pin(pin: str) -> None:
    """Refuse a PIN that is not 4 to 8 digits."""
    low, high = PIN_DIGITS
    if not (pin.isascii() and pin.isdigit() and low <= len(pin) <= high):
        raise KioskError("pin_invalid", "Mã PIN gồm 4 đến 8 chữ số.", "The PIN has 4 to 8 digits.", "pin")


def _check_name(name: str) -> str:
    """Return a stripped kiosk name, refusing an empty one."""
    if not (name or "").strip():
        raise KioskError("name_required", "Cần đặt tên cho kiosk.", "The kiosk needs a name.", "name")
    return name.strip()


def create(
    session: Session, name: str, unit_id: int, pin: str, *, by: User | None = None,
    now: dt.datetime | None = None,
) -> PairingCode:
    """Create a kiosk for a unit inside the staff member's scope and return its first pairing code."""
    if session.get(Unit, unit_id) is None:
        raise KioskError("unknown_unit", "Không có đơn vị này.", "No such unit.", "unit_id")
    _check_scope(session, by.unit_id if by else None, unit_id)
    _check_pin(pin)
    salt = secrets.token_hex(16)
    kiosk = Kiosk(name=_check_name(name), unit_id=unit_id, created_by=by.id if by else None,
                  pin_salt=salt, pin_hash=pin_hash(pin, salt))
    session.add(kiosk)
    session.flush()
    audit.record(session, "kiosk.create", "kiosk", kiosk.id, unit_id=unit_id, by=by)
    return _new_code(session, kiosk, now or utcnow())


def get(session: Session, kiosk_id: int, *, scope_unit_id: int | None = None) -> Kiosk:
    """Return a kiosk inside the scope, or raise KioskError."""
    kiosk = session.get(Kiosk, kiosk_id)
    if kiosk is None or not is_within(session, kiosk.unit_id, scope_unit_id):
        raise KioskError("unknown_kiosk", "Không có kiosk này.", "No such kiosk.")
    return kiosk


def new_pairing_code(
    session: Session, kiosk_id: int, *, scope_unit_id: int | None = None, now: dt.datetime | None = None
) -> PairingCode:
    """Give a kiosk a fresh pairing code (for a new or reset tablet); an older code stops working."""
    kiosk = get(session, kiosk_id, scope_unit_id=scope_unit_id)
    audit.record(session, "kiosk.pairing_code", "kiosk", kiosk.id, unit_id=kiosk.unit_id)
    return _new_code(session, kiosk, now or utcnow())


def _new_code(session: Session, kiosk: Kiosk, now: dt.datetime) -> PairingCode:
    """Store the hash of a new random code on the kiosk and return the code."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    kiosk.pairing_code_hash = _code_hash(raw)
    kiosk.pairing_expires_at = now + dt.timedelta(minutes=PAIRING_MINUTES)
    session.flush()
    return PairingCode(kiosk, f"{raw[:4]}-{raw[4:]}", kiosk.pairing_expires_at)


def pair(session: Session, code: str, *, now: dt.datetime | None = None) -> tuple[Kiosk, str]:
    """Exchange a valid pairing code for a new device token; the code is spent."""
    now = now or utcnow()
    normalised = normalise_code(code)
    kiosk = None
    if len(normalised) == CODE_LENGTH:
        kiosk = session.scalars(
            select(Kiosk).where(Kiosk.pairing_code_hash == _code_hash(normalised))
        ).first()
    if kiosk is None or kiosk.pairing_expires_at is None or kiosk.pairing_expires_at <= now:
        raise KioskError("pairing_code_invalid", "Mã ghép nối không đúng hoặc đã hết hạn.",
                         "The pairing code is wrong or has expired.", "code")
    if kiosk.credential_id is not None:
        credentials.revoke(session, kiosk.credential_id)
    issued = credentials.issue(session, KIND, kiosk.name, kiosk.unit_id, created_by=kiosk.created_by)
    kiosk.credential_id = issued.credential.id
    kiosk.pairing_code_hash = None
    kiosk.pairing_expires_at = None
    kiosk.paired_at = now
    session.flush()
    audit.record(session, "kiosk.pair", "kiosk", kiosk.id, unit_id=kiosk.unit_id,
                 details={"credential_id": kiosk.credential_id})
    return kiosk, issued.token


def for_token(session: Session, token: str | None) -> Kiosk:
    """Return the kiosk whose live device token this is, or raise KioskError."""
    credential = credentials.find(session, token or "", (KIND,))
    if credential is not None and credential.revoked_at is not None:
        raise KioskError("credential_revoked", "Thiết bị này đã bị thu hồi.",
                         "This device has been revoked.")
    kiosk = None if credential is None else session.scalars(
        select(Kiosk).where(Kiosk.credential_id == credential.id)
    ).first()
    if kiosk is None:
        raise KioskError("invalid_credential", "Thiết bị này chưa được ghép nối.",
                         "This device is not paired.")
    credentials.touch(credential)
    return kiosk


def list_kiosks(session: Session, scope_unit_id: int | None = None) -> list[tuple[Kiosk, Credential | None]]:
    """Return the kiosks of units inside the scope with their credentials, newest first."""
    query = (
        select(Kiosk, Credential)
        .outerjoin(Credential, Credential.id == Kiosk.credential_id)
        .order_by(Kiosk.id.desc())
    )
    if scope_unit_id is not None:
        query = query.where(Kiosk.unit_id.in_(subtree_ids(session, scope_unit_id)))
    return [(kiosk, credential) for kiosk, credential in session.execute(query).all()]


def rename(session: Session, kiosk_id: int, name: str, *, scope_unit_id: int | None = None) -> Kiosk:
    """Rename a kiosk and its credential."""
    kiosk = get(session, kiosk_id, scope_unit_id=scope_unit_id)
    kiosk.name = _check_name(name)
    if kiosk.credential_id is not None:
        session.get(Credential, kiosk.credential_id).name = kiosk.name
    session.flush()
    return kiosk


def move(session: Session, kiosk_id: int, unit_id: int, *, scope_unit_id: int | None = None) -> Kiosk:
    """Move a kiosk (and the scope of its token) to another unit inside the staff member's scope."""
    kiosk = get(session, kiosk_id, scope_unit_id=scope_unit_id)
    if session.get(Unit, unit_id) is None:
        raise KioskError("unknown_unit", "Không có đơn vị này.", "No such unit.", "unit_id")
    _check_scope(session, scope_unit_id, unit_id)
    audit.record(session, "kiosk.move", "kiosk", kiosk.id, unit_id=unit_id, details={"from_unit_id": kiosk.unit_id})
    kiosk.unit_id = unit_id
    if kiosk.credential_id is not None:
        session.get(Credential, kiosk.credential_id).unit_id = unit_id
    session.flush()
    return kiosk


def revoke(session: Session, kiosk_id: int, *, scope_unit_id: int | None = None) -> Kiosk:
    """Revoke a kiosk's device token and any unused pairing code; its ratings stay as they are."""
    kiosk = get(session, kiosk_id, scope_unit_id=scope_unit_id)
    if kiosk.credential_id is not None:
        credentials.revoke(session, kiosk.credential_id)
    kiosk.pairing_code_hash = None
    kiosk.pairing_expires_at = None
    session.flush()
    audit.record(session, "kiosk.revoke", "kiosk", kiosk.id, unit_id=kiosk.unit_id)
    return kiosk
