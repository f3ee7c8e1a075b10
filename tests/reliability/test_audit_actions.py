"""Each audited action writes exactly one entry with the right fields, in the action's transaction."""

from __future__ import annotations

import getpass

import pytest
from audit_world import PHONE, audit_world_fixture, details  # noqa: F401  (a fixture)
from sqlalchemy import select

from survey.db.accounts import User
from survey.db.cases import FeedbackCase
from survey.db.targets import PublishedResult, Target
from survey.services import (
    accounts,
    api_keys,
    cases,
    credentials,
    fieldwork,
    kiosks,
    questionnaires,
)
from survey.services.exports import ExportRequest
from survey.services.exports_files import write_export
from survey.services.reporting import publication, targets
from survey.web.database import session_scope

CLI = f"cli:{getpass.getuser()}"


def _by(session, world, name):
    return session.get(User, world.users[name])


def _one_new(world, before: int, action: str):
    """Return the only entry written since ``before`` entries, checking its action."""
    new = world.entries()[before:]
    assert [e.action for e in new] == [action]
    return new[0]


def _publish(session, world):
    questionnaires.publish(session, "kiosk", "2026.1", by="cli")
    return ("questionnaire.publish", "questionnaire_version", None, CLI)


def _kiosk_create(session, world):
    kiosks.create(session, "Quầy 1", world.units["S01"], "2468", by=_by(session, world, "manager1"))
    return ("kiosk.create", "kiosk", world.units["S01"], "manager1")


def _user_create(session, world):
    accounts.create_user(session, username="moi.nguoi", display_name="Người Mới", password="y" * 12,
                         role="analyst", unit_id=world.units["C01"], by=_by(session, world, "admin"))
    return ("user.create", "user", world.units["C01"], "admin")


def _user_role(session, world):
    accounts.set_role(session, world.users["analyst"], "unit_manager", world.units["C02"],
                      by=_by(session, world, "admin"))
    return ("user.role", "user", world.units["C02"], "admin")


def _user_deactivate(session, world):
    accounts.set_active(session, world.users["manager2"], False, by=_by(session, world, "admin"))
    return ("user.deactivate", "user", world.units["C02"], "admin")


def _user_password(session, world):
    accounts.set_password(session, world.users["manager2"], "z" * 12, by=_by(session, world, "manager2"))
    return ("user.password", "user", world.units["C02"], "manager2")


def _api_key_create(session, world):
    api_keys.issue(session, "Một cửa", world.units["C01"], by=_by(session, world, "manager1"))
    return ("api_key.create", "api_key", world.units["C01"], "manager1")


def _enrolment_code(session, world):
    fieldwork.new_enrolment(session, "enum1", "Máy 1", by=_by(session, world, "admin"))
    return ("tablet.enrolment_code", "tablet", world.units["C01"], "admin")


def _target(session, world):
    targets.set_target(session, "kiosk", world.units["C01"], "2026", "≥ 85%", by=world.users["admin"])
    return ("target.set", "target", world.units["C01"], CLI)


def _publication(session, world):
    publication.publish(session, "kiosk", world.units["C01"], "2026-Q1", by=world.users["admin"])
    return ("publication.publish", "publication", world.units["C01"], CLI)


def _export(session, world, tmp_path):
    write_export(session, ExportRequest("kiosk", world.units["C01"]), "csv", tmp_path / "kiosk.csv")
    return ("export.responses", "questionnaire", world.units["C01"], CLI)


def _user_activate(session, world):
    session.get(User, world.users["manager2"]).active = False
    session.flush()
    accounts.set_active(session, world.users["manager2"], True, by=_by(session, world, "admin"))
    return ("user.activate", "user", world.units["C02"], "admin")


def _api_key_revoke(session, world):
    key = credentials.issue(session, "api_client", "Một cửa", world.units["C02"]).credential
    api_keys.revoke(session, key.id, by=_by(session, world, "manager2"))
    return ("api_key.revoke", "api_key", world.units["C02"], "manager2")


def _target_delete(session, world):
    target = Target(index_code="kiosk", unit_id=world.units["C02"], period="2026", kind="value",
                    operator=">=", threshold=85.0)
    session.add(target)
    session.flush()
    targets.delete_target(session, target.id)
    return ("target.delete", "target", world.units["C02"], CLI)


def _unpublication(session, world):
    session.add(PublishedResult(index_code="kiosk", unit_id=world.units["C02"], period="2026-Q1"))
    session.flush()
    publication.unpublish(session, "kiosk", world.units["C02"], "2026-Q1")
    return ("publication.unpublish", "publication", world.units["C02"], CLI)


ACTIONS = [_publish, _kiosk_create, _user_create, _user_role, _user_deactivate, _user_activate,
           _user_password, _api_key_create, _api_key_revoke, _enrolment_code, _target, _target_delete,
           _publication, _unpublication]


