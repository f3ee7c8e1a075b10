"""A device credential's last_used_at is written at most once a minute; revocation stays exact."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from survey.db.accounts import Credential
from survey.db.base import utcnow
from survey.services import credentials, kiosks
from survey.web.database import session_scope


@pytest.fixture
def device(app, world) -> tuple[int, str]:
    """Pair a kiosk at S01 and clear its last use; return (credential id, token)."""
    with session_scope(app) as session:
        code = kiosks.create(session, "Kiosk", world.units["S01"], "2468")
        _kiosk, token = kiosks.pair(session, code.code)
        credential = credentials.find(session, token, ("kiosk_device",))
        credential.last_used_at = None
        return credential.id, token


def _rating(value: int = 5) -> dict:
    """Return one kiosk rating made now."""
    return {"uuid": str(uuid.uuid4()), "channel": "kiosk", "questionnaire": {"code": "kiosk", "version": "2026.1"},
            "unit": "S01", "submitted_at": utcnow().isoformat(), "answers": {"overall_rating": value}}


def _send(client, token: str, *ratings: dict) -> list[int | str]:
    """Send ratings in one batch; return each one's status, or its error code when refused."""
    response = client.post("/api/v1/responses", json={"responses": list(ratings)},
                           headers={"Authorization": f"Bearer {token}"})
    return [result["error"]["code"] if "error" in result else result["http_status"]
            for result in response.get_json()["results"]]


def _last_used(app, credential_id: int) -> dt.datetime | None:
    """Return the credential's stored last use."""
    with session_scope(app) as session:
        return session.get(Credential, credential_id).last_used_at


def _set_last_used(app, credential_id: int, when: dt.datetime) -> None:
    """Store a credential's last use."""
    with session_scope(app) as session:
        session.get(Credential, credential_id).last_used_at = when


def test_a_batch_and_the_next_ratings_within_a_minute_write_last_used_once(client, app, device):
    credential_id, token = device
    before = utcnow()
    assert _send(client, token, _rating(5), _rating(4), _rating(3)) == [201, 201, 201]
    first = _last_used(app, credential_id)
    assert first is not None and first >= before - dt.timedelta(seconds=1)
    assert _send(client, token, _rating(2)) == [201]
    assert _last_used(app, credential_id) == first


def test_a_use_more_than_a_minute_later_is_recorded(client, app, device):
    credential_id, token = device
    old = utcnow() - credentials.TOUCH_INTERVAL - dt.timedelta(seconds=5)
    _set_last_used(app, credential_id, old)
    assert _send(client, token, _rating()) == [201]
    assert _last_used(app, credential_id) > old + credentials.TOUCH_INTERVAL


def test_a_revocation_right_after_a_recorded_use_refuses_the_next_rating(client, app, device):
    credential_id, token = device
    assert _send(client, token, _rating()) == [201]
    with session_scope(app) as session:
        credentials.revoke(session, credential_id)
    assert _send(client, token, _rating()) == ["credential_revoked"]


def test_the_orm_touch_skips_a_use_recorded_less_than_a_minute_ago(app, device):
    credential_id, _token = device
    recent = utcnow() - dt.timedelta(seconds=30)
    stale = utcnow() - dt.timedelta(minutes=2)
    with session_scope(app) as session:
        credential = session.get(Credential, credential_id)
        credentials.touch(credential)
        assert credential.last_used_at >= recent
        credential.last_used_at = recent
        credentials.touch(credential)
        assert credential.last_used_at == recent
        credential.last_used_at = stale
        credentials.touch(credential)
        assert credential.last_used_at > recent
