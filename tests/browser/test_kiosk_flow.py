"""The kiosk in headless Chromium: pairing, the rating flow in Vietnamese and English, resets."""

from __future__ import annotations

import json

import pytest
from kiosk_steps import SHORT, open_kiosk, pair, shot, stored, wait_synced


def test_pairing_then_a_happy_rating_in_vietnamese(page, live_server, live_app, kiosk_world, artifacts):
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
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
    wait_synced(page, live_app, 1)
    [response] = stored(live_app)
    raw = json.loads(response["raw"])
    assert raw["answers"] == {"overall_rating": 5, "callback_consent": "no"}
    assert raw["channel"] == "kiosk" and raw["service"] == "1.000894" and raw["unit"] == "S01"
    assert response["counted"] is True
    page.wait_for_selector("#screen-welcome", state="visible", timeout=SHORT)
    assert problems == []  # no script error, no content security policy violation


@pytest.mark.parametrize("language", ["vi", "en"])
def test_an_unhappy_rating_with_reasons_comment_and_call_back(
    page, live_server, live_app, kiosk_world, artifacts, language
):
    pair(page, live_server, kiosk_world.pairing_code)
    if language == "en":
        page.click("#languages [data-lang='en']")
        assert page.inner_text("#unit-name") == "Hoa Binh one-stop centre"
        assert page.inner_text("#start") == "Start rating"
        shot(page, artifacts, "02-welcome-en")
    page.click("#start")
    page.click("#service-list [data-value='2.000815']")
    words = page.locator(".face .face-word").all_inner_texts()
    assert words[0] == ("Rất không hài lòng" if language == "vi" else "Very dissatisfied")
    shot(page, artifacts, f"04-faces-{language}")
    page.click(".face[data-value='2']")
    page.wait_for_selector("#screen-problems", state="visible")
    page.click("#problem-list [data-value='staff']")
    page.click("#problem-list [data-value='result']")
    page.click("#problem-list [data-value='staff']")  # chosen, then un-chosen
    page.fill("#comment", "Phải chờ quá lâu, hẹn trả kết quả bị trễ." if language == "vi" else "Waited far too long.")
    shot(page, artifacts, f"07-problems-{language}")
    page.click("#problems-next")
    page.click("#callback-yes")
    page.wait_for_selector("#screen-phone", state="visible")
    page.click("#phone-send")
    assert page.is_visible("#phone-error")
    page.fill("#phone", "912345678")
    page.click("#phone-send")
    expected_error = ("Số điện thoại phải gồm 10 chữ số và bắt đầu bằng số 0." if language == "vi"
                      else "The phone number must have 10 digits and start with 0.")
    assert page.inner_text("#phone-error") == expected_error
    shot(page, artifacts, f"08-phone-error-{language}")
    page.fill("#phone", "0912345678")
    page.click("#phone-send")
    page.wait_for_selector("#screen-thanks", state="visible")
    shot(page, artifacts, f"06-thanks-{language}")
    page.wait_for_selector("#screen-welcome", state="visible", timeout=SHORT)
    assert page.inner_text("#start") == "Bắt đầu đánh giá"  # the next citizen starts in Vietnamese
    wait_synced(page, live_app, 1)
    [response] = stored(live_app)
    raw = json.loads(response["raw"])
    assert raw["answers"]["overall_rating"] == 2
    assert raw["answers"]["problem_elements"] == ["result"]
    assert raw["answers"]["callback_consent"] == "yes"
    assert "phone" not in raw["answers"]  # personal data is kept apart from the raw submission
    assert raw["paradata"]["language"] == language


def test_declining_the_call_back_after_saying_yes_sends_no_phone(page, live_server, live_app, kiosk_world):
    pair(page, live_server, kiosk_world.pairing_code)
    page.click("#start")
    page.click("#service-skip")
    page.click(".face[data-value='3']")
    page.click("#problems-next")
    page.click("#callback-yes")
    page.click("#phone-skip")
    page.wait_for_selector("#screen-thanks", state="visible")
    wait_synced(page, live_app, 1)
    [response] = stored(live_app)
    assert json.loads(response["raw"])["answers"] == {"overall_rating": 3, "callback_consent": "no"}
    assert response["service_id"] is None


def test_no_back_button_and_no_way_back_through_history(page, live_server, kiosk_world):
    pair(page, live_server, kiosk_world.pairing_code)
    page.click("#start")
    page.click("#service-skip")
    assert page.locator("button:has-text('Quay lại'), button:has-text('Back')").count() == 0
    assert page.evaluate("history.length") <= 2


@pytest.mark.config(KIOSK_IDLE_SECONDS=2)
def test_idle_reset_discards_a_partial_rating_by_default(page, live_server, live_app, kiosk_world):
    pair(page, live_server, kiosk_world.pairing_code)
    page.click("#start")
    page.click("#service-skip")
    page.click(".face[data-value='1']")
    page.wait_for_selector("#screen-problems", state="visible")
    page.wait_for_selector("#screen-welcome", state="visible", timeout=SHORT)
    page.wait_for_timeout(1500)
    assert page.get_attribute("#status", "data-queue") == "0"
    assert stored(live_app) == []


@pytest.mark.config(KIOSK_IDLE_SECONDS=2, KIOSK_IDLE_ACTION="submit")
def test_idle_reset_can_submit_the_partial_rating(page, live_server, live_app, kiosk_world):
    pair(page, live_server, kiosk_world.pairing_code)
    page.click("#start")
    page.click("#service-skip")
    page.click(".face[data-value='2']")
    page.click("#problem-list [data-value='procedures']")
    page.wait_for_selector("#screen-welcome", state="visible", timeout=SHORT)
    wait_synced(page, live_app, 1)
    [response] = stored(live_app)
    raw = json.loads(response["raw"])
    assert raw["answers"] == {"overall_rating": 2, "problem_elements": ["procedures"]}
    assert raw["paradata"]["idle_submit"] is True


@pytest.mark.config(KIOSK_IDLE_SECONDS=2)
def test_the_idle_timer_restarts_on_every_touch(page, live_server, kiosk_world):
    pair(page, live_server, kiosk_world.pairing_code)
    page.click("#start")
    page.click("#service-skip")
    page.click(".face[data-value='1']")
    for _ in range(4):
        page.wait_for_timeout(900)
        page.click("#problem-list [data-value='access']")
    assert page.is_visible("#screen-problems")
