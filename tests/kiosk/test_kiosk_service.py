"""Kiosk devices and pairing codes: one-time, short-lived, hashed; scope; rename, move, revoke."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from sqlalchemy import select

from survey.db.accounts import Credential
from survey.db.kiosks import Kiosk
from survey.services import credentials, kiosks
from survey.web.database import session_scope

NOW = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)


def _create(app, world, unit="S01", pin="2468"):
    """Create a kiosk and return (kiosk id, pairing code)."""
    with session_scope(app) as session:
        code = kiosks.create(session, " Kiosk sảnh ", world.units[unit], pin, now=NOW)
        return code.kiosk.id, code.code


def test_a_pairing_code_is_short_readable_and_stored_only_as_a_hash(app, world):
    kiosk_id, code = _create(app, world)
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", code)
    with session_scope(app) as session:
        kiosk = session.get(Kiosk, kiosk_id)
        assert kiosk.name == "Kiosk sảnh"
        assert kiosk.pairing_code_hash == hashlib.sha256(code.replace("-", "").encode()).hexdigest()
        assert kiosk.pairing_expires_at == NOW + dt.timedelta(minutes=15)
        assert kiosk.pin_hash == hashlib.pbkdf2_hmac("sha256", b"2468", kiosk.pin_salt.encode(), 100_000).hex()
        assert code not in repr([kiosk.pairing_code_hash, kiosk.pin_hash, kiosk.pin_salt])


def test_a_code_pairs_once_typed_in_any_case_with_spaces(app, world):
    kiosk_id, code = _create(app, world)
    with session_scope(app) as session:
        kiosk, token = kiosks.pair(session, " " + code.lower().replace("-", " "), now=NOW)
        assert kiosk.id == kiosk_id and token.startswith("hlk_")
        credential = credentials.find(session, token, ("kiosk_device",))
        assert (credential.unit_id, credential.name) == (world.units["S01"], "Kiosk sảnh")
    with session_scope(app) as session, pytest.raises(kiosks.KioskError) as refused:
        kiosks.pair(session, code, now=NOW)
    assert refused.value.code == "pairing_code_invalid"


@pytest.mark.parametrize("later", [dt.timedelta(minutes=15), dt.timedelta(days=1)])
def test_an_expired_code_is_refused(app, world, later):
    _kiosk_id, code = _create(app, world)
    with session_scope(app) as session, pytest.raises(kiosks.KioskError):
        kiosks.pair(session, code, now=NOW + later)


@pytest.mark.parametrize("typed", ["", "ABCD-EFGH", "x" * 500, "2468"])
def test_a_wrong_code_is_refused(app, world, typed):
    _create(app, world)
    with session_scope(app) as session, pytest.raises(kiosks.KioskError):
        kiosks.pair(session, typed, now=NOW)


def test_pairing_a_new_tablet_revokes_the_old_token(app, world):
    kiosk_id, code = _create(app, world)
    with session_scope(app) as session:
        _kiosk, old = kiosks.pair(session, code, now=NOW)
        fresh = kiosks.new_pairing_code(session, kiosk_id, now=NOW)
        _kiosk, new = kiosks.pair(session, fresh.code, now=NOW)
        assert credentials.find(session, old, ("kiosk_device",)).revoked_at is not None
        assert kiosks.for_token(session, new).id == kiosk_id
        with pytest.raises(kiosks.KioskError) as refused:
            kiosks.for_token(session, old)
        assert refused.value.code == "credential_revoked"


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "١٢٣٤", ""])
def test_a_pin_must_be_4_to_8_ascii_digits(app, world, pin):
    with session_scope(app) as session, pytest.raises(kiosks.KioskError) as refused:
        kiosks.create(session, "K", world.units["S01"], pin)
    assert refused.value.field == "pin"


def test_rename_move_and_revoke_follow_the_credential(app, world):
    kiosk_id, code = _create(app, world)
    with session_scope(app) as session:
        _kiosk, token = kiosks.pair(session, code, now=NOW)
        kiosks.rename(session, kiosk_id, "Kiosk quầy 1", scope_unit_id=world.units["C01"])
        kiosks.move(session, kiosk_id, world.units["K01"], scope_unit_id=world.units["C01"])
        credential = credentials.find(session, token, ("kiosk_device",))
        assert (credential.name, credential.unit_id) == ("Kiosk quầy 1", world.units["K01"])
        kiosks.revoke(session, kiosk_id, scope_unit_id=world.units["C01"])
        assert credential.revoked_at is not None
        assert session.scalar(select(Credential.revoked_at).where(Credential.id == credential.id)) is not None


def test_staff_cannot_reach_kiosks_outside_their_scope(app, world):
    kiosk_id, _code = _create(app, world)
    other = world.units["C02"]
    with session_scope(app) as session:
        for action in (
            lambda: kiosks.get(session, kiosk_id, scope_unit_id=other),
            lambda: kiosks.rename(session, kiosk_id, "x", scope_unit_id=other),
            lambda: kiosks.revoke(session, kiosk_id, scope_unit_id=other),
            lambda: kiosks.new_pairing_code(session, kiosk_id, scope_unit_id=other),
            lambda: kiosks.move(session, kiosk_id, world.units["S02"], scope_unit_id=world.units["C01"]),
        ):
            with pytest.raises(kiosks.KioskError):
                action()
        assert [k.id for k, _ in kiosks.list_kiosks(session, other)] == []
        assert [k.id for k, _ in kiosks.list_kiosks(session, world.units["C01"])] == [kiosk_id]
