"""Unit scope: staff and tokens of commune A cannot read, export or act on commune B's data.

Each refusal has a control: the same request for commune A succeeds, so the test can tell a scope
refusal from a broken page. Requests that change data run on a private copy of the world and check
that nothing changed.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from access_world import BASE, csrf_token, log_in, world_copy, world_file  # noqa: F401 (fixtures)
from sqlalchemy import func, select

from survey.db.accounts import Credential, User
from survey.db.cases import FeedbackCase
from survey.db.kiosks import Kiosk
from survey.db.targets import PublishedResult, Target
from survey.web.app import create_app
from survey.web.database import session_scope

ANALYST_PAGES = ("/analyst/", "/analyst/trends", "/analyst/league", "/analyst/heatmap", "/analyst/gap",
                 "/analyst/chart/table.svg", "/analyst/report.xlsx", "/analyst/targets")
READERS = ("analyst_a", "unit_manager_a", "supervisor_a")


@pytest.fixture(scope="module")
def shared(world_file):
    """Return one application on the world for read-only requests, and a client per user."""
    path, world = world_file
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "access-secret"})
    clients = {}

    def client(username: str):
        if username not in clients:
            clients[username] = app.test_client()
            log_in(clients[username], username)
        return clients[username]

    yield app, world, client
    app.extensions["hailong.db"][0].dispose()


def _get(client, path: str, **params):
    """Return the status and text of a GET."""
    response = client.get(path, query_string=params, base_url=BASE)
    text = response.get_data().decode("utf-8", "replace")
    response.close()
    return response.status_code, text


def _post(client, path: str, data: dict | None = None, **kwargs):
    """POST a form with the session's CSRF token; return the response."""
    form = {"csrf_token": csrf_token(client), **(data or {})}
    return client.post(path, data=form, base_url=BASE, **kwargs)


def _logged_in(app, username: str):
    """Return a new client of ``app`` logged in as ``username``."""
    client = app.test_client()
    log_in(client, username)
    return client


@pytest.mark.parametrize("username", READERS)
@pytest.mark.parametrize("path", ANALYST_PAGES)
def test_analyst_pages_refuse_another_commune(shared, username, path):
    _, _, client = shared
    assert _get(client(username), path, unit="MH-02")[0] == 404
    assert _get(client(username), path, unit="MH")[0] == 404  # the province above is outside too
    assert _get(client(username), path, unit="MH-01")[0] == 200


@pytest.mark.parametrize("username", ("analyst_a", "unit_manager_a"))
def test_exports_refuse_another_commune(shared, username):
    _, _, client = shared
    query = {"code": "kiosk", "file_format": "csv"}
    status, text = _get(client(username), "/exports/download", unit="MH-02", **query)
    assert status == 403 and "MH-02-" not in text
    status, text = _get(client(username), "/exports/download", **query)  # the whole scope
    assert status == 200 and "MH-01" in text and "MH-02" not in text


@pytest.mark.parametrize("username", ("analyst_a", "unit_manager_a"))
def test_cases_of_another_commune_are_hidden(shared, username):
    _, world, client = shared
    assert _get(client(username), f"/cases/{world.cases['b']}")[0] == 404
    assert _get(client(username), f"/cases/{world.cases['a']}")[0] == 200
    status, text = _get(client(username), "/cases/")
    assert status == 200 and f"/cases/{world.cases['a']}" in text and f"/cases/{world.cases['b']}\"" not in text


def test_admin_pages_of_another_commune_are_hidden(shared):
    _, world, client = shared
    manager = client("unit_manager_a")
    assert _get(manager, f"/admin/units/{world.units['b']}")[0] == 404
    assert _get(manager, f"/admin/users/{world.users['analyst_b']}")[0] == 404
    assert _get(manager, f"/admin/users/{world.users['analyst_a']}")[0] == 200
    _, users = _get(manager, "/admin/users")
    assert "analyst_a" in users and "analyst_b" not in users
    _, keys = _get(manager, "/admin/api-keys")
    assert "Key a" in keys and "Key b" not in keys


