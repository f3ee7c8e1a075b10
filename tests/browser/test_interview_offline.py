"""Offline interviews: download, go offline, two interviews across a reload, come online, stored once."""

from __future__ import annotations

from interview_steps import (
    SHORT,
    answer_background,
    answer_participation,
    card,
    draws,
    enrol_tablet,
    outcomes,
    responses,
    shot,
    wait_for_service_worker,
    wait_until,
)

from survey.services import fieldwork
from survey.web.database import session_scope
from tests.fieldwork.interview_world import build


def test_two_offline_interviews_across_a_reload_are_stored_once(page, context, live_server, live_app, artifacts):
    world = build(live_app)
    with session_scope(live_app) as session:
        fieldwork.assign(session, world.survey, world.villages[:1], "enum1")
    enrol_tablet(page, live_server, live_app, "enum1")
    wait_for_service_worker(page)
    ids = [int(x) for x in page.eval_on_selector_all(".card[data-draw]", "cs => cs.map(c => c.dataset.draw)")]
    assert len(ids) == 8 and page.locator(".card[data-draw] strong").first.inner_text().startswith("1. Nguyễn Văn")
    shot(page, artifacts, "interview-01-assignments")

    context.set_offline(True)
    page.click(f"{card(page, ids[0])} button.start")
    page.check("input[name=sex][value=female]")
    page.fill("#item-age", "15")
    page.click("#next")
    assert page.inner_text("[data-error=age]") == "Chỉ phỏng vấn người từ 18 đến 70 tuổi."
    shot(page, artifacts, "interview-02-constraint")
    answer_background(page, "female", 41)
    assert page.is_hidden("fieldset[data-item=meetings]")
    page.check("input[name=attended_village_meeting][value=yes]")
    assert page.is_visible("fieldset[data-item=meetings]")
    page.click("#finish")
    assert page.inner_text("[data-error=meetings]") == "Câu này bắt buộc."
    page.fill("#item-meetings", "3")
    page.click("#finish")
    page.wait_for_selector(f"{card(page, ids[0])}[data-status=completed]", timeout=SHORT)

    page.click(f"{card(page, ids[1])} button.not-done")
    page.select_option(f"{card(page, ids[1])} select[name=status]", "refused")
    page.fill(f"{card(page, ids[1])} input[name=reason]", "Bận gặt lúa")
    page.click(f"{card(page, ids[1])} form.outcome button[type=submit]")
    page.wait_for_selector(f"{card(page, ids[1])}[data-status=refused]", timeout=SHORT)

    page.click(f"{card(page, ids[2])} button.start")
    answer_background(page, "male", 63)
    page.reload()  # offline: the service worker serves the app, IndexedDB keeps the draft and the outbox
    page.wait_for_selector(f"{card(page, ids[2])}[data-status=draft]", timeout=SHORT)
    shot(page, artifacts, "interview-03-offline-draft-after-reload")
    page.click(f"{card(page, ids[2])} button.start")
    page.wait_for_selector("#interview[data-section=participation]", timeout=SHORT)
    page.click("#back")
    assert page.is_checked("input[name=sex][value=male]") and page.input_value("#item-age") == "63"
    page.click("#next")
    answer_participation(page, "no")
    assert page.get_attribute("body", "data-queued") == "5"  # two responses, three outcomes
    assert responses(live_app) == []

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until(lambda: page.get_attribute("body", "data-queued") == "0")
    stored = responses(live_app)
    assert len(stored) == 2 and len({r["uuid"] for r in stored}) == 2
    first, second = stored
    assert first["answers"] == {"sex": "female", "age": 41, "attended_village_meeting": "yes", "meetings": 3}
    assert second["answers"] == {"sex": "male", "age": 63, "attended_village_meeting": "no"}
    assert second["paradata"]["resumed"] is True and set(second["paradata"]["section_seconds"]) == {
        "background", "participation"}
    assert first["paradata"]["respondent"]["draw_id"] == ids[0] and "location" not in first["paradata"]
    now = draws(live_app)
    assert now[ids[0]] == ("completed", first["uuid"]) and now[ids[2]] == ("completed", second["uuid"])
    assert now[ids[1]] == ("refused", None)
    assert sorted(outcomes(live_app)) == sorted([(ids[0], "completed", None), (ids[1], "refused", "Bận gặt lúa"),
                                                 (ids[2], "completed", None)])
    page.evaluate("window.dispatchEvent(new Event('online'))")  # a second sync sends nothing again
    page.wait_for_timeout(1000)
    assert len(responses(live_app)) == 2 and len(outcomes(live_app)) == 3
    shot(page, artifacts, "interview-04-synced")
