"""A world for the audit and privacy tests: the kiosk questionnaire (draft), two communes, staff, kiosks.

Shared by tests/reliability/test_audit_*.py and test_privacy_*.py.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from survey.db.accounts import User
from survey.db.audit import AuditEntry
from survey.db.organisation import Unit
from survey.domain.loader import load_file
from survey.resources import bundled_questionnaire_files
from survey.services import credentials, questionnaires
from survey.services.submission import Caller, submit
from survey.web.database import session_scope

PASSWORD = "mat-khau-thu-nghiem"
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
PHONE = "0987654321"


@dataclass
class AuditWorld:
    """Unit and user ids, kiosk tokens by commune, and ways to rate and to read the log."""

    app: object
    units: dict[str, int]
    users: dict[str, int]
    tokens: dict[str, str]

    def rate(self, unit: str, answers: dict, received: dt.datetime | None = None) -> str:
        """Submit one kiosk rating (opening its case when it qualifies); return its uuid."""
        from survey.services.cases import CasePolicy

        received = received or dt.datetime.now(dt.UTC)
        key = str(uuid.uuid4())
        payload = {"uuid": key, "questionnaire": {"code": "kiosk", "version": "2026.1"},
                   "channel": "kiosk", "unit": unit, "submitted_at": received.isoformat(),
                   "answers": answers}
        commune = "C01" if unit in ("C01", "S01") else "C02"
        with session_scope(self.app) as session:
            submit(session, payload, Caller(token=self.tokens[commune]), now=received, cases=CasePolicy())
        return key

    def entries(self, action: str | None = None) -> list[AuditEntry]:
        """Return the log's entries (of one action), oldest first, detached from their session."""
        with session_scope(self.app) as session:
            query = select(AuditEntry).order_by(AuditEntry.id)
            if action is not None:
                query = query.where(AuditEntry.action == action)
            rows = list(session.scalars(query))
            session.expunge_all()
        return rows


def details(entry: AuditEntry) -> dict:
    """Return an entry's details as a dict."""
    return json.loads(entry.details)


def log_in(client, username: str) -> None:
    """Log the client in through the real login form or fail the test."""
    page = client.get("/auth/login").get_data(as_text=True)
    data = {"csrf_token": CSRF.search(page).group(1), "username": username, "password": PASSWORD}
    response = client.post("/auth/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def csrf_token(client, path: str) -> str:
    """Return the CSRF token of a form page."""
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


@pytest.fixture(name="audit_world")
def audit_world_fixture(app) -> AuditWorld:
    """Create units, users (admin, analyst, a manager per commune), the kiosk questionnaire and tokens."""
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
                                 ("enum1", "enumerator", ids["C01"])):
            user = User(username=name, display_name=name.title(), password_hash=PASSWORD_HASH, role=role,
                        unit_id=unit)
            session.add(user)
            session.flush()
            users[name] = user.id
        questionnaires.load(session, load_file(kiosk))
        tokens = {code: credentials.issue(session, "kiosk_device", f"Kiosk {code}", ids[code]).token
                  for code in ("C01", "C02")}
    return AuditWorld(app, ids, users, tokens)
