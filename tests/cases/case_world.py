"""A world for the case tests: the bundled kiosk questionnaire, two communes, staff, a kiosk per commune."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest

from survey.db.accounts import User
from survey.db.organisation import Unit
from survey.domain.loader import load_file
from survey.resources import bundled_questionnaire_files
from survey.services import credentials, questionnaires
from survey.services.submission import Caller, submit
from survey.web.database import session_scope

ICT = dt.timezone(dt.timedelta(hours=7))
PHONE = "0987654321"


@dataclass
class CaseWorld:
    """Unit and user ids, kiosk tokens by commune, and a way to submit ratings."""

    app: object
    units: dict[str, int]
    users: dict[str, int]
    tokens: dict[str, str]

    def rate(self, unit: str, answers: dict, received: dt.datetime, policy=None) -> str:
        """Submit one kiosk rating received at ``received`` (cases with ``policy``); return its uuid."""
        key = str(uuid.uuid4())
        payload = {"uuid": key, "questionnaire": {"code": "kiosk", "version": "2026.1"},
                   "channel": "kiosk", "unit": unit, "submitted_at": received.isoformat(),
                   "answers": answers}
        commune = "C01" if unit in ("C01", "S01") else "C02"
        with session_scope(self.app) as session:
            submit(session, payload, Caller(token=self.tokens[commune]), now=received, cases=policy)
        return key


@pytest.fixture
def case_world(app, staff_login) -> CaseWorld:
    """Create the units, users (admin, analyst, a manager per commune) and kiosk tokens."""
    kiosk = next(p for p in bundled_questionnaire_files() if p.parent.name == "kiosk")
    with session_scope(app) as session:
        province = Unit(code="P01", kind="province", name_vi="Tỉnh Thử")
        c1 = Unit(code="C01", kind="commune", name_vi="Xã Một", parent=province)
        s1 = Unit(code="S01", kind="service_centre", name_vi="Trung tâm Một", parent=c1)
        c2 = Unit(code="C02", kind="ward", name_vi="Phường Hai", parent=province)
        session.add_all([province, c1, s1, c2])
        session.flush()
        ids = {u.code: u.id for u in (province, c1, s1, c2)}
        users = {}
        for name, role, unit in (("admin", "admin", None), ("analyst", "analyst", None),
                                 ("manager1", "unit_manager", ids["C01"]),
                                 ("manager2", "unit_manager", ids["C02"]),
                                 ("supervisor", "supervisor", ids["C01"])):
            user = User(username=name, display_name=name.title(), password_hash=staff_login.password_hash, role=role,
                        unit_id=unit)
            session.add(user)
            session.flush()
            users[name] = user.id
        questionnaires.load(session, load_file(kiosk))
        questionnaires.publish(session, "kiosk", "2026.1")
        tokens = {code: credentials.issue(session, "kiosk_device", f"Kiosk {code}", ids[code]).token
                  for code in ("C01", "C02")}
    return CaseWorld(app, ids, users, tokens)
