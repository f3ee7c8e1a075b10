"""Admin pages end to end: forms with CSRF, unit-scope isolation, login throttling and logout."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from survey.db.accounts import Credential, User
from survey.db.organisation import Service, Unit
from survey.services import api_keys, credentials
from survey.web.database import session_scope


def _post(client, csrf_token, url, data, form_page=None):
    """Post a form with the session's CSRF token."""
    return client.post(url, data={"csrf_token": csrf_token(client, form_page or url)} | data)


def _one(app, model, **where):
    with session_scope(app) as session:
        return session.scalars(select(model).filter_by(**where)).first()


def test_login_logout_and_header_links(app, world, client, log_in, csrf_token):
    page = client.get("/").get_data(as_text=True)
    assert "Đăng nhập" in page and "Quản trị" not in page
    response = log_in(client, "unit.manager", next="/admin/units")
    assert response.status_code == 302 and response.location == "/admin/units"
    page = client.get("/").get_data(as_text=True)
    assert "Cán bộ unit_manager · Quản lý đơn vị" in page and 'href="/admin/"' in page
    assert client.get("/?lang=en").get_data(as_text=True).count("Unit manager") == 1
    assert client.post("/auth/logout").status_code == 400  # no CSRF token
    assert client.get("/admin/").status_code == 200
    assert _post(client, csrf_token, "/auth/logout", {}, "/").status_code == 302
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "admin", "/\\evil"])
def test_login_never_redirects_off_site(app, world, client, log_in, target):
    assert log_in(client, "admin", next=target).location == "/"


def test_wrong_password_and_disabled_account(app, world, client, log_in):
    page = log_in(client, "admin", password="sai-mat-khau-roi").get_data(as_text=True)
    assert "Sai tên đăng nhập hoặc mật khẩu" in page
    with session_scope(app) as session:
        session.get(User, world.users["analyst"]).active = False
    assert log_in(client, "analyst").status_code == 200


def test_disabling_an_account_ends_its_session(app, world, login, log_in):
    manager = login("unit_manager")
    assert manager.get("/admin/").status_code == 200
    with session_scope(app) as session:
        session.get(User, world.users["unit_manager"]).active = False
    assert manager.get("/admin/").status_code == 302


def test_login_is_throttled_with_429_in_both_languages(app, world, client, log_in):
    app.config["LOGIN_LIMITS"] = [3, 50, 900]
    for _ in range(3):
        assert log_in(client, "admin", password="sai-mat-khau-roi").status_code == 200
    locked = log_in(client, "admin")
    assert locked.status_code == 429
    assert 0 < int(locked.headers["Retry-After"]) <= 900
    assert "Đăng nhập sai quá nhiều lần" in locked.get_data(as_text=True)
    client.get("/?lang=en")
    english = log_in(client, "admin").get_data(as_text=True)
    assert "Too many login attempts. Try again in" in english
    assert log_in(app.test_client(), "analyst").status_code == 302  # other user names are not locked


def test_csrf_token_is_required_on_admin_forms(app, world, login):
    client = login("admin")
    data = {"username": "moi.nguoi", "display_name": "Người Mới", "role": "analyst", "unit_id": "",
            "password": "y" * 12, "confirm": "y" * 12}
    assert client.post("/admin/users/new", data=data).status_code == 400
    assert client.post("/admin/users/new", data=data | {"csrf_token": "forged"}).status_code == 400
    assert _one(app, User, username="moi.nguoi") is None
    assert client.post("/auth/login", data={"username": "admin", "password": "x" * 12}).status_code == 400


