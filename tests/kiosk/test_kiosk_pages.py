"""Staff kiosk pages: admins and unit managers in their scope; the pairing code is shown once."""

from __future__ import annotations

import re

import pytest
from kiosk_world import csrf_of

from survey.db.kiosks import Kiosk
from survey.services import kiosks
from survey.web.database import session_scope

CODE = re.compile(r'id="pairing-code">([A-Z0-9]{4}-[A-Z0-9]{4})<')


def _new_kiosk(client, world, unit="S01", name="Kiosk sảnh"):
    """Create a kiosk through the form and return the response."""
    token = csrf_of(client, "/kiosk/admin/new")
    return client.post("/kiosk/admin/new", data={"csrf_token": token, "name": name,
                                                 "unit_id": str(world.units[unit]), "pin": "2468"})


def test_a_manager_creates_a_kiosk_and_sees_its_pairing_code_and_qr_once(app, client, world, login):
    login("manager")
    response = _new_kiosk(client, world)
    page = response.get_data(as_text=True)
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    code = CODE.search(page).group(1)
    assert 'src="data:image/svg+xml;base64,' in page
    assert f"/kiosk/?pair={code}" in page
    with session_scope(app) as session:
        kiosk, _token = kiosks.pair(session, code)
        assert kiosk.name == "Kiosk sảnh"
    listing = client.get("/kiosk/admin/").get_data(as_text=True)
    assert "Kiosk sảnh" in listing and code not in listing


def test_a_manager_cannot_create_a_kiosk_outside_the_scope(client, world, login):
    login("manager")
    response = _new_kiosk(client, world, unit="S02")
    assert response.status_code == 200
    assert b"pairing-code" not in response.data


@pytest.mark.parametrize(("user", "status"), [("analyst", 403), (None, 302)])
def test_other_roles_and_anonymous_visitors_are_kept_out(client, world, login, user, status):
    if user:
        login(user)
    assert client.get("/kiosk/admin/").status_code == status
    assert client.get("/kiosk/admin/new").status_code == status


def test_a_manager_of_another_ward_does_not_see_the_kiosk(app, client, world, login):
    with session_scope(app) as session:
        kiosk_id = kiosks.create(session, "Kiosk Một", world.units["S01"], "2468").kiosk.id
    login("manager2")
    assert "Kiosk Một" not in client.get("/kiosk/admin/").get_data(as_text=True)
    assert client.get(f"/kiosk/admin/{kiosk_id}").status_code == 404


def test_rename_move_push_and_revoke_through_the_pages(app, client, world, login):
    with session_scope(app) as session:
        code = kiosks.create(session, "Kiosk", world.units["S01"], "2468")
        kiosk_id = code.kiosk.id
        _kiosk, token = kiosks.pair(session, code.code)
    login("manager")
    path = f"/kiosk/admin/{kiosk_id}"
    csrf = csrf_of(client, path)
    assert client.post(path, data={"csrf_token": csrf, "rename-name": "Kiosk quầy 1"}).status_code == 302
    assert client.post(path, data={"csrf_token": csrf, "move-unit_id": str(world.units["K01"])}).status_code == 302
    pushed = client.post(f"{path}/push", data={"csrf_token": csrf, "push-transaction_ref": "H01-7",
                                                "push-service": "1.000894", "push-counter": ""})
    assert pushed.status_code == 302
    taken = client.post("/kiosk/api/next", headers={"Authorization": f"Bearer {token}"}).json["push"]
    assert taken == {"transaction_ref": "H01-7", "service": "1.000894", "unit": None}
    with session_scope(app) as session:
        kiosk = session.get(Kiosk, kiosk_id)
        assert (kiosk.name, kiosk.unit_id) == ("Kiosk quầy 1", world.units["K01"])
    assert client.post(f"{path}/revoke", data={"csrf_token": csrf}).status_code == 302
    refused = client.get("/kiosk/api/config", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 403
    fresh = client.post(f"{path}/code", data={"csrf_token": csrf})
    assert fresh.status_code == 200 and CODE.search(fresh.get_data(as_text=True))


def test_forms_without_a_csrf_token_are_refused(app, client, world, login):
    with session_scope(app) as session:
        kiosk_id = kiosks.create(session, "Kiosk", world.units["S01"], "2468").kiosk.id
    login("manager")
    assert client.post(f"/kiosk/admin/{kiosk_id}/revoke").status_code == 400
    assert client.post(f"/kiosk/admin/{kiosk_id}/code").status_code == 400
    assert client.post("/kiosk/admin/new", data={"name": "K2", "unit_id": world.units["S01"],
                                                 "pin": "2468"}).status_code == 400
    with session_scope(app) as session:
        assert [k.name for k, _ in kiosks.list_kiosks(session)] == ["Kiosk"]
