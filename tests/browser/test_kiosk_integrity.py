"""Integrity at the kiosk: pushed transactions, one counted rating per transaction, rapid repeats,
revoked and unknown devices."""

from __future__ import annotations

import json

import pytest
from kiosk_steps import SHORT, open_kiosk, pair, rate, shot, stored, wait_synced

from survey.services import kiosks
from survey.web.database import session_scope


def _push(page, server, world, ref: str, **extra) -> None:
    """Push a transaction to the kiosk as the one-stop software does, with its API key."""
    response = page.request.post(
        f"{server.url}/kiosk/api/push",
        headers={"Authorization": f"Bearer {world.api_client}"},
        data=json.dumps({"kiosk": world.kiosk_id, "transaction_ref": ref, **extra}),
    )
    assert response.status == 201, response.text()


@pytest.mark.config(INTEGRITY_REPEAT_SECONDS=0)
def test_a_pushed_transaction_is_rated_once_and_a_second_rating_is_flagged(
    page, live_server, live_app, kiosk_world, artifacts
):
    pair(page, live_server, kiosk_world.pairing_code)
    _push(page, live_server, kiosk_world, "000.00.07.H01-261123-0001", service="1.000894", counter="K02")
    page.wait_for_selector("#welcome-transaction:has-text('000.00.07.H01-261123-0001')", timeout=SHORT)
    shot(page, artifacts, "10-welcome-transaction")
    rate(page, 4)  # the service is preset: no service screen
    page.wait_for_selector("#screen-welcome", state="visible", timeout=SHORT)
    _push(page, live_server, kiosk_world, "000.00.07.H01-261123-0001", service="1.000894", counter="K02")
    page.wait_for_selector("#welcome-transaction:has-text('000.00.07.H01-261123-0001')", timeout=SHORT)
    rate(page, 5)
    wait_synced(page, live_app, 2)
    first, second = stored(live_app)
    assert first["transaction_ref"] == second["transaction_ref"] == "000.00.07.H01-261123-0001"
    assert first["unit_id"] == kiosk_world.units["K02"]
    assert first["service_id"] is not None
    assert (first["counted"], first["flags"]) == (True, [])
    assert (second["counted"], second["flags"]) == (False, ["duplicate_transaction"])


def test_a_push_outside_the_api_keys_scope_or_without_a_key_is_refused(page, live_server, kiosk_world):
    response = page.request.post(f"{live_server.url}/kiosk/api/push",
                                 data=json.dumps({"kiosk": kiosk_world.kiosk_id, "transaction_ref": "T"}))
    assert response.status == 401
    assert response.json()["error"]["message"]["vi"] == "Khoá API không hợp lệ."


@pytest.mark.config(INTEGRITY_REPEAT_SECONDS=60)
def test_rapid_repeated_ratings_are_stored_with_a_flag(page, live_server, live_app, kiosk_world):
    pair(page, live_server, kiosk_world.pairing_code)
    for _ in range(3):
        rate(page, 5)
        page.wait_for_selector("#screen-welcome", state="visible", timeout=SHORT)
    wait_synced(page, live_app, 3)
    rows = stored(live_app)
    assert [r["flags"] for r in rows] == [[], ["burst"], ["burst"]]
    assert [r["status"] for r in rows] == ["accepted", "flagged", "flagged"]
    page.click("#start")
    page.click("#service-skip")
    assert page.locator(".face[aria-pressed='true']").count() == 0  # no trace of the last citizen's face


@pytest.mark.config(INTEGRITY_REPEAT_SECONDS=0)
def test_a_revoked_device_keeps_its_earlier_ratings_flagged_and_shows_a_clear_screen(
    page, context, live_server, live_app, kiosk_world, artifacts
):
    pair(page, live_server, kiosk_world.pairing_code)
    context.set_offline(True)
    rate(page, 5)
    page.wait_for_selector("#screen-welcome", state="visible", timeout=SHORT)
    rate(page, 1)  # a low rating answers the reasons screen with nothing chosen
    page.wait_for_selector("#screen-welcome", state="visible", timeout=SHORT)
    with session_scope(live_app) as session:
        kiosks.revoke(session, kiosk_world.kiosk_id)
    context.set_offline(False)
    page.wait_for_selector("#screen-blocked", state="visible", timeout=SHORT * 2)
    assert page.inner_text("#blocked-reason") == "Thiết bị này đã bị thu hồi."
    shot(page, artifacts, "11-revoked")
    wait_synced(page, live_app, 2)
    rows = stored(live_app)
    assert len(rows) == 2
    assert all(r["flags"] == ["credential_revoked"] and not r["counted"] for r in rows)


def test_an_unknown_device_is_refused_with_a_clear_screen(page, live_server, kiosk_world):
    open_kiosk(page, live_server)
    page.evaluate("HailongQueue.open('hailong-kiosk').then(q => q.setMeta('token', 'hlk_not-a-real-token'))")
    page.reload()
    page.wait_for_selector("#screen-blocked", state="visible", timeout=SHORT)
    assert page.inner_text("#blocked-reason") == "Thiết bị này chưa được ghép nối."


def test_a_pairing_code_works_once(page, context, live_server, kiosk_world):
    pair(page, live_server, kiosk_world.pairing_code)
    other = context.browser.new_context()
    try:
        second = other.new_page()
        open_kiosk(second, live_server)
        second.fill("#pair-code", kiosk_world.pairing_code.lower().replace("-", " "))
        second.click("#pair-form button[type=submit]")
        second.wait_for_selector("#pair-error", state="visible", timeout=SHORT)
        assert second.inner_text("#pair-error") == "Mã ghép nối không đúng hoặc đã hết hạn."
    finally:
        other.close()


def test_scanning_the_pairing_qr_link_fills_in_the_code(page, live_server, kiosk_world):
    open_kiosk(page, live_server, f"?pair={kiosk_world.pairing_code}")
    assert page.input_value("#pair-code") == kiosk_world.pairing_code
    page.click("#pair-form button[type=submit]")
    page.wait_for_selector("#screen-welcome", state="visible", timeout=SHORT)
    assert page.url.endswith("/kiosk/")