def test_admin_creates_units_with_hours_and_reports_errors_in_vietnamese(app, world, login, csrf_token):
    client = login("admin")
    form = {"code": "S09", "kind": "service_centre", "name_vi": "Trung tâm Chín", "name_en": "",
            "parent_id": str(world.units["C02"]), "hours_mon": "7:30-11:30, 13:30-17:00",
            "valid_from": "2025-07-01", "valid_to": ""}
    bad = _post(client, csrf_token, "/admin/units/new", form | {"hours_tue": "11:30-07:30"})
    assert bad.status_code == 200 and "phải trước giờ đóng cửa" in bad.get_data(as_text=True)
    assert _one(app, Unit, code="S09") is None
    assert _post(client, csrf_token, "/admin/units/new", form).status_code == 302
    unit = _one(app, Unit, code="S09")
    assert json.loads(unit.opening_hours) == {"mon": [["07:30", "11:30"], ["13:30", "17:00"]]}
    edit_page = client.get(f"/admin/units/{unit.id}").get_data(as_text=True)
    assert 'value="07:30-11:30, 13:30-17:00"' in edit_page
    wrong_parent = _post(client, csrf_token, "/admin/units/new",
                         form | {"code": "K09", "kind": "counter", "parent_id": str(world.units["C02"])})
    assert "chỉ nằm dưới" in wrong_parent.get_data(as_text=True)


def test_admin_records_a_merger(app, world, login, csrf_token):
    client = login("admin")
    url = f"/admin/units/{world.units['C01']}/predecessors"
    data = {"predecessor_id": str(world.units["C02"]), "effective_date": "2025-07-01", "end_predecessor": "y"}
    assert _post(client, csrf_token, url, data, f"/admin/units/{world.units['C01']}").status_code == 302
    assert str(_one(app, Unit, code="C02").valid_to) == "2025-06-30"
    page = client.get(f"/admin/units/{world.units['C01']}").get_data(as_text=True)
    assert "Phường Hai" in page and "2025-07-01" in page


def test_admin_manages_the_service_catalogue(app, world, login, csrf_token):
    client = login("admin")
    data = {"code": "1.001193", "field": "ho_tich", "name_vi": "Đăng ký khai sinh",
            "name_en": "Birth registration", "active": "y"}
    assert _post(client, csrf_token, "/admin/services/new", data).status_code == 302
    service = _one(app, Service, code="1.001193")
    assert (service.field, service.name_en, service.active) == ("ho_tich", "Birth registration", True)
    edit = f"/admin/services/{service.id}"
    assert _post(client, csrf_token, edit, data | {"active": ""}).status_code == 302
    assert _one(app, Service, code="1.001193").active is False
    assert "Hộ tịch" in client.get("/admin/services").get_data(as_text=True)


def test_unit_manager_sees_and_changes_only_their_subtree(app, world, login, csrf_token):
    client = login("unit_manager")  # scoped to commune C01
    units_page = client.get("/admin/units").get_data(as_text=True)
    assert "Xã Một" in units_page and "Quầy 1" in units_page
    assert "Phường Hai" not in units_page and "Tỉnh Thử" not in units_page
    assert client.get(f"/admin/units/{world.units['S02']}").status_code == 404
    assert client.get(f"/admin/units/{world.units['P01']}").status_code == 404
    users_page = client.get("/admin/users").get_data(as_text=True)
    assert "enumerator" in users_page and ">admin<" not in users_page and ">analyst<" not in users_page
    assert client.get(f"/admin/users/{world.users['admin']}").status_code == 404
    assert client.get(f"/admin/users/{world.users['analyst']}").status_code == 404
    new_user = {"username": "dtv.hai", "display_name": "Điều tra viên", "password": "y" * 12,
                "confirm": "y" * 12}
    for role, unit in (("enumerator", "S02"), ("admin", "S01"), ("analyst", None)):
        data = new_user | {"role": role, "unit_id": str(world.units[unit]) if unit else ""}
        assert _post(client, csrf_token, "/admin/users/new", data).status_code == 200
    assert _one(app, User, username="dtv.hai") is None
    data = new_user | {"role": "enumerator", "unit_id": str(world.units["K01"])}
    assert _post(client, csrf_token, "/admin/users/new", data).status_code == 302
    assert _one(app, User, username="dtv.hai").unit_id == world.units["K01"]
    unit = {"code": "X9", "kind": "service_centre", "name_vi": "Ngoài", "parent_id": str(world.units["C02"])}
    assert _post(client, csrf_token, "/admin/units/new", unit).status_code == 200
    assert _one(app, Unit, code="X9") is None


