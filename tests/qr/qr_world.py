"""A small world for QR links: units with counters, a service, the bundled kiosk and sipas forms, keys."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from survey.db.accounts import User
from survey.db.organisation import Service, Unit
from survey.domain.loader import load_file
from survey.services import credentials, questionnaires
from survey.web.database import session_scope

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # Monday 10:00 in Viet Nam
BUNDLED = Path(__file__).resolve().parents[2] / "questionnaires"
KEYS = {"2026a": "old-secret-for-tests-0123456789", "2026b": "new-secret-for-tests-0123456789"}
PASSWORD = "mat-khau-thu-nghiem"
QR_CONFIG = {"QR_KEYS": KEYS, "QR_CURRENT_KID": "2026b", "QR_BASE_URL": "https://hailong.example.vn"}


@dataclass(frozen=True)
class World:
    """Ids and tokens of the test world."""

    units: dict[str, int]
    service_id: int
    api_client: str  # scoped to commune C01
    api_client_other: str  # scoped to ward C02


def build_world(app) -> World:
    """Create units (two counters under one centre), a service, published forms and API keys."""
    with session_scope(app) as session:
        province = Unit(code="P01", kind="province", name_vi="Tỉnh Thử", name_en="Test Province")
        commune = Unit(code="C01", kind="commune", name_vi="Xã Một", parent=province)
        centre = Unit(code="S01", kind="service_centre", name_vi="Trung tâm Một", name_en="Centre One",
                      parent=commune)
        counters = [
            Unit(code=f"K0{n}", kind="counter", name_vi=f"Quầy {n}", name_en=f"Counter {n}", parent=centre)
            for n in (1, 2, 3)
        ]
        ward = Unit(code="C02", kind="ward", name_vi="Phường Hai", parent=province)
        service = Service(code="1.000894", field="ho_tich", name_vi="Đăng ký khai sinh", name_en="Birth registration")
        session.add_all([province, commune, centre, *counters, ward, service])
        session.flush()
        for code in ("kiosk", "sipas"):
            questionnaires.load(session, load_file(BUNDLED / code / "2026.1.yaml"))
            questionnaires.publish(session, code, "2026.1")
        session.add(User(username="clerk", display_name="Chị Lan", role="unit_manager", unit_id=commune.id,
                         password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")))
        session.add(User(username="analyst", display_name="Anh Minh", role="analyst", unit_id=None,
                         password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")))
        ids = {u.code: u.id for u in (province, commune, centre, *counters, ward)}
        return World(
            ids, service.id,
            credentials.issue(session, "api_client", "Một cửa", commune.id).token,
            credentials.issue(session, "api_client", "Một cửa 2", ward.id).token,
        )


@pytest.fixture
def world(app) -> World:
    """Return the QR world on the app's database (SQLite and PostgreSQL)."""
    return build_world(app)


def kiosk_payload(**changes) -> dict:
    """Return a valid qr payload of the quick form for counter K01, transaction T-1, sent at NOW."""
    base = {
        "uuid": str(uuid.uuid4()), "questionnaire": {"code": "kiosk", "version": "2026.1"},
        "channel": "qr", "link_kind": "transaction", "unit": "K01", "service": "1.000894",
        "transaction_ref": "T-1", "started_at": (NOW - dt.timedelta(minutes=1)).isoformat(),
        "submitted_at": NOW.isoformat(), "answers": {"overall_rating": 5},
    }
    base.update(changes)
    return {key: value for key, value in base.items() if value is not None}