def test_kiosks_of_another_commune_are_hidden(shared):
    _, world, client = shared
    manager = client("unit_manager_a")
    assert _get(manager, f"/kiosk/admin/{world.kiosks['b']}")[0] == 404
    assert _get(manager, f"/kiosk/admin/{world.kiosks['a']}")[0] == 200
    _, listing = _get(manager, "/kiosk/admin/")
    assert "Kiosk a" in listing and "Kiosk b" not in listing


def _count(app, model, *where) -> int:
    """Count rows of ``model``."""
    with session_scope(app) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_case_of_another_commune_cannot_be_acted_on(world_copy):
    app, world = world_copy
    manager = _logged_in(app, "unit_manager_a")
    for step in ("acknowledge", "close"):
        assert _post(manager, f"/cases/{world.cases['b']}/{step}").status_code == 404
    assert _count(app, FeedbackCase, FeedbackCase.id == world.cases["b"], FeedbackCase.status == "new") == 1
    assert _post(manager, f"/cases/{world.cases['a']}/acknowledge").status_code == 302


def test_targets_and_publication_of_another_commune_are_refused(world_copy):
    app, world = world_copy
    manager = _logged_in(app, "unit_manager_a")
    assert _post(manager, f"/analyst/targets/{world.targets['b']}/delete").status_code == 404
    target = {"index": "sipas", "period": "2026", "target": "≥ 90 %"}
    assert _post(manager, "/analyst/targets/set", {"unit": "MH-02", **target}).status_code == 404
    assert _post(manager, "/analyst/publish", {"unit": "MH-02", "index": "kiosk", "period": "2026"}
                 ).status_code == 404
    assert _count(app, Target, Target.id == world.targets["b"], Target.threshold == 80) == 1
    assert _count(app, PublishedResult) == 0
    assert _post(manager, f"/analyst/targets/{world.targets['a']}/delete").status_code == 302
    assert _count(app, Target, Target.id == world.targets["a"]) == 0


def _kiosk_works(app, token: str) -> bool:
    """Whether the kiosk token still opens the kiosk's configuration."""
    response = app.test_client().get("/kiosk/api/config", headers={"Authorization": f"Bearer {token}"})
    return response.status_code == 200


def test_kiosks_of_another_commune_cannot_be_managed(world_copy):
    app, world = world_copy
    manager, kiosk_b = _logged_in(app, "unit_manager_a"), world.kiosks["b"]
    for action in ("revoke", "code", "push"):
        response = _post(manager, f"/kiosk/admin/{kiosk_b}/{action}", {"transaction_ref": "HS-9"})
        assert response.status_code == 404, action
    assert _post(manager, f"/kiosk/admin/{kiosk_b}", {"name": "Đã đổi"}).status_code == 404
    with session_scope(app) as session:
        assert session.get(Kiosk, kiosk_b).name == "Kiosk b"
    assert _kiosk_works(app, world.kiosk_tokens["b"])
    assert _post(manager, f"/kiosk/admin/{world.kiosks['a']}/revoke").status_code == 302
    assert not _kiosk_works(app, world.kiosk_tokens["a"])


def test_keys_and_accounts_of_another_commune_cannot_be_changed(world_copy):
    app, world = world_copy
    manager = _logged_in(app, "unit_manager_a")
    assert _post(manager, f"/admin/api-keys/{world.api_key_ids['b']}/revoke").status_code in (403, 404)
    assert _count(app, Credential, Credential.id == world.api_key_ids["b"], Credential.revoked_at.is_(None)) == 1
    password = {"password": "mat-khau-moi-rat-dai-2026", "confirm": "mat-khau-moi-rat-dai-2026"}
    assert _post(manager, f"/admin/users/{world.users['analyst_b']}/password", password).status_code in (403, 404)
    edit = {"display_name": "Đã đổi", "role": "analyst", "unit_id": str(world.units["a"]), "active": "y"}
    assert _post(manager, f"/admin/users/{world.users['analyst_b']}", edit).status_code in (403, 404)
    with session_scope(app) as session:
        analyst_b = session.get(User, world.users["analyst_b"])
        assert (analyst_b.unit_id, analyst_b.display_name, analyst_b.session_epoch) == (
            world.units["b"], "analyst_b", 0)


