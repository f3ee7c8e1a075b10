"""The kiosk's JSON endpoints: pairing, configuration, pushed transactions."""

from __future__ import annotations

import datetime as dt

import pytest

from survey.domain.expressions import parse
from survey.services import kiosk_pushes, kiosks
from survey.services.kiosk_config import KioskSettings
from survey.web.database import session_scope


@pytest.fixture
def paired(app, world):
    """Create a kiosk at centre S01 and pair it; return (kiosk id, token)."""
    with session_scope(app) as session:
        code = kiosks.create(session, "Kiosk", world.units["S01"], "2468")
        kiosk, token = kiosks.pair(session, code.code)
        return kiosk.id, token


def _bearer(token: str) -> dict:
    """Return the Authorization header of a token."""
    return {"Authorization": f"Bearer {token}"}


def test_pairing_over_http_returns_a_token_once(client, app, world):
    with session_scope(app) as session:
        code = kiosks.create(session, "Kiosk", world.units["S01"], "2468").code
    first = client.post("/kiosk/api/pair", json={"code": code})
    assert first.status_code == 201 and first.json["token"].startswith("hlk_")
    again = client.post("/kiosk/api/pair", json={"code": code})
    assert again.status_code == 400
    assert again.json["error"]["message"] == {
        "vi": "Mã ghép nối không đúng hoặc đã hết hạn.", "en": "The pairing code is wrong or has expired."
    }


def test_pairing_attempts_are_rate_limited(client, world):
    statuses = [client.post("/kiosk/api/pair", json={"code": "AAAA-AAAA"}).status_code for _ in range(11)]
    assert statuses == [400] * 10 + [429]


def test_config_carries_unit_services_settings_and_the_questionnaire_trees(client, paired):
    response = client.get("/kiosk/api/config", headers=_bearer(paired[1]))
    assert response.status_code == 200
    body = response.json
    assert body["unit"]["code"] == "S01"
    assert [s["code"] for s in body["services"]] == ["1.000894"]  # inactive services are left out
    assert body["settings"] == {"idle_seconds": 30.0, "idle_action": "discard", "thanks_seconds": 5.0,
                                "ask_service": True, "poll_seconds": 5.0}
    form = body["questionnaire"]
    assert (form["code"], form["version"], len(form["hash"])) == ("kiosk", "2026.1", 64)
    assert form["trees"]["problem_elements"] == {"relevant": parse("${overall_rating} <= 3")}
    assert form["trees"]["phone"]["relevant"] == parse("${callback_consent} = 'yes'")
    assert set(form["trees"]["phone"]) == {"relevant", "constraint"}
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer hlk_unknown"}, {"Authorization": "Basic x"}])
def test_config_refuses_an_unknown_device(client, world, headers):
    response = client.get("/kiosk/api/config", headers=headers)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "invalid_credential"


def test_config_refuses_a_revoked_device(client, app, paired):
    with session_scope(app) as session:
        kiosks.revoke(session, paired[0])
    response = client.get("/kiosk/api/config", headers=_bearer(paired[1]))
    assert (response.status_code, response.json["error"]["code"]) == (403, "credential_revoked")


def test_settings_come_from_configuration_strings():
    settings = KioskSettings.from_config({"KIOSK_IDLE_SECONDS": "45", "KIOSK_IDLE_ACTION": "submit",
                                          "KIOSK_ASK_SERVICE": "false"})
    assert (settings.idle_seconds, settings.idle_action, settings.ask_service) == (45.0, "submit", False)
    with pytest.raises(ValueError):
        KioskSettings.from_config({"KIOSK_IDLE_ACTION": "delete"})


def test_a_pushed_transaction_is_handed_out_once(client, paired, world):
    pushed = client.post("/kiosk/api/push", headers=_bearer(world.api_client),
                         json={"kiosk": paired[0], "transaction_ref": "H01-0001", "service": "1.000894",
                               "counter": "K02"})
    assert pushed.status_code == 201
    first = client.post("/kiosk/api/next", headers=_bearer(paired[1]))
    assert first.json == {"push": {"transaction_ref": "H01-0001", "service": "1.000894", "unit": "K02"}}
    assert client.post("/kiosk/api/next", headers=_bearer(paired[1])).json == {"push": None}


@pytest.mark.parametrize(("body", "code"), [
    ({"transaction_ref": ""}, "transaction_ref_invalid"),
    ({"transaction_ref": "x" * 129}, "transaction_ref_invalid"),
    ({"transaction_ref": "T", "service": "9.999999"}, "unknown_service"),
    ({"transaction_ref": "T", "counter": "S02"}, "unknown_counter"),
    ({"transaction_ref": "T", "kiosk": "1"}, "unknown_kiosk"),
])
def test_a_bad_push_is_refused_with_its_reason(client, paired, world, body, code):
    response = client.post("/kiosk/api/push", headers=_bearer(world.api_client), json={"kiosk": paired[0], **body})
    assert response.json["error"]["code"] == code


def test_an_api_key_pushes_only_to_kiosks_in_its_scope(client, app, world):
    with session_scope(app) as session:
        code = kiosks.create(session, "Kiosk", world.units["S02"], "2468")  # C02, outside the key's C01
        other = code.kiosk.id
    response = client.post("/kiosk/api/push", headers=_bearer(world.api_client),
                           json={"kiosk": other, "transaction_ref": "T"})
    assert (response.status_code, response.json["error"]["code"]) == (404, "unknown_kiosk")


def test_an_expired_push_is_not_handed_out(app, paired):
    with session_scope(app) as session:
        kiosk = kiosks.get(session, paired[0])
        then = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)
        kiosk_pushes.push(session, kiosk.id, "T-1", now=then)
        assert kiosk_pushes.take(session, kiosk, now=then + dt.timedelta(minutes=31)) is None
        assert kiosk_pushes.take(session, kiosk, now=then + dt.timedelta(minutes=29))["transaction_ref"] == "T-1"


def test_an_unchanged_config_is_answered_304(client, paired):
    first = client.get("/kiosk/api/config", headers=_bearer(paired[1]))
    again = client.get("/kiosk/api/config", headers={**_bearer(paired[1]), "If-None-Match": first.headers["ETag"]})
    assert (again.status_code, again.data) == (304, b"")
    stale = client.get("/kiosk/api/config", headers={**_bearer(paired[1]), "If-None-Match": '"0"'})
    assert stale.status_code == 200 and stale.json == first.json
