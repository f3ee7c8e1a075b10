"""The shared token mechanism and unit-tree scoping, on both engines."""

from __future__ import annotations

import pytest

from survey.db.organisation import Unit
from survey.services import credentials, units
from survey.web.database import session_scope


@pytest.fixture
def tree(app):
    """Create province > commune > centre > counter and a second commune; return their ids."""
    with session_scope(app) as session:
        province = Unit(code="P01", kind="province", name_vi="Tỉnh Thử")
        commune = Unit(code="C01", kind="commune", name_vi="Xã Một", parent=province)
        centre = Unit(code="S01", kind="service_centre", name_vi="Trung tâm", parent=commune)
        counter = Unit(code="K01", kind="counter", name_vi="Quầy 1", parent=centre)
        other = Unit(code="C02", kind="ward", name_vi="Phường Hai", parent=province)
        session.add_all([province, commune, centre, counter, other])
        session.flush()
        return {u.code: u.id for u in (province, commune, centre, counter, other)}


def test_subtree_and_scope(app, tree):
    with session_scope(app) as session:
        assert units.subtree_ids(session, tree["C01"]) == {tree["C01"], tree["S01"], tree["K01"]}
        assert units.is_within(session, tree["K01"], tree["C01"])
        assert not units.is_within(session, tree["K01"], tree["C02"])
        assert units.is_within(session, tree["K01"], None)
        assert [u.code for u in units.ancestors(session, tree["K01"])] == ["P01", "C01", "S01", "K01"]
        assert units.by_code(session, "S01").name_vi == "Trung tâm"


def test_issue_find_revoke(app, tree):
    with session_scope(app) as session:
        issued = credentials.issue(session, "kiosk_device", "Kiosk quầy 1", tree["K01"])
        token = issued.token
    assert token.startswith("hlk_") and len(token) > 40
    with session_scope(app) as session:
        found = credentials.find(session, token, ("kiosk_device",))
        assert found is not None and found.token_hash != token and found.revoked_at is None
        assert credentials.find(session, token, ("api_client",)) is None
        assert credentials.find(session, token + "x", ("kiosk_device",)) is None
        assert credentials.find(session, "", ("kiosk_device",)) is None
        credentials.revoke(session, found.id)
    with session_scope(app) as session:
        assert credentials.find(session, token, ("kiosk_device",)).revoked_at is not None


def test_issue_refuses_bad_requests(app, tree):
    with session_scope(app) as session:
        with pytest.raises(credentials.CredentialError, match="unknown credential kind"):
            credentials.issue(session, "printer", "x", tree["K01"])
        with pytest.raises(credentials.CredentialError, match="needs a name"):
            credentials.issue(session, "api_client", "  ", tree["K01"])
