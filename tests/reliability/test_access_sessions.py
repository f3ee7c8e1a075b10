"""A password change ends the account's other sessions (session epoch), on both engines."""

from __future__ import annotations

from access_world import BASE, PASSWORD, PASSWORD_HASH, csrf_token, log_in

from survey.db.accounts import User
from survey.services import accounts, organisation
from survey.web.database import session_scope

NEW_PASSWORD = "mat-khau-moi-rat-dai-2026"


def _staff(app) -> dict[str, int]:
    """Create a province and commune with an administrator and its manager; return their ids."""
    with session_scope(app) as session:
        province = organisation.create_unit(session, code="P01", kind="province", name_vi="Tỉnh Thử")
        commune = organisation.create_unit(session, code="C01", kind="commune", name_vi="Xã Một",
                                           parent_id=province.id)
        users = {}
        for name, role, unit_id in (("root", "admin", None), ("manager", "unit_manager", commune.id)):
            user = User(username=name, display_name=name, password_hash=PASSWORD_HASH, role=role,
                        unit_id=unit_id)
            session.add(user)
            session.flush()
            users[name] = user.id
        return users


def _logged_in(app, username: str):
    """Return a new client logged in as ``username``."""
    client = app.test_client()
    log_in(client, username)
    return client


def _status(client, path: str = "/admin/") -> int:
    """Return the status of a staff page for the client."""
    return client.get(path, base_url=BASE).status_code


def _change_password(client, user_id: int) -> None:
    """Set a new password through the admin form."""
    data = {"csrf_token": csrf_token(client, f"/admin/users/{user_id}"), "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD}
    response = client.post(f"/admin/users/{user_id}/password", data=data, base_url=BASE)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def test_a_password_change_by_an_admin_ends_the_users_sessions(app):
    users = _staff(app)
    phone, laptop = _logged_in(app, "manager"), _logged_in(app, "manager")
    assert _status(phone) == _status(laptop) == 200
    _change_password(_logged_in(app, "root"), users["manager"])
    assert _status(phone) == _status(laptop) == 302  # back to the login page
    assert "/auth/login" in phone.get("/admin/", base_url=BASE).headers["Location"]
    fresh = app.test_client()
    data = {"csrf_token": csrf_token(fresh), "username": "manager", "password": NEW_PASSWORD}
    assert fresh.post("/auth/login", data=data, base_url=BASE).status_code == 302
    assert _status(fresh) == 200


def test_changing_ones_own_password_keeps_this_session_and_ends_the_others(app):
    users = _staff(app)
    here, elsewhere = _logged_in(app, "root"), _logged_in(app, "root")
    _change_password(here, users["root"])
    assert _status(here) == 200
    assert _status(elsewhere) == 302


def test_the_service_raises_the_epoch_and_a_stale_session_key_is_refused(app):
    users = _staff(app)
    client = _logged_in(app, "manager")
    with client.session_transaction(base_url=BASE) as cookie:
        assert cookie["_user_id"] == f"{users['manager']}.0"
    with session_scope(app) as session:
        accounts.set_password(session, users["manager"], NEW_PASSWORD)
        assert session.get(User, users["manager"]).session_epoch == 1
    assert _status(client) == 302
    with client.session_transaction(base_url=BASE) as cookie:
        cookie["_user_id"] = str(users["manager"])  # a key without epoch (from before this change)
    assert _status(client) == 302


def test_login_goes_only_to_a_path_of_this_site(app):
    _staff(app)
    for target, expected in (("https://evil.example/x", "/"), ("//evil.example/x", "/"),
                             ("/\\evil.example", "/"), ("javascript:alert(1)", "/"), ("/analyst/", "/analyst/")):
        client = app.test_client()
        data = {"csrf_token": csrf_token(client), "username": "root", "password": PASSWORD, "next": target}
        response = client.post("/auth/login", data=data, base_url=BASE)
        assert response.status_code == 302 and response.headers["Location"] == expected, target
