"""Every admin route, for every role: anonymous -> login page, allowed roles in, the others 403."""

from __future__ import annotations

import datetime as dt

import pytest

from survey.services import api_keys, organisation
from survey.web.database import session_scope

MANAGERS = {"admin", "unit_manager"}
ADMIN = {"admin"}
ROLES = [None, "admin", "unit_manager", "analyst", "supervisor", "enumerator"]

# endpoint -> (method, path with {ids}, roles let in). Written out here, independently of admin.RULES.
# Changing routes (POSTs) come last, in an order where each one still finds what it changes.
EXPECTED = {
    "admin.index": ("GET", "/admin/", MANAGERS),
    "admin.units": ("GET", "/admin/units", MANAGERS),
    "admin.unit_new": ("GET", "/admin/units/new", MANAGERS),
    "admin.unit_edit": ("GET", "/admin/units/{S01}", MANAGERS),
    "admin.services": ("GET", "/admin/services", MANAGERS),
    "admin.service_new": ("GET", "/admin/services/new", ADMIN),
    "admin.service_edit": ("GET", "/admin/services/{service}", ADMIN),
    "admin.users": ("GET", "/admin/users", MANAGERS),
    "admin.user_new": ("GET", "/admin/users/new", MANAGERS),
    "admin.user_edit": ("GET", "/admin/users/{enumerator}", MANAGERS),
    "admin.api_keys": ("GET", "/admin/api-keys", MANAGERS),
    "admin.api_key_new": ("GET", "/admin/api-keys/new", MANAGERS),
    "admin.predecessor_add": ("POST", "/admin/units/{S01}/predecessors", MANAGERS),
    "admin.predecessor_remove": ("POST", "/admin/units/{S01}/predecessors/{S03}/delete", MANAGERS),
    "admin.user_password": ("POST", "/admin/users/{enumerator}/password", MANAGERS),
    "admin.api_key_revoke": ("POST", "/admin/api-keys/{key}/revoke", MANAGERS),
    "admin.audit": ("GET", "/admin/audit", MANAGERS),
}


def test_every_admin_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")}
    assert endpoints == set(EXPECTED)


@pytest.fixture
def ids(app, world) -> dict[str, int]:
    """Add a service, a predecessor S03 of S01 and an API key for S01; return every id by name."""
    with session_scope(app) as session:
        s03 = organisation.create_unit(session, code="S03", kind="service_centre", name_vi="Trung tâm cũ",
                                       parent_id=world.units["C01"])
        organisation.add_predecessor(session, world.units["S01"], s03.id, dt.date(2025, 7, 1))
        service = organisation.create_service(session, code="1.001193", field="ho_tich",
                                              name_vi="Đăng ký khai sinh")
        key = api_keys.issue(session, "Một cửa", world.units["S01"]).credential
        return world.units | world.users | {"S03": s03.id, "service": service.id, "key": key.id}


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_role_matrix(app, ids, login, csrf_token, role):
    client = login(role)
    outcomes = {}
    for endpoint, (method, path, allowed) in EXPECTED.items():
        url = path.format(**ids)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": csrf_token(client)})
        location = response.headers.get("Location", "")
        if role is None:
            outcome = "login" if response.status_code == 302 and "/auth/login" in location else response.status_code
            expected = "login"
        else:
            outcome = "in" if response.status_code in (200, 302, 422) and "/auth/login" not in location \
                else response.status_code
            expected = "in" if role in allowed else 403
        outcomes[endpoint] = (outcome, expected)
    assert {e: o for e, (o, x) in outcomes.items() if o != x} == {}
