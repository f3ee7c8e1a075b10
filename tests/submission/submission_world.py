"""A small world for submissions: units with opening hours, a service, the mini questionnaire, tokens, staff."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from survey.db.accounts import User
from survey.db.models import Base
from survey.db.organisation import Service, Unit
from survey.domain.loader import load_file
from survey.services import credentials, questionnaires
from survey.web.database import session_scope

UTC = dt.UTC
# Monday 2 March 2026, 10:00 in Asia/Ho_Chi_Minh: inside the opening hours below.
NOW = dt.datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
HOURS = {
    day: [["07:30", "11:30"], ["13:30", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")
}
ANSWERS = {"staff_satisfaction": 5, "result_satisfaction": 4, "overall": 5, "age": 40, "callback": "no"}


@dataclass(frozen=True)
class World:
    """Ids and tokens of the test world."""

    units: dict[str, int]
    kiosk: str  # kiosk_device token scoped to counter K01
    kiosk_other: str  # kiosk_device token scoped to centre S02
    enumerator: str  # enumerator_device token scoped to commune C01
    api_client: str  # api_client token scoped to the province
    users: dict[str, int]
    service_id: int


@pytest.fixture
def world(app, mini_file) -> World:
    """Create the units, a service, published mini 2026.1 (and a draft 2026.2), tokens and users."""
    with session_scope(app) as session:
        province = Unit(code="P01", kind="province", name_vi="Tỉnh Thử")
        commune = Unit(code="C01", kind="commune", name_vi="Xã Một", parent=province)
        centre = Unit(code="S01", kind="service_centre", name_vi="Trung tâm Một", parent=commune,
                      opening_hours=json.dumps(HOURS))
        counter = Unit(code="K01", kind="counter", name_vi="Quầy 1", parent=centre)
        ward = Unit(code="C02", kind="ward", name_vi="Phường Hai", parent=province)
        centre2 = Unit(code="S02", kind="service_centre", name_vi="Trung tâm Hai", parent=ward)
        counter2 = Unit(code="K02", kind="counter", name_vi="Quầy 2", parent=centre2)
        service = Service(code="1.000894", field="ho_tich", name_vi="Đăng ký khai sinh")
        session.add_all([province, commune, centre, counter, ward, centre2, counter2, service])
        session.flush()
        ids = {u.code: u.id for u in (province, commune, centre, counter, ward, centre2, counter2)}
        mini = load_file(mini_file)
        questionnaires.load(session, mini)
        questionnaires.publish(session, "mini", "2026.1")
        from dataclasses import replace

        questionnaires.load(session, replace(mini, version="2026.2"))
        users = {}
        for name, role, unit in (("admin", "admin", None), ("analyst", "analyst", None),
                                 ("enum2", "enumerator", ids["C02"]), ("off", "enumerator", None)):
            user = User(username=name, display_name=name, password_hash="x", role=role, unit_id=unit,
                        active=name != "off")
            session.add(user)
            session.flush()
            users[name] = user.id
        tokens = {
            "kiosk": credentials.issue(session, "kiosk_device", "Kiosk 1", ids["K01"]).token,
            "kiosk_other": credentials.issue(session, "kiosk_device", "Kiosk 2", ids["S02"]).token,
            "enumerator": credentials.issue(session, "enumerator_device", "Tablet", ids["C01"]).token,
            "api_client": credentials.issue(session, "api_client", "Một cửa", ids["P01"]).token,
        }
        return World(units=ids, users=users, service_id=service.id, **tokens)


def payload(**changes) -> dict:
    """Return a valid kiosk payload for counter K01 at NOW minus one minute, with ``changes``."""
    base = {
        "uuid": str(uuid.uuid4()),
        "questionnaire": {"code": "mini", "version": "2026.1"},
        "channel": "kiosk",
        "unit": "K01",
        "service": "1.000894",
        "started_at": (NOW - dt.timedelta(minutes=2)).isoformat(),
        "submitted_at": (NOW - dt.timedelta(minutes=1)).isoformat(),
        "answers": dict(ANSWERS),
    }
    base.update(changes)
    return {key: value for key, value in base.items() if value is not ...}


def row_counts(app) -> dict[str, int]:
    """Return the number of rows of every table."""
    with session_scope(app) as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }
