"""The access tests' world: the demo province with staff of every role in two communes, and every kind
of token (kiosk device, enumerator tablet, API client key, QR link), cases, targets and kiosks in both.

Commune A is MH-01 and commune B is MH-02 of the demo; ``<role>_a`` / ``<role>_b`` are scoped to them,
``root`` is an administrator of the whole installation.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from survey.cli import cli
from survey.db import migrate
from survey.db.accounts import User
from survey.db.cases import FeedbackCase
from survey.db.responses import Response
from survey.db.organisation import Unit
from survey.db.questionnaires import QuestionnaireVersion
from survey.db.base import utcnow
from survey.services import api_keys, cases, fieldwork, kiosks, qrlinks, sampling
from survey.services.reporting import targets
from survey.web.app import create_app
from survey.web.database import session_scope
from survey.web.qr_keys import keyring_and_settings

PASSWORD = "mat-khau-thu-nghiem"
# A cheap hash: these accounts only need to log in through the real login form.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
BASE = "http://localhost"  # the test client sends the Secure session cookie over http too
COMMUNES = {"a": "MH-01", "b": "MH-02"}
SCOPED_ROLES = ("unit_manager", "analyst", "supervisor", "enumerator")
PERIOD = "2026"


@dataclass
class AccessWorld:
    """Ids and secrets by commune letter ('a', 'b'), and the users by name."""

    units: dict[str, int]
    users: dict[str, int]
    kiosk_tokens: dict[str, str] = field(default_factory=dict)
    tablet_tokens: dict[str, str] = field(default_factory=dict)
    tablets: dict[str, int] = field(default_factory=dict)
    api_keys: dict[str, str] = field(default_factory=dict)
    api_key_ids: dict[str, int] = field(default_factory=dict)
    qr_tokens: dict[str, str] = field(default_factory=dict)
    kiosks: dict[str, int] = field(default_factory=dict)
    cases: dict[str, int] = field(default_factory=dict)
    targets: dict[str, int] = field(default_factory=dict)
    kiosk_hash: str = ""
    survey: str = "hh"


def app_config(database_url: str) -> dict:
    """Return the configuration of an access-test application."""
    return {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "access-secret"}


def build(app) -> AccessWorld:
    """Build the demo, then add the staff, kiosks, tokens, cases and targets of communes A and B."""
    result = app.test_cli_runner().invoke(cli, ["demo", "--no-serve", "--scale", "0.004"])
    assert result.exit_code == 0, result.output
    with app.app_context(), session_scope(app) as session:
        units = {letter: session.scalar(select(Unit.id).where(Unit.code == code))
                 for letter, code in COMMUNES.items()}
        world = AccessWorld(units, _staff(session, units))
        for letter, unit_id in units.items():
            _tokens(session, world, letter, unit_id)
        cases.sync(session, cases.CasePolicy())
        sampling.create_survey(session, world.survey, "Khảo sát hộ gia đình", "papi", "MH")
        world.kiosk_hash = session.scalar(select(QuestionnaireVersion.content_hash).where(
            QuestionnaireVersion.code == "kiosk", QuestionnaireVersion.version == "2026.1"))
        for letter, code in COMMUNES.items():
            world.cases[letter] = session.scalar(
                select(FeedbackCase.id).join(Response).join(Unit, Unit.id == Response.unit_id)
                .where(Unit.code.like(f"{code}%")).order_by(FeedbackCase.id))
    return world


def _staff(session, units: dict[str, int]) -> dict[str, int]:
    """Create ``root`` and every scoped role in both communes, all with PASSWORD."""
    people = [("root", "admin", None)] + [
        (f"{role}_{letter}", role, unit_id) for letter, unit_id in units.items() for role in SCOPED_ROLES
    ]
    users = {}
    for name, role, unit_id in people:
        user = User(username=name, display_name=name, password_hash=PASSWORD_HASH, role=role, unit_id=unit_id)
        session.add(user)
        session.flush()
        users[name] = user.id
    return users


def _tokens(session, world: AccessWorld, letter: str, unit_id: int) -> None:
    """Give a commune a paired kiosk, an enrolled tablet, an API key, a QR link and a target."""
    code = kiosks.create(session, f"Kiosk {letter}", unit_id, "246810")
    world.kiosks[letter] = code.kiosk.id
    world.kiosk_tokens[letter] = kiosks.pair(session, code.code)[1]
    enrolment = fieldwork.new_enrolment(session, f"enumerator_{letter}", f"Tablet {letter}")
    device, world.tablet_tokens[letter] = fieldwork.enrol(session, enrolment.code)
    world.tablets[letter] = device.id
    issued = api_keys.issue(session, f"Key {letter}", unit_id)
    world.api_keys[letter], world.api_key_ids[letter] = issued.token, issued.credential.id
    keyring, settings = keyring_and_settings()
    world.qr_tokens[letter] = qrlinks.issue_transaction_link(
        session, keyring, settings, unit_code=COMMUNES[letter], transaction_ref=f"HS-{letter}-1", now=utcnow(),
    ).token
    world.targets[letter] = targets.set_target(session, "sipas", unit_id, PERIOD, "≥ 80 %").id


def url_values(world) -> dict[str, dict]:
    """Return the URL variables of each endpoint, naming commune A's objects."""
    return {
        "static": {"filename": "hailong.css"}, "kiosk.static": {"filename": "js/kiosk.js"},
        "catalogue.show": {"code": "kiosk", "version": "2026.1"},
        "api.questionnaire": {"code": "kiosk", "version": "2026.1"},
        "api.questionnaire_by_hash": {"digest": world.kiosk_hash},
        "public.results": {"unit_code": "MH-01", "period": "2026"},
        "qr.citizen": {"token": world.qr_tokens["a"]}, "qr.citizen_upper": {"token": world.qr_tokens["a"]},
        "admin.unit_edit": {"unit_id": world.units["a"]},
        "admin.predecessor_add": {"unit_id": world.units["a"]},
        "admin.predecessor_remove": {"unit_id": world.units["a"], "predecessor_id": world.units["b"]},
        "admin.service_edit": {"service_id": 1},
        "admin.user_edit": {"user_id": world.users["enumerator_a"]},
        "admin.user_password": {"user_id": world.users["enumerator_a"]},
        "admin.api_key_revoke": {"key_id": world.api_key_ids["a"]},
        "analyst.chart": {"name": "table", "fmt": "svg"}, "analyst.report": {"fmt": "xlsx"},
        "analyst.target_delete": {"target_id": world.targets["a"]},
        "cases.show": {"case_id": world.cases["a"]},
        "cases.act": {"case_id": world.cases["a"], "step": "acknowledge"},
        **{f"kiosk_admin.{name}": {"kiosk_id": world.kiosks["a"]}
           for name in ("edit", "pairing_code", "revoke", "push")},
        **{f"supervision.{name}": {"code": world.survey}
           for name in ("survey", "assign", "draw_backchecks", "enrol", "send_back", "request_listings")},
        "supervision.revoke_tablet": {"code": world.survey, "device_id": world.tablets["a"]},
    }


