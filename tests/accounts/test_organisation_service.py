"""Units, predecessors and services: the rules the admin pages and the demo rely on."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from survey.db.organisation import Unit
from survey.services import organisation as org
from survey.web.database import session_scope


def _create(session, **values):
    base = {"code": "X1", "kind": "commune", "name_vi": "Xã Mới"}
    return org.create_unit(session, **(base | values))


@pytest.mark.parametrize("values, parent, code", [
    ({"kind": "counter"}, "C01", "invalid_parent"),
    ({"kind": "province"}, "P01", "invalid_parent"),
    ({"kind": "commune"}, None, "invalid_parent"),
    ({"kind": "hamlet"}, "P01", "invalid_kind"),
    ({"code": "C01"}, "P01", "code_taken"),
    ({"code": "có dấu"}, "P01", "invalid_code"),
    ({"name_vi": "  "}, "P01", "name_required"),
    ({"valid_from": dt.date(2025, 7, 1), "valid_to": dt.date(2025, 6, 30)}, "P01", "invalid_dates"),
    ({"opening_hours": {"mon": [["11:30", "07:30"]]}}, "P01", "invalid_opening_hours"),
])
def test_create_unit_refuses(app, units, values, parent, code):
    with session_scope(app) as session, pytest.raises(org.OrganisationError) as caught:
        _create(session, parent_id=units[parent] if parent else None, **values)
    assert caught.value.code == code and caught.value.message_vi


def test_units_fit_the_tree_and_keep_opening_hours(app, units):
    with session_scope(app) as session:
        district = _create(session, code="D01", kind="district", name_vi="Huyện Cũ", parent_id=units["P01"])
        _create(session, code="W09", kind="ward", name_vi="Phường Chín", parent_id=district.id)
        centre = _create(session, code="S09", kind="service_centre", name_vi="Trung tâm tỉnh",
                         parent_id=units["P01"],
                         opening_hours={"fri": [["13:30", "17:00"], ["07:30", "11:30"]]})
        assert json.loads(centre.opening_hours) == {"fri": [["07:30", "11:30"], ["13:30", "17:00"]]}
        assert org.hours_of(centre)["fri"][0] == ["07:30", "11:30"]
        tree = org.unit_tree(session)
        assert [n.unit.code for n in tree] == ["P01"]
        assert [n.unit.code for n in tree[0].children] == ["C01", "C02", "D01", "S09"]
        assert [u.code for u in org.units_in(session, units["C01"])] == ["C01", "K01", "S01"]


def test_update_unit_checks_children_and_new_parent(app, units):
    with session_scope(app) as session:
        values = {"code": "S01", "name_vi": "Trung tâm", "parent_id": units["C01"]}
        with pytest.raises(org.OrganisationError, match="Child unit K01"):
            org.update_unit(session, units["S01"], kind="ward", **(values | {"parent_id": units["P01"]}))
    with session_scope(app) as session:
        moved = org.update_unit(session, units["S01"], kind="service_centre",
                                **(values | {"parent_id": units["C02"], "name_en": "Centre"}))
        assert moved.parent_id == units["C02"] and moved.name_en == "Centre"


def test_predecessors_record_a_merger(app, units):
    merged_on = dt.date(2025, 7, 1)
    with session_scope(app) as session:
        new = _create(session, code="C03", kind="commune", name_vi="Xã Hợp Nhất", parent_id=units["P01"],
                      valid_from=merged_on)
        org.add_predecessor(session, new.id, units["C01"], merged_on)
        org.add_predecessor(session, new.id, units["C02"], merged_on, end_predecessor=False)
        assert session.get(Unit, units["C01"]).valid_to == dt.date(2025, 6, 30)
        assert session.get(Unit, units["C02"]).valid_to is None
        assert [u.code for _, u in org.predecessors_of(session, new.id)] == ["C01", "C02"]
        for unit_id, predecessor_id, fragment in (
            (new.id, units["C01"], "already recorded"),
            (new.id, new.id, "its own predecessor"),
            (units["C01"], new.id, "cycle"),
        ):
            with pytest.raises(org.OrganisationError, match=fragment):
                org.add_predecessor(session, unit_id, predecessor_id, merged_on)
        org.remove_predecessor(session, new.id, units["C02"])
        assert [u.code for _, u in org.predecessors_of(session, new.id)] == ["C01"]
        with pytest.raises(org.OrganisationError, match="No such predecessor"):
            org.remove_predecessor(session, new.id, units["C02"])


def test_services_catalogue(app):
    with session_scope(app) as session:
        birth = org.create_service(session, code="1.001193", field="ho_tich", name_vi="Đăng ký khai sinh",
                                   name_en="Birth registration")
        org.create_service(session, code="2.000815", field="chung_thuc", name_vi="Chứng thực bản sao")
        with pytest.raises(org.OrganisationError, match="taken"):
            org.create_service(session, code="1.001193", field="ho_tich", name_vi="Trùng")
        with pytest.raises(org.OrganisationError, match="Unknown field"):
            org.create_service(session, code="9", field="Hộ tịch", name_vi="Sai lĩnh vực")
        org.update_service(session, birth.id, code="1.001193", field="ho_tich",
                           name_vi="Đăng ký khai sinh", active=False)
        assert [s.code for s in org.list_services(session)] == ["2.000815", "1.001193"]
        assert [s.code for s in org.list_services(session, active_only=True)] == ["2.000815"]
