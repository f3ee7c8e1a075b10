"""The kiosk in headless Chromium: pairing, the rating flow in Vietnamese and English, resets."""

from __future__ import annotations

import json

import pytest
from kiosk_steps import SHORT, open_kiosk, pair, rate, shot, stored, wait_queue_empty


def test_pairing_then_a_happy_rating_in_vietnamese(page, live_server, live_app, kiosk_world, artifacts):
    open_kiosk(page, live_server)
    assert page.is_visible("#screen-pair")
    shot(page, artifacts, "01-pairing")
    pair(page, live_server, kiosk_world.pairing_code)
    assert page.inner_text("#unit-name") == "Bộ phận Một cửa xã Hòa Bình"
    shot(page, artifacts, "02-welcome-vi")
    page.click("#start")
    page.wait_for_selector("#screen-service", state="visible")
    shot(page, artifacts, "03-service-vi")
    page.click("#service-list [data-value='1.000894']")
    page.wait_for_selector("#screen-faces", state="visible")
    assert page.get_attribute(".face[data-value='5']", "aria-label") == "Rất hài lòng"
    shot(page, artifacts, "04-faces-vi")
    page.click(".face[data-value='5']")
    page.wait_for_selector("#screen-callback", state="visible")
    shot(page, artifacts, "05-callback-vi")
    page.click("#callback-no")
    page.wait_for_selector("#screen-thanks", state="visible")
    shot(page, artifacts, "06-thanks-vi")
    wait_queue_empty(page)
    [response] = stored(live_app)
    raw = json.loads(response["raw"])
    assert raw["answers"] == {"overall_rating": 5, "callback_consent": "no"}
    assert raw["channel"] == "kiosk" and raw["service"] == "1.000894" and raw["unit"] == "S01"
    assert response["counted"] is True
    page.wait_for_selector("#screen-welcome", state="visible", timeout=SHORT)
