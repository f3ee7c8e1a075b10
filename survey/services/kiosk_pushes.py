"""Transactions pushed to a kiosk ("transaction T, service S, counter C") so its next rating is tied to
the dossier; the kiosk takes the oldest pending push when a citizen starts rating."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db.base import utcnow
from survey.db.kiosks import Kiosk, KioskPush
from survey.db.organisation import Service, Unit
from survey.services import credentials, units
from survey.services.kiosks import KioskError, get

PUSH_MINUTES = 30
MAX_REF_LENGTH = 128


def api_client_scope(session: Session, token: str | None) -> tuple[int, int]:
    """Return (credential id, scope unit id) of a live api_client token, or raise KioskError."""
    credential = credentials.find(session, token or "", ("api_client",))
    if credential is None or credential.revoked_at is not None:
        raise KioskError("invalid_credential", "Khoá API không hợp lệ.", "The API key is not valid.")
    credentials.touch(credential)
    return credential.id, credential.unit_id


def push(
    session: Session, kiosk_id: int, transaction_ref: str, *, service_code: str | None = None,
    counter_code: str | None = None, scope_unit_id: int | None = None, user_id: int | None = None,
    credential_id: int | None = None, now: dt.datetime | None = None,
) -> KioskPush:
    """Queue a transaction for a kiosk inside the caller's scope; it expires after PUSH_MINUTES."""
    kiosk = get(session, kiosk_id, scope_unit_id=scope_unit_id)
    ref = (transaction_ref or "").strip()
    if not ref or len(ref) > MAX_REF_LENGTH:
        raise KioskError("transaction_ref_invalid", "Mã hồ sơ trống hoặc quá dài.",
                         "The transaction reference is empty or too long.", "transaction_ref")
    service_id = None
    if service_code:
        service = session.scalars(select(Service).where(Service.code == service_code)).first()
        if service is None or not service.active:
            raise KioskError("unknown_service", "Không có thủ tục này.", "No such service.", "service")
        service_id = service.id
    counter_id = None
    if counter_code:
        counter = units.by_code(session, counter_code)
        if counter is None or not units.is_within(session, counter.id, kiosk.unit_id):
            raise KioskError("unknown_counter", "Quầy không thuộc đơn vị của kiosk.",
                             "The counter is not part of the kiosk's unit.", "counter")
        counter_id = counter.id
    now = now or utcnow()
    entry = KioskPush(
        kiosk_id=kiosk.id, transaction_ref=ref, service_id=service_id, counter_unit_id=counter_id,
        pushed_by_user=user_id, pushed_by_credential=credential_id, created_at=now,
        expires_at=now + dt.timedelta(minutes=PUSH_MINUTES),
    )
    session.add(entry)
    session.flush()
    return entry


def take(session: Session, kiosk: Kiosk, *, now: dt.datetime | None = None) -> dict | None:
    """Mark the kiosk's oldest live push delivered and return it for the rating, or None."""
    now = now or utcnow()
    entry = session.scalars(
        select(KioskPush)
        .where(KioskPush.kiosk_id == kiosk.id, KioskPush.delivered_at.is_(None), KioskPush.expires_at > now)
        .order_by(KioskPush.id)
    ).first()
    if entry is None:
        return None
    entry.delivered_at = now
    session.flush()
    service = session.get(Service, entry.service_id) if entry.service_id else None
    counter = session.get(Unit, entry.counter_unit_id) if entry.counter_unit_id else None
    return {
        "transaction_ref": entry.transaction_ref,
        "service": service.code if service else None,
        "unit": counter.code if counter else None,
    }