def test_unit_manager_cannot_revoke_keys_outside_the_subtree(app, world, login, csrf_token):
    with session_scope(app) as session:
        outside = api_keys.issue(session, "Một cửa phường", world.units["S02"]).credential.id
        inside = api_keys.issue(session, "Một cửa xã", world.units["S01"]).credential.id
    client = login("unit_manager")
    page = client.get("/admin/api-keys").get_data(as_text=True)
    assert "Một cửa xã" in page and "Một cửa phường" not in page
    assert _post(client, csrf_token, f"/admin/api-keys/{outside}/revoke", {}, "/").status_code == 404
    assert _post(client, csrf_token, f"/admin/api-keys/{inside}/revoke", {}, "/").status_code == 302
    assert _one(app, Credential, id=outside).revoked_at is None
    assert _one(app, Credential, id=inside).revoked_at is not None


def test_api_key_token_is_shown_once_and_works(app, world, login, csrf_token):
    client = login("unit_manager")
    data = {"name": "Phần mềm một cửa", "unit_id": str(world.units["S01"])}
    issued = _post(client, csrf_token, "/admin/api-keys/new", data)
    assert issued.status_code == 201 and issued.headers["Cache-Control"] == "no-store"
    token = issued.get_data(as_text=True).split('<code class="token">')[1].split("</code>")[0]
    with session_scope(app) as session:
        key = credentials.find(session, token, ("api_client",))
        assert key.unit_id == world.units["S01"] and key.created_by == world.users["unit_manager"]
    assert token not in client.get("/admin/api-keys").get_data(as_text=True)


def test_user_edit_and_password_through_the_pages(app, world, login, csrf_token, log_in):
    client = login("unit_manager")
    url = f"/admin/users/{world.users['enumerator']}"
    data = {"display_name": "Điều tra viên Một", "role": "supervisor", "unit_id": str(world.units["S01"])}
    assert _post(client, csrf_token, url, data).status_code == 302  # "active" unticked: disabled
    user = _one(app, User, id=world.users["enumerator"])
    assert (user.display_name, user.role, user.active) == ("Điều tra viên Một", "supervisor", False)
    short = _post(client, csrf_token, f"{url}/password", {"password": "ngan", "confirm": "ngan"}, url)
    assert short.status_code == 422
    assert _post(client, csrf_token, f"{url}/password",
                 {"password": "mat-khau-moi-dai", "confirm": "mat-khau-moi-dai"}, url).status_code == 302
    assert _post(client, csrf_token, url, data | {"active": "y"}).status_code == 302
    assert log_in(app.test_client(), "enumerator", password="mat-khau-moi-dai").status_code == 302


def test_nobody_disables_themselves_through_the_pages(app, world, login, csrf_token):
    client = login("admin")
    url = f"/admin/users/{world.users['admin']}"
    data = {"display_name": "Quản trị", "role": "admin", "unit_id": ""}
    page = _post(client, csrf_token, url, data).get_data(as_text=True)
    assert "tự khoá" in page
    assert _one(app, User, id=world.users["admin"]).active is True


def test_pages_have_no_inline_script_or_style(app, world, login):
    client = login("admin")
    for path in ("/auth/login", "/admin/", "/admin/units", "/admin/units/new",
                 f"/admin/units/{world.units['S01']}", "/admin/services", "/admin/services/new",
                 "/admin/users", "/admin/users/new", f"/admin/users/{world.users['analyst']}",
                 "/admin/api-keys", "/admin/api-keys/new"):
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert "<script" not in html and "style=" not in html and "<style" not in html, path
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