def copy_app(source: Path, target: Path):
    """Return an application on a copy of the world's SQLite file (for tests that change data)."""
    shutil.copyfile(source, target)
    return create_app(app_config(f"sqlite:///{target}"))


def log_in(client, username: str) -> None:
    """Log the client in as ``username`` through the login form, or fail the test."""
    page = client.get("/auth/login", base_url=BASE).get_data(as_text=True)
    data = {"csrf_token": CSRF.search(page).group(1), "username": username, "password": PASSWORD}
    response = client.post("/auth/login", data=data, base_url=BASE)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def csrf_token(client, path: str = "/auth/login") -> str:
    """Return the CSRF token of the client's session, as a form page shows it."""
    return CSRF.search(client.get(path, base_url=BASE).get_data(as_text=True)).group(1)



@pytest.fixture(scope="session")
def world_file(tmp_path_factory) -> tuple[Path, AccessWorld]:
    """Build the world once per test run into a SQLite file; return its path and the world."""
    path = tmp_path_factory.mktemp("access") / "world.db"
    app = create_app(app_config(f"sqlite:///{path}"))
    migrate.upgrade(app.extensions["hailong.db"][0])
    world = build(app)
    app.extensions["hailong.db"][0].dispose()
    return path, world


@pytest.fixture
def world_copy(world_file, tmp_path):
    """Return an application on a private copy of the world, and the world."""
    path, world = world_file
    app = copy_app(path, tmp_path / "world.db")
    yield app, world
    app.extensions["hailong.db"][0].dispose()
