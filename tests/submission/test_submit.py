"""The submission service on SQLite and PostgreSQL: steps, storage, idempotency, all-or-nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select
from submission_world import ANSWERS, NOW, payload, row_counts

from survey.db.accounts import Credential
from survey.db.responses import Answer, PiiAnswer, Response
from survey.services import credentials
from survey.services.submission import (
    Caller,
    SubmissionError,
    register_channel_authenticator,
    submit,
    submit_one,
)
from survey.services.submission_channels import _AUTHENTICATORS, ChannelAuth
from survey.web.database import session_scope


def send(app, body, caller, now=NOW, **kwargs):
    """Submit and commit one payload; return the receipt."""
    with session_scope(app) as session:
        return submit(session, body, caller, now=now, **kwargs)


def refused(app, body, caller, now=NOW) -> SubmissionError:
    """Return the refusal of a payload after checking that nothing at all was stored."""
    before = row_counts(app)
    with pytest.raises(SubmissionError) as caught:
        send(app, body, caller, now)
    assert row_counts(app) == before
    return caught.value


def test_accepted_response_is_stored_with_typed_answers(app, world):
    body = payload(answers={**ANSWERS, "overall": 2, "problems": ["attitude", "waiting"]})
    receipt = send(app, body, Caller(token=world.kiosk))
    assert (receipt.status, receipt.http_status, receipt.flags, receipt.counted) == ("accepted", 201, (), True)
    assert receipt.received_at == NOW and receipt.uuid == body["uuid"]
    with session_scope(app) as session:
        response = session.scalars(select(Response)).one()
        assert (response.channel, response.unit_id, response.service_id) == (
            "kiosk", world.units["K01"], world.service_id)
        assert response.credential_id is not None and response.status == "accepted"
        assert response.submitted_at == NOW - dt.timedelta(minutes=1)
        answers = session.scalars(select(Answer).order_by(Answer.item_code, Answer.seq)).all()
        assert [(a.item_code, a.seq, a.value_int, a.value_text, a.score) for a in answers] == [
            ("age", 0, 40, None, None),
            ("callback", 0, None, "no", None),
            ("overall", 0, 2, None, 0.0),
            ("problems", 0, None, "waiting", None),
            ("problems", 1, None, "attitude", None),
            ("result_satisfaction", 0, 4, None, 1.0),
            ("staff_satisfaction", 0, 5, None, 1.0),
        ]


def test_local_date_is_the_day_in_vietnam(app, world):
    # 18:30 UTC on 1 March is 01:30 on 2 March in Asia/Ho_Chi_Minh (UTC+7).
    body = payload(unit="K02", started_at=..., submitted_at="2026-03-01T18:30:00Z")
    send(app, body, Caller(token=world.kiosk_other))
    with session_scope(app) as session:
        response = session.scalars(select(Response)).one()
        assert response.local_date == dt.date(2026, 3, 2)
        assert response.submitted_at == dt.datetime(2026, 3, 1, 18, 30, tzinfo=dt.UTC)


def test_personal_data_is_stored_apart_and_removed_from_the_raw_json(app, world):
    body = payload(answers={**ANSWERS, "callback": "yes", "phone": "0912345678"}, paradata={"app": "1.0"})
    send(app, body, Caller(token=world.kiosk))
    with session_scope(app) as session:
        response = session.scalars(select(Response)).one()
        raw = json.loads(response.raw_json)
        assert "phone" not in raw["answers"] and "0912345678" not in response.raw_json
        assert raw == {**body, "answers": {**ANSWERS, "callback": "yes"}}
        assert raw["paradata"] == {"app": "1.0"}
        assert session.scalars(select(Answer.item_code).where(Answer.item_code == "phone")).all() == []
        pii = session.scalars(select(PiiAnswer)).one()
        assert (pii.item_code, pii.value_text, pii.response_id) == ("phone", "0912345678", response.id)


def test_same_uuid_same_content_returns_the_original_receipt_even_without_a_token(app, world):
    body = payload(paradata={"attempt": 1})
    first = send(app, body, Caller(token=world.kiosk))
    for caller in (Caller(), Caller(token="wrong"), Caller(token=world.kiosk)):
        again = send(app, {**body, "paradata": {"attempt": 2}}, caller, now=NOW + dt.timedelta(hours=5))
        assert (again.status, again.http_status, again.uuid) == ("duplicate", 200, first.uuid)
        assert again.received_at == first.received_at and again.counted == first.counted
    assert row_counts(app)["responses"] == 1


def test_same_uuid_different_content_is_a_conflict(app, world):
    body = payload()
    send(app, body, Caller(token=world.kiosk))
    changed = {**body, "answers": {**body["answers"], "overall": 4}}
    error = refused(app, changed, Caller(token=world.kiosk))
    assert (error.code, error.http_status, error.field) == ("uuid_conflict", 409, "uuid")
    error = refused(app, {**body, "uuid": body["uuid"].upper(), "unit": "K02"}, Caller())
    assert error.code == "uuid_conflict"


def test_a_response_with_one_bad_answer_leaves_no_trace(app, world):
    body = payload(answers={**ANSWERS, "age": 17, "callback": "yes", "phone": "0912345678"})
    error = refused(app, body, Caller(token=world.kiosk))
    assert (error.code, error.item, error.http_status) == ("out_of_range", "age", 422)
    assert error.to_dict()["error"]["errors"][0]["item"] == "age"
    with session_scope(app) as session:  # the device was not even marked as used
        assert all(c.last_used_at is None for c in session.scalars(select(Credential)))


def test_every_answer_problem_is_listed(app, world):
    body = payload(answers={"staff_satisfaction": 9, "overall": 5, "problems": ["waiting"], "zz": 1})
    error = refused(app, body, Caller(token=world.kiosk))
    listed = [(e["code"], e["item"]) for e in error.to_dict()["error"]["errors"]]
    assert listed == [
        ("unknown_item", "zz"), ("invalid_choice", "staff_satisfaction"),
        ("required", "result_satisfaction"), ("not_relevant", "problems"),
    ]
    assert (error.code, error.item) == ("unknown_item", "zz")


def test_a_failure_while_storing_rolls_back_everything(app, world, monkeypatch):
    from survey.services import submission_store

    def broken_answers(*args, **kwargs):
        raise RuntimeError("disk full")

    # The answers are inserted after the response row and the transaction claim.
    monkeypatch.setattr(submission_store, "insert_details", broken_answers)
    before = row_counts(app)
    with pytest.raises(RuntimeError):
        send(app, payload(), Caller(token=world.kiosk))
    assert row_counts(app) == before


@pytest.mark.parametrize(("changes", "code", "status"), [
    ({"unit": "K99"}, "unknown_unit", 422),
    ({"service": "9.999"}, "unknown_service", 422),
    ({"questionnaire": {"code": "nope", "version": "2026.1"}}, "unknown_questionnaire", 422),
    ({"questionnaire": {"code": "mini", "version": "2099.1"}}, "unknown_questionnaire", 422),
    ({"questionnaire": {"code": "mini", "version": "2026.2"}}, "unpublished_version", 422),
    ({"questionnaire": ..., "questionnaire_hash": "0" * 64}, "unknown_questionnaire", 422),
    ({"unit": "K02"}, "unit_out_of_scope", 403),
    ({"channel": "interview"}, "invalid_credential", 401),
    ({"channel": "qr", "link_kind": "poster"}, "channel_unavailable", 403),
    ({"submitted_at": (NOW + dt.timedelta(minutes=6)).isoformat(), "started_at": ...}, "clock_skew", 422),
])
def test_refusals(app, world, changes, code, status):
    error = refused(app, payload(**changes), Caller(token=world.kiosk))
    assert (error.code, error.http_status) == (code, status)
    assert error.message_vi and error.message_en and error.message_vi != error.message_en


def test_submitted_at_up_to_five_minutes_ahead_is_accepted(app, world):
    body = payload(started_at=..., submitted_at=(NOW + dt.timedelta(minutes=5)).isoformat())
    assert send(app, body, Caller(token=world.kiosk)).http_status == 201


def test_questionnaire_by_hash(app, world):
    with session_scope(app) as session:
        from survey.services import questionnaires

        digest = questionnaires.get(session, "mini", "2026.1")[0].content_hash
    receipt = send(app, payload(questionnaire=..., questionnaire_hash=digest), Caller(token=world.kiosk))
    assert receipt.status == "accepted"


@pytest.mark.parametrize(("caller", "code"), [
    (Caller(), "missing_credential"), (Caller(token="hlk_nope"), "invalid_credential"),
    (Caller(user_id=1), "missing_credential"),
])
def test_device_credentials(app, world, caller, code):
    assert refused(app, payload(), caller).code == code


def test_api_client_keys_cannot_rate(app, world):
    assert refused(app, payload(), Caller(token=world.api_client)).code == "invalid_credential"


def test_scope_is_the_credentials_subtree(app, world):
    # The S02 kiosk token covers S02 and its counter K02; the enumerator covers commune C01.
    assert send(app, payload(unit="K02"), Caller(token=world.kiosk_other)).status == "accepted"
    later = payload(unit="S02", started_at=..., submitted_at=NOW.isoformat())  # not a rapid repeat
    assert send(app, later, Caller(token=world.kiosk_other)).status == "accepted"
    assert refused(app, payload(unit="C02"), Caller(token=world.kiosk_other)).code == "unit_out_of_scope"
    body = payload(channel="interview", unit="K01")
    assert send(app, body, Caller(token=world.enumerator)).status == "accepted"
    assert refused(app, payload(channel="interview", unit="K02"), Caller(token=world.enumerator)).code == (
        "unit_out_of_scope")


def test_revoked_device(app, world):
    with session_scope(app) as session:
        credential = credentials.find(session, world.kiosk, ("kiosk_device",))
        credential.revoked_at = NOW - dt.timedelta(minutes=30)
    before = payload(started_at=..., submitted_at=(NOW - dt.timedelta(hours=2)).isoformat())
    receipt = send(app, before, Caller(token=world.kiosk))
    assert (receipt.status, receipt.http_status, receipt.flags, receipt.counted) == (
        "flagged", 201, ("credential_revoked",), False)
    error = refused(app, payload(), Caller(token=world.kiosk))
    assert (error.code, error.http_status) == ("credential_revoked", 401)


def test_interview_revision_names_a_stored_response(app, world):
    original = payload(channel="interview")
    send(app, original, Caller(token=world.enumerator))
    revision = payload(channel="interview", supersedes=original["uuid"])
    send(app, revision, Caller(token=world.enumerator))
    with session_scope(app) as session:
        stored = session.scalars(select(Response).where(Response.uuid == revision["uuid"])).one()
        assert stored.supersedes_uuid == original["uuid"]
    missing = payload(channel="interview", supersedes=payload()["uuid"])
    assert refused(app, missing, Caller(token=world.enumerator)).code == "unknown_supersedes"


def test_web_channel_for_staff(app, world):
    body = payload(channel="web", unit="K02")
    assert send(app, body, Caller(user_id=world.users["admin"])).status == "accepted"
    assert send(app, payload(channel="web", unit="K02"), Caller(user_id=world.users["enum2"])).status == "accepted"
    assert refused(app, payload(channel="web"), Caller(user_id=world.users["enum2"])).code == "unit_out_of_scope"
    assert refused(app, payload(channel="web"), Caller(user_id=world.users["analyst"])).code == "role_forbidden"
    assert refused(app, payload(channel="web"), Caller(user_id=world.users["off"])).code == "invalid_credential"
    assert refused(app, payload(channel="web"), Caller(user_id=10**6)).code == "invalid_credential"
    assert refused(app, payload(channel="web"), Caller(token=world.kiosk)).code == "missing_credential"
    with session_scope(app) as session:
        stored = session.scalars(select(Response).where(Response.uuid == body["uuid"])).one()
        assert (stored.user_id, stored.credential_id) == (world.users["admin"], None)


def test_a_registered_qr_authenticator_decides_in_the_same_transaction(app, world, monkeypatch):
    monkeypatch.setitem(_AUTHENTICATORS, "qr", _AUTHENTICATORS.get("qr"))  # restored after the test
    seen = []

    def qr(session, submission, caller, now):
        seen.append((submission.link_kind, caller.token, now))
        if caller.token != "signed-link":
            raise SubmissionError("invalid_credential")
        return ChannelAuth(scope_unit_id=world.units["S01"])

    register_channel_authenticator("qr", qr)
    body = payload(channel="qr", link_kind="transaction", transaction_ref="T-1")
    assert send(app, body, Caller(token="signed-link")).status == "accepted"
    assert seen == [("transaction", "signed-link", NOW)]
    assert refused(app, payload(channel="qr", link_kind="poster"), Caller(token="x")).code == "invalid_credential"
    assert refused(app, payload(channel="qr", link_kind="poster", unit="K02"), Caller(token="signed-link")).code == (
        "unit_out_of_scope")


def test_submit_one_commits(app, world):
    factory = app.extensions["hailong.db"][1]
    receipt = submit_one(factory, payload(), Caller(token=world.kiosk), now=NOW)
    assert receipt.status == "accepted" and row_counts(app)["responses"] == 1
    with pytest.raises(SubmissionError):
        submit_one(factory, payload(unit="K99"), Caller(token=world.kiosk), now=NOW)
    assert row_counts(app)["responses"] == 1


def test_a_refusal_leaves_nothing_pending_in_the_callers_session(app, world):
    with session_scope(app) as session:
        for body in (payload(answers={}), payload(unit="K02"), payload(service="9.9")):
            with pytest.raises(SubmissionError):
                submit(session, body, Caller(token=world.kiosk), now=NOW)
            assert not session.new and not session.dirty and not session.deleted
        submit(session, payload(), Caller(token=world.kiosk), now=NOW)
    with session_scope(app) as session:
        device = credentials.find(session, world.kiosk, ("kiosk_device",))
        assert device.last_used_at is not None
    assert row_counts(app)["responses"] == 1
