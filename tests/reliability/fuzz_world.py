"""The world the fuzz tests attack: units, a service, published forms, every channel's credentials.

Shared by tests/reliability/test_fuzz_*.py. The application runs on a SQLite file for the long runs
and on the PostgreSQL test database for a shorter run that catches engine differences.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select, text
from werkzeug.security import generate_password_hash

from survey.db import migrate
from survey.db.accounts import User
from survey.db.models import Base
from survey.db.organisation import Service, Unit
from survey.db.questionnaires import QuestionnaireVersion
from survey.domain.loader import load_file
from survey.services import credentials, questionnaires
from survey.web.app import create_app
from survey.web.database import engine_of, session_scope

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "questionnaires"
MINI = ROOT / "tests" / "data" / "questionnaires" / "mini" / "2026.1.yaml"
PASSWORD = "mat-khau-thu-nghiem"
QR_CONFIG = {
    "QR_KEYS": {"2026a": "old-secret-for-fuzzing-0123456789", "2026b": "new-secret-for-fuzzing-0123456789"},
    "QR_CURRENT_KID": "2026b", "QR_BASE_URL": "https://hailong.example.vn",
    # Fuzzing sends thousands of poster ratings from one address: the limit is tested elsewhere.
    "QR_POSTER_LIMIT": 1_000_000,
    # Likewise thousands of link requests a minute from one API client key (test_access_ratelimits).
    "API_RATE_LIMIT": 1_000_000,
}
HOURS = {day: [["00:00", "23:59"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class FuzzWorld:
    """Codes and credentials of the fuzzed world."""

    units: dict[str, int]
    service_id: int
    tokens: dict[str, str]  # kiosk, kiosk_revoked, interview, api_client, api_client_other
    hashes: dict[str, str]  # "code version" -> content hash of the published and draft versions


def fuzz_app(database_url: str):
    """Return an application with QR keys on a migrated database."""
    application = create_app({
        "TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "fuzz-secret", **QR_CONFIG,
    })
    migrate.upgrade(engine_of(application))
    return application


def build_world(app) -> FuzzWorld:
    """Create the units, a service, published kiosk, sipas and mini forms, devices, keys and a clerk."""
    with session_scope(app) as session:
        province = Unit(code="P01", kind="province", name_vi="Tỉnh Thử", name_en="Test Province")
        commune = Unit(code="C01", kind="commune", name_vi="Xã Một", parent=province)
        centre = Unit(code="S01", kind="service_centre", name_vi="Trung tâm Một", parent=commune,
                      opening_hours=json.dumps(HOURS))
        counters = [Unit(code=f"K0{n}", kind="counter", name_vi=f"Quầy {n}", parent=centre) for n in (1, 2)]
        ward = Unit(code="C02", kind="ward", name_vi="Phường Hai", parent=province)
        other = Unit(code="K03", kind="counter", name_vi="Quầy 3", parent=ward)
        service = Service(code="1.000894", field="ho_tich", name_vi="Đăng ký khai sinh")
        session.add_all([province, commune, centre, *counters, ward, other, service])
        session.flush()
        for path in (BUNDLED / "kiosk" / "2026.1.yaml", BUNDLED / "sipas" / "2026.1.yaml", MINI):
            loaded = load_file(path)
            questionnaires.load(session, loaded)
            questionnaires.publish(session, loaded.code, loaded.version)
        from dataclasses import replace

        questionnaires.load(session, replace(load_file(MINI), version="2026.2"))  # a draft
        session.add(User(username="clerk", display_name="Chị Lan", role="unit_manager", unit_id=commune.id,
                         password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")))
        ids = {unit.code: unit.id for unit in (province, commune, centre, *counters, ward, other)}
        revoked = credentials.issue(session, "kiosk_device", "Kiosk cũ", ids["K01"])
        tokens = {
            "kiosk": credentials.issue(session, "kiosk_device", "Kiosk 1", ids["S01"]).token,
            "kiosk_revoked": revoked.token,
            "interview": credentials.issue(session, "enumerator_device", "Máy tính bảng", ids["C01"]).token,
            "api_client": credentials.issue(session, "api_client", "Một cửa", ids["C01"]).token,
            "api_client_other": credentials.issue(session, "api_client", "Một cửa 2", ids["C02"]).token,
        }
        session.flush()
        credentials.revoke(session, revoked.credential.id)
        hashes = {f"{row.code} {row.version}": row.content_hash for row in session.scalars(select(QuestionnaireVersion))}
        return FuzzWorld(ids, service.id, tokens, hashes)


@pytest.fixture
def fuzzed(database_url):
    """Yield (engine name, application, world) on each engine of the ``database_url`` fixture."""
    application = fuzz_app(database_url)
    yield database_url.split(":", 1)[0].split("+", 1)[0], application, build_world(application)
    engine_of(application).dispose()


def log_in(client) -> str:
    """Log the clerk in through the real form; return a CSRF token for the API's X-CSRFToken header."""
    token = CSRF.search(client.get("/auth/login").get_data(as_text=True)).group(1)
    response = client.post("/auth/login", data={"csrf_token": token, "username": "clerk", "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return CSRF.search(client.get("/auth/login").get_data(as_text=True)).group(1)


def row_counts(app) -> dict[str, int]:
    """Return the number of rows of every table, in one query."""
    tables = Base.metadata.sorted_tables
    query = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{table.name}")' for table in tables)
    with engine_of(app).connect() as connection:
        counts = connection.execute(text(query)).one()
    return dict(zip((table.name for table in tables), counts))
