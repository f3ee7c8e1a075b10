"""Kiosk service and page tests on both engines: units, services, staff, the published kiosk form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from survey.domain.loader import load_file
from survey.services import accounts, credentials, organisation, questionnaires
from survey.web.database import session_scope

PASSWORD = "mat-khau-dai-du-10"
KIOSK_FILE = Path(__file__).resolve().parents[2] / "questionnaires" / "kiosk" / "2026.1.yaml"
CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
# username -> (role, unit code or None)
STAFF = {"admin": ("admin", None), "manager": ("unit_manager", "C01"), "manager2": ("unit_manager", "C02"),
         "analyst": ("analyst", None)}


@cache
def _shared_hash(password: str) -> str:
    """Return one real password hash per password for the whole run."""
    return generate_password_hash(password)


@dataclass(frozen=True)
class World:
    """Ids of units and staff, and an API key of the province."""

    units: dict[str, int]
    users: dict[str, int]
    api_client: str


@pytest.fixture
def world(app, monkeypatch) -> World:
    """Create P01 > C01 > S01 > {K01, K02} and P01 > C02 > S02, a service, staff and the kiosk form."""
    monkeypatch.setattr(accounts, "generate_password_hash", _shared_hash)
    with session_scope(app) as session:
        made = {}
        for code, kind, parent in (("P01", "province", None), ("C01", "commune", "P01"),
                                   ("S01", "service_centre", "C01"), ("K01", "counter", "S01"),
                                   ("K02", "counter", "S01"), ("C02", "ward", "P01"),
                                   ("S02", "service_centre", "C02")):
            made[code] = organisation.create_unit(
                session, code=code, kind=kind, name_vi=f"Đơn vị {code}",
                parent_id=made[parent].id if parent else None,
            )
        organisation.create_service(session, code="1.000894", field="ho_tich", name_vi="Đăng ký khai sinh")
        organisation.create_service(session, code="9.999999", field="ho_tich", name_vi="Thủ tục cũ", active=False)
        questionnaires.load(session, load_file(KIOSK_FILE))
        questionnaires.publish(session, "kiosk", "2026.1")
        users = {
            name: accounts.create_user(session, username=name, display_name=name, password=PASSWORD, role=role,
                                       unit_id=made[unit].id if unit else None).id
            for name, (role, unit) in STAFF.items()
        }
        api_client = credentials.issue(session, "api_client", "Một cửa", made["C01"].id).token
    monkeypatch.undo()
    return World({code: unit.id for code, unit in made.items()}, users, api_client)


@pytest.fixture
def login(client, staff_login):
    """Return a function that logs the test client in as one of the STAFF accounts."""

    def as_user(username: str):
        staff_login.log_in(client, username, PASSWORD)
        return client

    return as_user


def csrf_of(client, path: str) -> str:
    """Return the CSRF token from a form page of the logged-in client."""
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)
