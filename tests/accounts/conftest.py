"""A small unit tree and one staff member per role, on both engines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pytest
from werkzeug.security import generate_password_hash

from survey.services import accounts, organisation
from survey.web.database import session_scope

PASSWORD = "mat-khau-dai-du-10"
# role -> the unit code the account is scoped to (None: the whole installation)
STAFF = {
    "admin": None,
    "unit_manager": "C01",
    "analyst": None,
    "supervisor": "C01",
    "enumerator": "S01",
}


@cache
def _shared_hash(password: str) -> str:
    """Return one real scrypt hash per password for the whole run."""
    return generate_password_hash(password)


@dataclass(frozen=True)
class World:
    """Ids of the test units and users."""

    units: dict[str, int]
    users: dict[str, int]


def build_tree(session) -> dict[str, int]:
    """Create province P01 > commune C01 > centre S01 > counter K01, and ward C02 > centre S02."""
    made = {}
    for code, kind, parent, name in (
        ("P01", "province", None, "Tỉnh Thử"),
        ("C01", "commune", "P01", "Xã Một"),
        ("S01", "service_centre", "C01", "Trung tâm Xã Một"),
        ("K01", "counter", "S01", "Quầy 1"),
        ("C02", "ward", "P01", "Phường Hai"),
        ("S02", "service_centre", "C02", "Trung tâm Phường Hai"),
    ):
        made[code] = organisation.create_unit(
            session, code=code, kind=kind, name_vi=name, parent_id=made[parent].id if parent else None
        )
    return {code: unit.id for code, unit in made.items()}


@pytest.fixture
def password() -> str:
    """Return the password of every test account."""
    return PASSWORD


@pytest.fixture
def units(app) -> dict[str, int]:
    """Create the unit tree alone; return unit ids by code."""
    with session_scope(app) as session:
        return build_tree(session)


@pytest.fixture
def world(app, monkeypatch) -> World:
    """Create the unit tree and one user per role, each with the password PASSWORD.

    The five accounts share one scrypt hash (computed once per test run) to keep the suite fast;
    test_password_is_stored_as_salted_scrypt creates its own accounts with their own salts.
    """
    monkeypatch.setattr(accounts, "generate_password_hash", _shared_hash)
    with session_scope(app) as session:
        units = build_tree(session)
        users = {
            role: accounts.create_user(
                session, username=role.replace("_", "."), display_name=f"Cán bộ {role}",
                password=PASSWORD, role=role, unit_id=units[code] if code else None,
            ).id
            for role, code in STAFF.items()
        }
    monkeypatch.undo()
    return World(units, users)


CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def _csrf_token(client, path: str = "/auth/login") -> str:
    """Return the CSRF token of the client's session, read from a form page."""
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def _log_in(client, username: str, password: str = PASSWORD, **extra):
    """Post the login form with its CSRF token and return the response."""
    data = {"csrf_token": _csrf_token(client), "username": username, "password": password} | extra
    return client.post("/auth/login", data=data)


@pytest.fixture
def login(client):
    """Return a function that logs the test client in as the account of a role (None: stay anonymous)."""

    def as_role(role: str | None):
        if role is not None:
            response = _log_in(client, role.replace("_", "."))
            assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return as_role


@pytest.fixture
def csrf_token():
    """Return the function that reads a client's CSRF token from a form page."""
    return _csrf_token


@pytest.fixture
def log_in():
    """Return the function that posts the login form for a client."""
    return _log_in
