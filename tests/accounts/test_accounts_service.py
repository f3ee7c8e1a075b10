"""Staff accounts: password hashing, validation, delegation rules and throttled login."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import pytest

from survey.db.accounts import User
from survey.services import accounts
from survey.services.login import LoginLimits, login
from survey.web.database import session_scope

UTC = dt.UTC
PASSWORD = "mat-khau-dai-du-10"  # the accounts of the world fixture (conftest.py)


def _scrypt_matches(stored: str, password: str) -> bool:
    """Check a werkzeug scrypt hash with hashlib alone (format scrypt:N:r:p$salt$hex)."""
    method, salt, digest = stored.split("$")
    name, n, r, p = method.split(":")
    assert name == "scrypt"
    n, r, p = int(n), int(r), int(p)
    derived = hashlib.scrypt(password.encode(), salt=salt.encode(), n=n, r=r, p=p,
                             maxmem=132 * n * r * p, dklen=64)
    return hmac.compare_digest(derived.hex(), digest)


def test_password_is_stored_as_salted_scrypt(app):
    with session_scope(app) as session:
        first, second = (
            accounts.create_user(session, username=name, display_name=name, password=PASSWORD,
                                 role="analyst")
            for name in ("first", "second")
        )
        assert PASSWORD not in first.password_hash
        assert first.password_hash.startswith("scrypt:32768:8:1$")
        assert _scrypt_matches(first.password_hash, PASSWORD)
        assert not _scrypt_matches(first.password_hash, PASSWORD + "x")
        assert first.password_hash != second.password_hash  # same password, different salts
        accounts.set_password(session, first.id, "mot-mat-khau-moi")
        assert _scrypt_matches(first.password_hash, "mot-mat-khau-moi")
        assert accounts.authenticate(session, "first", "mot-mat-khau-moi").id == first.id
        assert accounts.authenticate(session, "first", PASSWORD) is None


@pytest.mark.parametrize("changes, code", [
    ({"password": "x" * 9}, "password_too_short"),
    ({"password": "x" * 1025}, "password_too_long"),
    ({"username": "nguyen.van.a", "password": "Nguyen.Van.A"}, "password_is_username"),
    ({"username": "admin"}, "username_taken"),
    ({"username": "ADMIN"}, "username_taken"),
    ({"username": "ng"}, "invalid_username"),
    ({"username": "nguyễn"}, "invalid_username"),
    ({"display_name": " "}, "name_required"),
    ({"role": "root"}, "invalid_role"),
    ({"role": "admin", "unit": "C01"}, "admin_scope"),
    ({"role": "unit_manager", "unit": None}, "unit_required"),
    ({"role": "enumerator", "unit": None}, "unit_required"),
])
def test_create_user_refuses(app, world, changes, code):
    values = {"username": "moi", "display_name": "Người mới", "password": "y" * 10, "role": "analyst",
              "unit": "C01"} | changes
    with session_scope(app) as session, pytest.raises(accounts.AccountError) as caught:
        accounts.create_user(
            session, username=values["username"], display_name=values["display_name"],
            password=values["password"], role=values["role"],
            unit_id=world.units[values["unit"]] if values["unit"] else None,
        )
    assert caught.value.code == code
    assert caught.value.message_vi and caught.value.message_en


def test_ten_character_password_and_mixed_case_name_are_accepted(app, world):
    with session_scope(app) as session:
        user = accounts.create_user(session, username=" Lan.Tran ", display_name="Trần Lan",
                                    password="0123456789", role="analyst")
        assert user.username == "lan.tran" and user.active
        assert accounts.authenticate(session, "LAN.TRAN", "0123456789").id == user.id
        assert user.last_login_at is not None


def _as(session, world, role):
    return session.get(User, world.users[role])


def test_unit_manager_works_inside_own_subtree_only(app, world):
    units = world.units
    with session_scope(app) as session:
        manager = _as(session, world, "unit_manager")  # scoped to commune C01
        made = accounts.create_user(session, username="quay1", display_name="Quầy 1", password="y" * 10,
                                    role="enumerator", unit_id=units["K01"], by=manager)
        accounts.set_role(session, made.id, "supervisor", units["S01"], by=manager)
        accounts.set_active(session, made.id, False, by=manager)
        for role, unit in (("enumerator", "C02"), ("analyst", None), ("admin", None), ("enumerator", "P01")):
            with pytest.raises(accounts.AccountError) as caught:
                accounts.create_user(session, username=f"x{role}{unit}".lower(), display_name="X",
                                     password="y" * 10, role=role,
                                     unit_id=units[unit] if unit else None, by=manager)
            assert caught.value.code in ("forbidden", "admin_scope")
        with pytest.raises(accounts.AccountError, match="outside your scope"):
            accounts.set_role(session, made.id, "enumerator", units["S02"], by=manager)
        for role in ("admin", "analyst"):  # admin has no unit, analyst is installation-wide
            with pytest.raises(accounts.AccountError, match="outside your scope"):
                accounts.set_active(session, world.users[role], False, by=manager)
        with pytest.raises(accounts.AccountError, match="own role"):
            accounts.set_active(session, manager.id, False, by=manager)


def test_roles_without_management_rights_are_refused(app, world):
    with session_scope(app) as session:
        for role in ("analyst", "supervisor", "enumerator"):
            with pytest.raises(accounts.AccountError, match="may not manage"):
                accounts.create_user(session, username=f"n{role}", display_name="N", password="y" * 10,
                                     role="enumerator", unit_id=world.units["S01"],
                                     by=_as(session, world, role))


def test_last_active_admin_stays(app, world):
    with session_scope(app) as session:
        with pytest.raises(accounts.AccountError, match="active administrator"):
            accounts.set_active(session, world.users["admin"], False)
        with pytest.raises(accounts.AccountError, match="active administrator"):
            accounts.set_role(session, world.users["admin"], "analyst", None)
        second = accounts.create_user(session, username="admin2", display_name="Quản trị 2",
                                      password="y" * 10, role="admin")
        accounts.set_active(session, world.users["admin"], False, by=second)
        assert accounts.authenticate(session, "admin", PASSWORD) is None


def test_list_users_by_scope(app, world):
    with session_scope(app) as session:
        names = [u.username for u in accounts.list_users(session, world.units["C01"])]
        assert names == ["enumerator", "supervisor", "unit.manager"]
        assert len(accounts.list_users(session)) == 5


LIMITS = LoginLimits(per_username=3, per_address=5, window_seconds=600)
T0 = dt.datetime(2026, 11, 23, 8, 0, 10, tzinfo=UTC)  # 10 s into a 10-minute window


def _login(app, username, password, address="10.0.0.1", now=T0):
    with session_scope(app) as session:
        result = login(session, username, password, address, LIMITS, now)
        return (result.user.username if result.user else None), result.retry_after


def test_login_locks_a_user_name_after_too_many_attempts(app, world):
    assert [_login(app, "analyst", "sai-mat-khau") for _ in range(3)] == [(None, 0)] * 3
    assert _login(app, "analyst", PASSWORD) == (None, 590)  # locked: the right password is not checked
    assert _login(app, "analyst", PASSWORD, now=T0 + dt.timedelta(minutes=10)) == ("analyst", 0)


def test_success_clears_the_user_name_counter(app, world):
    for _ in range(2):
        _login(app, "analyst", "sai-mat-khau", address="10.0.0.2")
    assert _login(app, "analyst", PASSWORD, address="10.0.0.3")[0] == "analyst"
    assert [_login(app, "analyst", "sai", address="10.0.0.4")[1] for _ in range(4)] == [0, 0, 0, 590]


def test_unknown_user_names_are_locked_the_same_way(app, world):
    assert [_login(app, "khong.co", "x")[1] for _ in range(4)] == [0, 0, 0, 590]


def test_login_locks_an_address_across_user_names(app, world):
    for name in ("a1", "a2", "a3", "a4", "a5"):
        assert _login(app, name, "x") == (None, 0)
    assert _login(app, "supervisor", PASSWORD) == (None, 590)
    assert _login(app, "supervisor", PASSWORD, address="10.9.9.9") == ("supervisor", 0)


def test_disabled_account_cannot_log_in(app, world):
    with session_scope(app) as session:
        accounts.set_active(session, world.users["analyst"], False)
    assert _login(app, "analyst", PASSWORD) == (None, 0)
