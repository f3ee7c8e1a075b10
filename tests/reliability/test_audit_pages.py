"""The audit log through the web and the command line: actors of requests, the admin page, the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from audit_world import audit_world_fixture, csrf_token, details, log_in  # noqa: F401  (a fixture)

from survey.cli import cli
from survey.db.audit import AuditEntry
from survey.services import audit, kiosks, questionnaires
from survey.web.database import session_scope


def _add(app, action: str, unit_id: int | None, at: dt.datetime | None = None) -> None:
    """Store an entry of the command line (at a given time, for the date filters)."""
    with session_scope(app) as session:
        entry = audit.record(session, action, "test", "1", unit_id=unit_id)
        if at is not None:
            entry.at = at


def test_a_web_action_names_the_user_request_id_and_address(app, audit_world, client):
    log_in(client, "manager1")
    data = {"csrf_token": csrf_token(client, "/admin/api-keys/new"), "name": "Một cửa",
            "unit_id": str(audit_world.units["C01"])}
    response = client.post("/admin/api-keys/new", data=data)
    assert response.status_code == 201
    [entry] = audit_world.entries("api_key.create")
    assert (entry.actor_kind, entry.actor_name, entry.actor_user_id) == (
        "user", "manager1", audit_world.users["manager1"])
    assert entry.remote_addr == "127.0.0.1"
    assert entry.request_id == response.headers.get("X-Request-ID")
    assert "hla_" not in entry.details


def test_one_account_form_writes_one_entry_per_change(app, audit_world, client):
    log_in(client, "admin")
    path = f"/admin/users/{audit_world.users['analyst']}"
    data = {"csrf_token": csrf_token(client, path), "display_name": "Analyst",
            "role": "unit_manager", "unit_id": str(audit_world.units["C02"])}  # unticked: disabled
    assert client.post(path, data=data).status_code == 302
    entries = audit_world.entries()
    assert [(e.action, e.target_id, e.unit_id, e.actor_name) for e in entries] == [
        ("user.role", str(audit_world.users["analyst"]), audit_world.units["C02"], "admin"),
        ("user.deactivate", str(audit_world.users["analyst"]), audit_world.units["C02"], "admin")]
    assert details(entries[0]) == {"role": "unit_manager", "from_role": "analyst", "from_unit_id": None}
    assert len({e.request_id for e in entries}) == 1


def test_a_kiosk_pairing_from_the_web_is_anonymous_with_its_address(app, audit_world, client):
    with session_scope(app) as session:
        code = kiosks.create(session, "Quầy 1", audit_world.units["S01"], "2468").code
    assert client.post("/kiosk/api/pair", json={"code": code}).status_code == 201
    [entry] = audit_world.entries("kiosk.pair")
    assert (entry.actor_kind, entry.actor_name, entry.remote_addr) == ("anonymous", "anonymous", "127.0.0.1")
    assert entry.actor_user_id is None and details(entry)["credential_id"] is not None


def test_a_web_export_is_recorded_once(app, audit_world, client):
    with session_scope(app) as session:
        questionnaires.publish(session, "kiosk", "2026.1")
    audit_world.rate("S01", {"overall_rating": 4})
    log_in(client, "analyst")
    for file_format in ("csv", "xlsx"):
        response = client.get(f"/exports/download?code=kiosk&file_format={file_format}&period=")
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        response.close()
    entries = audit_world.entries("export.responses")
    assert [(e.actor_name, details(e)["format"], details(e)["rows"]) for e in entries] == [
        ("analyst", "csv", 1), ("analyst", "xlsx", 1)]


def _entries_page(client, query: str = "") -> str:
    response = client.get(f"/admin/audit{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_admins_see_every_entry_and_managers_only_their_units(app, audit_world, client):
    units = audit_world.units
    _add(app, "target.set", units["S01"])
    _add(app, "target.delete", units["C02"])
    _add(app, "questionnaire.publish", None)
    log_in(client, "admin")
    page = _entries_page(client)
    assert all(code in page for code in ("target.set", "target.delete", "questionnaire.publish"))
    assert "Nhật ký kiểm toán" in page and "3 mục" in page
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    log_in(client, "manager1")
    page = _entries_page(client)
    assert "<code>target.set</code>" in page
    assert "<code>target.delete</code>" not in page and "<code>questionnaire.publish</code>" not in page


@pytest.mark.parametrize("role", ["analyst", "enum1"])
def test_other_roles_cannot_read_the_log(app, audit_world, client, role):
    log_in(client, role)
    assert client.get("/admin/audit").status_code == 403


def test_filters_and_pages(app, audit_world, client):
    units = audit_world.units
    ict = dt.timezone(dt.timedelta(hours=7))
    for day in range(1, 61):
        at = dt.datetime(2026, 3, 1, 0, 30, tzinfo=ict) + dt.timedelta(days=day % 3)
        _add(app, "target.set" if day % 2 else "target.delete", units["C01" if day < 31 else "C02"], at)
    log_in(client, "admin")
    assert "60 mục" in _entries_page(client)
    assert "30 mục" in _entries_page(client, "?action=target.set")
    assert "30 mục" in _entries_page(client, f"?unit={units['C02']}")
    # 00:30 in Viet Nam on 2 March is still 1 March in UTC: the dates are Vietnamese days.
    assert "20 mục" in _entries_page(client, "?since=2026-03-02&until=2026-03-02")
    assert "0 mục" in _entries_page(client, "?user=someone")
    first = _entries_page(client)
    assert "Trang 1 / 2" in first and "page=2" in first
    second = _entries_page(client, "?page=2")
    assert second.count("<tr>") == 1 + 10
    assert client.get("/admin/audit?since=not-a-date").status_code == 400


def test_cli_lists_the_log_with_filters_as_csv(app, audit_world, runner):
    _add(app, "target.set", audit_world.units["S01"])
    _add(app, "target.delete", audit_world.units["C02"])
    result = runner.invoke(cli, ["audit", "list", "--format", "csv", "--unit", "C01"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["action"], r["unit_id"], r["actor_kind"]) for r in rows] == [
        ("target.set", str(audit_world.units["S01"]), "cli")]
    table = runner.invoke(cli, ["audit", "list", "--action", "target.delete"])
    assert table.exit_code == 0 and "target.delete" in table.output and "target.set" not in table.output
    unknown = runner.invoke(cli, ["audit", "list", "--unit", "NOPE"])
    assert unknown.exit_code == 1 and "NOPE" in unknown.output


def test_the_cli_actor_is_the_os_user(app, audit_world, runner):
    result = runner.invoke(cli, ["questionnaire", "publish", "kiosk", "2026.1"])
    assert result.exit_code == 0, result.output
    with session_scope(app) as session:
        entry = session.query(AuditEntry).one()
        assert entry.actor_kind == "cli" and entry.actor_name.startswith("cli:")