@pytest.mark.parametrize("act", ACTIONS, ids=lambda f: f.__name__.strip("_"))
def test_each_action_writes_one_entry_with_its_actor_target_and_unit(app, audit_world, act):
    if act is not _publish:
        with session_scope(app) as session:
            questionnaires.publish(session, "kiosk", "2026.1")
    before = len(audit_world.entries())
    with session_scope(app) as session:
        action, target_type, unit_id, actor = act(session, audit_world)
    entry = _one_new(audit_world, before, action)
    assert (entry.target_type, entry.unit_id, entry.actor_name) == (target_type, unit_id, actor)
    assert entry.target_id is not None and entry.at is not None
    if actor != CLI:
        assert (entry.actor_kind, entry.actor_user_id) == ("user", audit_world.users[actor])
    else:
        assert (entry.actor_kind, entry.actor_user_id) == ("cli", None)


def test_a_rolled_back_action_leaves_no_entry(app, audit_world):
    with pytest.raises(RuntimeError), session_scope(app) as session:
        questionnaires.publish(session, "kiosk", "2026.1")
        kiosks.create(session, "Quầy 1", audit_world.units["S01"], "2468")
        raise RuntimeError("the request failed after the actions")
    assert audit_world.entries() == []
    with session_scope(app) as session:
        refused = pytest.raises(accounts.AccountError)
        with refused:
            accounts.create_user(session, username="x", display_name="X", password="y" * 12, role="analyst")
    assert audit_world.entries() == []


def test_an_export_records_its_filters_format_and_row_count(app, audit_world, tmp_path):
    with session_scope(app) as session:
        questionnaires.publish(session, "kiosk", "2026.1")
    audit_world.rate("S01", {"overall_rating": 4})
    audit_world.rate("C02", {"overall_rating": 5})
    before = len(audit_world.entries())
    with session_scope(app) as session:
        _export(session, audit_world, tmp_path)
    entry = _one_new(audit_world, before, "export.responses")
    assert (entry.target_id, entry.unit_id) == ("kiosk", audit_world.units["C01"])
    assert details(entry) == {"format": "csv", "rows": 1, "period": None, "channels": [],
                              "include_flagged": True}


def test_kiosk_pairing_code_pairing_move_and_revocation_each_write_one_entry(app, audit_world):
    with session_scope(app) as session:
        code = kiosks.create(session, "Quầy 1", audit_world.units["S01"], "2468")
        kiosk_id = code.kiosk.id
    steps = [
        ("kiosk.pair", lambda s: kiosks.pair(s, code.code)),
        ("kiosk.pairing_code", lambda s: kiosks.new_pairing_code(s, kiosk_id)),
        ("kiosk.move", lambda s: kiosks.move(s, kiosk_id, audit_world.units["C01"])),
        ("kiosk.revoke", lambda s: kiosks.revoke(s, kiosk_id)),
    ]
    for action, step in steps:
        before = len(audit_world.entries())
        with session_scope(app) as session:
            step(session)
        entry = _one_new(audit_world, before, action)
        assert (entry.target_type, entry.target_id) == ("kiosk", str(kiosk_id))
    assert details(audit_world.entries("kiosk.move")[0]) == {"from_unit_id": audit_world.units["S01"]}


def test_tablet_enrolment_names_the_token_it_revokes(app, audit_world):
    with session_scope(app) as session:
        first = fieldwork.new_enrolment(session, "enum1", "Máy 1")
        code, device_id = first.code, first.device.id
    with session_scope(app) as session:
        fieldwork.enrol(session, code)
    entry = audit_world.entries("tablet.enrol")[0]
    assert (entry.target_id, entry.unit_id) == (str(device_id), audit_world.units["C01"])
    assert details(entry) == {"enumerator_id": audit_world.users["enum1"], "revoked_credential_id": None}


def test_case_steps_are_recorded_without_the_answer_or_the_phone(app, audit_world):
    with session_scope(app) as session:
        questionnaires.publish(session, "kiosk", "2026.1")
    audit_world.rate("S01", {"overall_rating": 2, "callback_consent": "yes", "phone": PHONE,
                             "comment": "Chờ lâu"})
    with session_scope(app) as session:
        case_id = session.scalar(select(FeedbackCase.id))
    manager = audit_world.users["manager1"]
    steps = [("case.acknowledge", lambda s, u: cases.acknowledge(s, case_id, u)),
             ("case.answer", lambda s, u: cases.answer(s, case_id, u, "Đã xử lý, xin lỗi ông")),
             ("case.communicate", lambda s, u: cases.mark_communicated(s, case_id, u)),
             ("case.close", lambda s, u: cases.close(s, case_id, u))]
    for action, step in steps:
        before = len(audit_world.entries())
        with session_scope(app) as session:
            step(session, session.get(User, manager))
        entry = _one_new(audit_world, before, action)
        assert (entry.target_id, entry.actor_user_id) == (str(case_id), manager)
        assert PHONE not in entry.details and "xin lỗi" not in entry.details


def test_details_refuse_secrets_and_personal_data(app, audit_world):
    from survey.services import audit

    with session_scope(app) as session:
        for key in ("password", "token", "phone", "name", "address"):
            with pytest.raises(ValueError, match="secrets or personal data"):
                audit.record(session, "user.create", "user", 1, details={key: "x"})
        with pytest.raises(ValueError, match="unknown audit action"):
            audit.record(session, "user.renamed", "user", 1)