def test_qr_links_and_posters_of_another_commune_are_refused(world_copy):
    app, world = world_copy
    manager = _logged_in(app, "unit_manager_a")
    link = _post(manager, "/qr/links", {"unit": "MH-02", "transaction_ref": "HS-b-9", "questionnaire": "kiosk"})
    assert link.status_code == 200 and "/r/" not in link.get_data(as_text=True)
    poster = _post(manager, "/qr/posters", {"unit": str(world.units["b"]), "questionnaire": "kiosk"})
    assert poster.status_code == 200 and poster.mimetype == "text/html"
    link = _post(manager, "/qr/links", {"unit": "MH-01", "transaction_ref": "HS-a-9", "questionnaire": "kiosk"})
    assert link.status_code == 201


def _api(app, path: str, token: str, body: dict):
    """POST JSON with a bearer token; return the response."""
    return app.test_client().post(path, json=body, headers={"Authorization": f"Bearer {token}"})


def test_an_api_key_cannot_act_for_another_commune(world_copy):
    app, world = world_copy
    key = world.api_keys["a"]
    assert _api(app, "/api/v1/qr-links", key, {"unit": "MH-02", "transaction_ref": "HS-1"}).status_code == 422
    row = {"unit": "MH-02", "service": "KS-01", "day": "2026-01-05", "processed": 3}
    volumes = _api(app, "/api/v1/transaction-volumes", key, {"rows": [row]})
    assert volumes.status_code in (403, 422)
    assert _api(app, "/kiosk/api/push", key, {"kiosk": world.kiosks["b"], "transaction_ref": "HS-1"}
                ).status_code == 404
    assert _api(app, "/kiosk/api/push", key, {"kiosk": world.kiosks["a"], "transaction_ref": "HS-1"}
                ).status_code == 201
    assert _api(app, "/api/v1/qr-links", key, {"unit": "MH-01", "transaction_ref": "HS-1"}).status_code == 201


def _rating(unit: str) -> dict:
    """Return a kiosk rating for ``unit``."""
    return {"uuid": str(uuid.uuid4()), "questionnaire": {"code": "kiosk", "version": "2026.1"},
            "channel": "kiosk", "unit": unit, "submitted_at": dt.datetime.now(dt.timezone.utc).isoformat(),
            "answers": {"overall_rating": 5}}


def test_a_kiosk_cannot_rate_for_another_commune(world_copy):
    app, world = world_copy
    refused = _api(app, "/api/v1/responses", world.kiosk_tokens["a"], _rating("MH-02"))
    assert refused.status_code == 403, refused.get_json()
    assert _api(app, "/api/v1/responses", world.kiosk_tokens["a"], _rating("MH-01")).status_code == 201


def test_a_manager_cannot_create_accounts_outside_the_commune_or_above_the_role(world_copy):
    app, world = world_copy
    manager = _logged_in(app, "unit_manager_a")
    before = _count(app, User)
    account = {"display_name": "Người mới", "password": "mat-khau-moi-rat-dai-2026",
               "confirm": "mat-khau-moi-rat-dai-2026"}
    for username, role, unit in (("moi_b", "analyst", world.units["b"]), ("moi_admin", "admin", world.units["a"]),
                                 ("moi_all", "analyst", "")):
        response = _post(manager, "/admin/users/new", {**account, "username": username, "role": role,
                                                        "unit_id": str(unit)})
        assert response.status_code != 302, username
    assert _count(app, User) == before
    ok = _post(manager, "/admin/users/new", {**account, "username": "moi_a", "role": "analyst",
                                              "unit_id": str(world.units["a"])})
    assert ok.status_code == 302 and _count(app, User) == before + 1


def test_a_manager_cannot_move_a_unit_or_kiosk_out_of_the_commune(world_copy):
    app, world = world_copy
    manager = _logged_in(app, "unit_manager_a")
    moved = _post(manager, f"/kiosk/admin/{world.kiosks['a']}", {"move-unit_id": str(world.units["b"])})
    assert moved.status_code in (200, 400, 404)
    with session_scope(app) as session:
        assert session.get(Kiosk, world.kiosks["a"]).unit_id == world.units["a"]
