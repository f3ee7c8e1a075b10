"""A small unit tree, two services and credentials for the transaction-volume tests."""

from __future__ import annotations

import pytest

from survey.db.organisation import Service, Unit
from survey.services import credentials
from survey.web.database import session_scope


@pytest.fixture
def org(app):
    """Create province > two communes (each with a centre) and two services; return code -> id."""
    with session_scope(app) as session:
        province = Unit(code="P01", kind="province", name_vi="Tỉnh Thử")
        one = Unit(code="X01", kind="commune", name_vi="Xã Một", parent=province)
        centre = Unit(code="X01-TT", kind="service_centre", name_vi="Trung tâm xã Một", parent=one)
        two = Unit(code="X02", kind="ward", name_vi="Phường Hai", parent=province)
        centre_two = Unit(code="X02-TT", kind="service_centre", name_vi="Trung tâm phường Hai", parent=two)
        birth = Service(code="1.001193", field="ho_tich", name_vi="Đăng ký khai sinh")
        copy = Service(code="2.000815", field="chung_thuc", name_vi="Chứng thực bản sao")
        session.add_all([province, one, centre, two, centre_two, birth, copy])
        session.flush()
        return {row.code: row.id for row in (province, one, centre, two, centre_two, birth, copy)}


@pytest.fixture
def tokens(app, org):
    """Issue an API key scoped to commune X01, a kiosk token and a revoked API key."""
    with session_scope(app) as session:
        api = credentials.issue(session, "api_client", "Một cửa X01", org["X01"]).token
        kiosk = credentials.issue(session, "kiosk_device", "Kiosk", org["X01-TT"]).token
        revoked = credentials.issue(session, "api_client", "Cũ", org["P01"])
        credentials.revoke(session, revoked.credential.id)
        return {"api": api, "kiosk": kiosk, "revoked": revoked.token}
