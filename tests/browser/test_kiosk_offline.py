"""Offline: ratings wait in IndexedDB through reloads and are stored exactly once when the server is back."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from kiosk_steps import (
    KIOSK_QUESTIONNAIRE,
    SHORT,
    pair,
    rate,
    shot,
    stored,
    wait_for_service_worker,
    wait_synced,
    wait_until,
)

from survey.domain.loader import load_file
from survey.services import questionnaires
from survey.web.database import session_scope


def _rate_three(page) -> None:
    """Make three different ratings."""
    rate(page, 5)
    page.wait_for_selector("#screen-welcome", state="visible", timeout=SHORT)
    rate(page, 2, problems=["staff"], comment="Chờ lâu")
    page.wait_for_selector("#screen-welcome", state="visible", timeout=SHORT)
    rate(page, 4, service="1.000894")
    page.wait_for_selector("#screen-welcome", state="visible", timeout=SHORT)


def _queued_uuids(page) -> list[str]:
    """Return the UUIDs waiting in the kiosk's IndexedDB outbox."""
    return page.evaluate(
        "HailongQueue.open('hailong-kiosk').then(q => q.entries()).then(es => es.map(e => e.uuid))"
    )


@pytest.mark.config(INTEGRITY_REPEAT_SECONDS=0)
def test_offline_switch_ratings_survive_a_reload_and_are_stored_once(
    page, context, live_server, live_app, kiosk_world, artifacts
):
    pair(page, live_server, kiosk_world.pairing_code)
    wait_for_service_worker(page)
    context.set_offline(True)
    _rate_three(page)
    assert page.get_attribute("#status", "data-queue") == "3"
    queued = _queued_uuids(page)
    page.reload()  # offline: the service worker serves the shell, IndexedDB keeps the queue
    page.wait_for_selector("#screen-welcome", state="visible", timeout=SHORT)
    assert page.get_attribute("#status", "data-queue") == "3"
    shot(page, artifacts, "09-offline-queue")
    assert stored(live_app) == []
    context.set_offline(False)
    wait_synced(page, live_app, 3)
    rows = stored(live_app)
    assert sorted(r["uuid"] for r in rows) == sorted(queued)
    assert all(r["counted"] for r in rows)
    page.reload()
    page.wait_for_selector("#screen-welcome", state="visible", timeout=SHORT)
    page.wait_for_timeout(1500)
    assert len(stored(live_app)) == 3


@pytest.mark.config(INTEGRITY_REPEAT_SECONDS=0)
def test_stopped_server_ratings_survive_a_reload_and_are_stored_once(
    page, live_server, live_app, kiosk_world
):
    pair(page, live_server, kiosk_world.pairing_code)
    wait_for_service_worker(page)
    live_server.stop()
    _rate_three(page)
    queued = _queued_uuids(page)
    assert len(queued) == 3
    page.reload()  # the server is down: the shell comes from the service worker's cache
    page.wait_for_selector("#screen-welcome", state="visible", timeout=SHORT)
    assert page.get_attribute("#status", "data-queue") == "3"
    live_server.start()
    wait_synced(page, live_app, 3)
    assert sorted(r["uuid"] for r in stored(live_app)) == sorted(queued)


@pytest.mark.config(INTEGRITY_REPEAT_SECONDS=0)
def test_a_lost_reply_is_resent_and_the_rating_still_counts_once(page, live_server, live_app, kiosk_world):
    pair(page, live_server, kiosk_world.pairing_code)
    lost = []

    def store_then_lose_the_reply(route):
        if lost:
            route.continue_()
            return
        route.fetch()  # the server stores the batch ...
        lost.append(True)
        route.abort("connectionreset")  # ... but the kiosk never hears back

    page.route("**/api/v1/responses", store_then_lose_the_reply)
    rate(page, 5)
    page.wait_for_selector("#screen-welcome", state="visible", timeout=SHORT)
    wait_synced(page, live_app, 1)
    assert lost == [True]
    [row] = stored(live_app)
    assert row["counted"] and row["flags"] == []


@pytest.mark.config(INTEGRITY_REPEAT_SECONDS=0)
def test_a_new_version_is_picked_up_at_the_next_sync_and_queued_ratings_keep_theirs(
    page, context, live_server, live_app, kiosk_world
):
    pair(page, live_server, kiosk_world.pairing_code)
    wait_for_service_worker(page)
    context.set_offline(True)
    rate(page, 5)
    page.wait_for_selector("#screen-welcome", state="visible", timeout=SHORT)
    with session_scope(live_app) as session:
        questionnaires.load(session, replace(load_file(KIOSK_QUESTIONNAIRE), version="2026.2"))
        questionnaires.publish(session, "kiosk", "2026.2")
    context.set_offline(False)
    wait_synced(page, live_app, 1)
    wait_until(page, "HailongQueue.open('hailong-kiosk').then(q => q.getMeta('config'))"
                     ".then(c => c.questionnaire.version === '2026.2')")
    rate(page, 4)
    wait_synced(page, live_app, 2)
    versions = [json.loads(r["raw"])["questionnaire"]["version"] for r in stored(live_app)]
    assert versions == ["2026.1", "2026.2"]


def test_a_refused_rating_goes_to_the_dead_letters_staff_can_see(page, live_server, live_app, kiosk_world):
    pair(page, live_server, kiosk_world.pairing_code)
    page.evaluate("""() => HailongQueue.open('hailong-kiosk').then(q => q.getMeta('token').then(token =>
        q.add({uuid: '6f1c1f43-52a4-4c4b-9d43-0b0f6c2e7a11', channel: 'kiosk',
               questionnaire: {code: 'kiosk', version: '2026.1'}, unit: 'S01',
               submitted_at: new Date().toISOString(), answers: {overall_rating: 9}}, token)))""")
    page.reload()
    page.wait_for_selector("#status[data-dead='1']", state="attached", timeout=SHORT)
    assert page.get_attribute("#status", "data-queue") == "0"
    assert "Không gửi được: 1" in page.inner_text("#status")
    dead = page.evaluate("HailongQueue.open('hailong-kiosk').then(q => q.dead())")
    assert dead[0]["http_status"] == 422 and dead[0]["error"]["item"] == "overall_rating"
    assert stored(live_app) == []


@pytest.mark.config(INTEGRITY_REPEAT_SECONDS=0)
def test_the_queue_survives_closing_the_browser(browser, context, page, live_server, live_app, kiosk_world):
    pair(page, live_server, kiosk_world.pairing_code)
    wait_for_service_worker(page)
    context.set_offline(True)
    rate(page, 5)
    page.wait_for_selector("#screen-welcome", state="visible", timeout=SHORT)
    rate(page, 1)
    page.wait_for_selector("#screen-welcome", state="visible", timeout=SHORT)
    saved = context.storage_state(indexed_db=True)  # what the browser keeps on disk
    context.close()
    assert stored(live_app) == []
    restarted = browser.new_context(storage_state=saved)
    try:
        again = restarted.new_page()
        again.goto(f"{live_server.url}/kiosk/")
        again.wait_for_selector("#screen-welcome", state="visible", timeout=SHORT)
        rows = wait_synced(again, live_app, 2)
        assert [json.loads(r["raw"])["answers"]["overall_rating"] for r in rows] == [5, 1]
    finally:
        restarted.close()
