"""A world for the export tests: two published versions of mini, responses through the submission service.

``ExportWorld.payloads`` keeps what was submitted, so tests compare the files with the answers as sent,
never with numbers the export code produced.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from export_expected import PHONE
from sqlalchemy import select

from survey.db.accounts import User
from survey.db.organisation import Service, Unit
from survey.db.responses import Response, ResponseFlag
from survey.domain.loader import load_file
from survey.services import questionnaires
from survey.services.submission import Caller, submit
from survey.web.database import session_scope

HERE = Path(__file__).parent
ICT = dt.timezone(dt.timedelta(hours=7))


@dataclass
class ExportWorld:
    """Units, users and the payloads submitted (by uuid), with which one was flagged."""

    units: dict[str, int]
    users: dict[str, int]
    payloads: dict[str, dict] = field(default_factory=dict)
    flagged: set[str] = field(default_factory=set)


def _answers_v1(n: int) -> dict:
    """Return varied answers of version 2026.1 (age asked, no waiting time)."""
    overall = 1 + n % 5
    answers = {"staff_satisfaction": 1 + (n * 2) % 5, "result_satisfaction": 1 + (n * 3) % 5,
               "overall": overall, "callback": "yes" if n % 4 == 0 else "no"}
    if n % 3:
        answers["age"] = 18 + n
    if overall <= 3 and n % 2:
        answers["problems"] = [["waiting"], ["documents", "attitude"], ["waiting", "attitude"]][n % 3]
    if answers["callback"] == "yes":
        answers["phone"] = PHONE
    return answers


def _answers_v2(n: int) -> dict:
    """Return varied answers of version 2026.2 (waiting time asked, age removed, option 'fees')."""
    answers = _answers_v1(n)
    answers.pop("age", None)
    if "problems" in answers and n % 5 == 1:
        answers["problems"] = ["fees", "waiting"]
    if n % 2:
        answers["waiting_minutes"] = 5 * n
    return answers


def _payload(version: str, answers: dict, unit: str, when: dt.datetime, service: str | None) -> dict:
    """Return a web-channel submission payload."""
    payload = {"uuid": str(uuid.uuid4()), "questionnaire": {"code": "mini", "version": version},
               "channel": "web", "unit": unit, "submitted_at": when.isoformat(), "answers": answers}
    if service:
        payload["service"] = service
    return payload


@pytest.fixture
def export_world(app, mini_file, staff_login) -> ExportWorld:
    """Publish mini 2026.1 and 2026.2 and submit 24 responses in two communes and two quarters."""
    with session_scope(app) as session:
        province = Unit(code="P01", kind="province", name_vi="Tỉnh Thử")
        c1 = Unit(code="C01", kind="commune", name_vi="Xã Một", parent=province)
        s1 = Unit(code="S01", kind="service_centre", name_vi="Trung tâm Một", parent=c1)
        c2 = Unit(code="C02", kind="ward", name_vi="Phường Hai", parent=province)
        session.add_all([province, c1, s1, c2,
                         Service(code="1.000894", field="ho_tich", name_vi="Đăng ký khai sinh")])
        session.flush()
        units = {u.code: u.id for u in (province, c1, s1, c2)}
        users = {}
        for name, role, unit in (("admin", "admin", None), ("analyst", "analyst", None),
                                 ("manager1", "unit_manager", units["C01"]),
                                 ("manager2", "unit_manager", units["C02"]),
                                 ("supervisor", "supervisor", units["C01"])):
            user = User(username=name, display_name=name, password_hash=staff_login.password_hash, role=role, unit_id=unit)
            session.add(user)
            session.flush()
            users[name] = user.id
        for path in (mini_file, HERE / "data" / "mini" / "2026.2.yaml"):
            questionnaire = load_file(path)
            questionnaires.load(session, questionnaire)
            questionnaires.publish(session, "mini", questionnaire.version)
    world = ExportWorld(units, users)
    now = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)
    with session_scope(app) as session:
        for n in range(24):
            version = "2026.1" if n < 12 else "2026.2"
            answers = _answers_v1(n) if version == "2026.1" else _answers_v2(n)
            unit = ("S01", "C01", "C02")[n % 3]
            when = dt.datetime(2026, 2 + (n % 12) // 4 * 2, 1 + n, 9, 30, tzinfo=ICT)
            payload = _payload(version, answers, unit, when, "1.000894" if n % 2 else None)
            submit(session, payload, Caller(user_id=users["admin"]), now=now)
            world.payloads[payload["uuid"]] = payload
    with session_scope(app) as session:
        for key in list(world.payloads)[5:7]:
            response = session.scalars(select(Response).where(Response.uuid == key)).one()
            response.status, response.counted = "flagged", False
            session.add(ResponseFlag(response_id=response.id, flag="burst", detail="test"))
            world.flagged.add(key)
    return world
