"""A kiosk queue of 1,000 ratings made over 24 h offline (simulated clock) drains exactly once.

The page's clock (Playwright's clock API) starts 24 h before the server's: the kiosk is paired, goes
offline, and makes 1,000 ratings, one every 86.4 s of its clock, so their device timestamps, their
queue order and the age of the device token (backdated on the server to the pairing) are those of a
day offline. The first 5 ratings go through the screens; the other 995 through the page's own outbox
(``HailongQueue.add``, which the rating flow calls), since 1,000 ratings through the screens would take
too long: 20 at a time, each chunk after the clock moved on by 20 steps, with the times they were made.
Then the clock reaches the server's time, the kiosk comes online, and the queue drains in batches of
20 in the order the ratings were made. Drain times go to tests/artifacts/queue-drain.json.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter

import pytest
from kiosk_steps import SHORT, pair, rate, wait_for_service_worker
from sqlalchemy import func, select

from survey.db.accounts import Credential
from survey.db.base import utcnow
from survey.db.responses import Response, ResponseFlag
from survey.web.database import session_scope

TOTAL = 1000
THROUGH_SCREENS = 5
BATCH = 20  # kiosk/static/js/queue.js BATCH_SIZE, documented in docs/kiosk.md
STEP = dt.timedelta(hours=24) / TOTAL  # the kiosk's clock between two ratings
DRAIN_LIMIT = 300  # s: the longest a drain may take on the loaded 2-core machine
QUEUE = "(window.kioskQueue = window.kioskQueue || HailongQueue.open('hailong-kiosk'))"
# Ratings as kiosk.js's payload() builds them, added one after the other to the page's own outbox with
# the device token: the chunk's ratings were made STEP apart up to the page's clock, and each is queued
# after the clock has passed the millisecond in which the one before was queued (equal queued_at times
# would leave their order to the sort), so the queue's order is the order they were made.
ENQUEUE = QUEUE + """.then(q => Promise.all([q.getMeta('token'), q.getMeta('config')]).then(async ([token, config]) => {
    const [first, count, step] = %s;
    for (let i = 0; i < count; i += 1) {
        const made = new Date(Date.now() - (count - 1 - i) * step).toISOString();
        const rating = {
            uuid: crypto.randomUUID(), channel: 'kiosk',
            questionnaire: {code: config.questionnaire.code, version: config.questionnaire.version},
            unit: config.unit.code, started_at: made, submitted_at: made,
            answers: {overall_rating: 4 + (first + i) %% 2, callback_consent: 'no'},
            paradata: {language: 'vi', idle_submit: false, kiosk: config.kiosk.id}};
        await q.add(rating, token);
        const queued = new Date().toISOString();
        while (new Date().toISOString() <= queued) await new Promise(resolve => setTimeout(resolve, 1));
    }
}))"""
QUEUED = QUEUE + ".then(q => q.entries()).then(es => es.sort((a, b) => a.queued_at < b.queued_at ? -1 : 1)" \
                 ".map(e => [e.uuid, e.queued_at, e.payload.submitted_at]))"
QUEUE_EMPTY = QUEUE + ".then(q => q.count()).then(n => n === 0)"


class Sends:
    """The batches the kiosk sent to POST /api/v1/responses that were answered, in order, and the failed ones."""

    def __init__(self, page) -> None:
        self.batches: list[list[str]] = []
        self.failed = 0
        page.on("requestfinished", self._finished)
        page.on("requestfailed", self._failed)

    def _finished(self, request) -> None:
        """Record the uuids of an answered batch."""
        if request.method == "POST" and request.url.endswith("/api/v1/responses"):
            self.batches.append(_uuids(request))

    def _failed(self, request) -> None:
        """Count a batch that got no answer."""
        if request.method == "POST" and request.url.endswith("/api/v1/responses"):
            self.failed += 1


def _uuids(request) -> list[str]:
    """Return the uuids of a batch request."""
    return [r["uuid"] for r in json.loads(request.post_data)["responses"]]


def _stored_count(app) -> int:
    """Return how many responses the server holds."""
    with session_scope(app) as session:
        return session.scalar(select(func.count()).select_from(Response))


def _stored(app) -> tuple[list[str], int, int]:
    """Return the stored uuids, how many are counted, and how many flags there are."""
    with session_scope(app) as session:
        uuids = list(session.scalars(select(Response.uuid)))
        counted = session.scalar(select(func.count()).select_from(Response).where(Response.counted))
        flags = session.scalar(select(func.count()).select_from(ResponseFlag))
        return uuids, counted, flags


def _day_offline(page, context, server, app, world) -> list[str]:
    """Pair a kiosk 24 h ago (page clock), make 1,000 ratings offline over the day; return their uuids."""
    paired_at = utcnow() - dt.timedelta(hours=24, minutes=10)
    page.clock.install(time=paired_at)
    pair(page, server, world.pairing_code)
    wait_for_service_worker(page)
    with session_scope(app) as session:  # the token is as old as the kiosk thinks
        credential = session.get(Credential, session.scalar(select(Credential.id).where(
            Credential.kind == "kiosk_device", Credential.revoked_at.is_(None))))
        credential.created_at = credential.last_used_at = paired_at
    context.set_offline(True)
    step = int(STEP.total_seconds() * 1000)
    for n in range(THROUGH_SCREENS):
        page.clock.fast_forward(step)
        rate(page, 5 - n % 3, problems=["staff"] if n % 3 == 2 else ())
        page.wait_for_selector("#screen-welcome", state="visible", timeout=SHORT)
    for first in range(THROUGH_SCREENS, TOTAL, BATCH):
        count = min(BATCH, TOTAL - first)
        page.clock.fast_forward(count * step)
        page.evaluate(ENQUEUE % json.dumps([first, count, step]))
    queued = page.evaluate(QUEUED)
    page.clock.fast_forward(int((utcnow() - dt.timedelta(minutes=1) - _page_now(page)).total_seconds() * 1000))
    assert _stored_count(app) == 0, "a request went through while the kiosk was offline"
    assert len(queued) == TOTAL and len({uuid for uuid, _, _ in queued}) == TOTAL
    submitted = [dt.datetime.fromisoformat(at) for _, _, at in queued]
    assert submitted == sorted(submitted) and submitted[-1] - submitted[0] >= dt.timedelta(hours=23, minutes=50)
    return [uuid for uuid, _, _ in queued]


def _page_now(page) -> dt.datetime:
    """Return the page's clock."""
    return dt.datetime.fromisoformat(page.evaluate("new Date().toISOString()"))


def _wait_drained(page, app, started: float) -> float:
    """Wait until the server holds every rating and the outbox is empty; return the drain time (s)."""
    while _stored_count(app) < TOTAL or not page.evaluate(QUEUE_EMPTY):
        assert time.monotonic() - started < DRAIN_LIMIT, f"{_stored_count(app)} stored"
        page.wait_for_timeout(100)
    return time.monotonic() - started


def _assert_exactly_once(app, queued: list[str]) -> None:
    """Assert the server stored every queued rating once, counted, unflagged."""
    uuids, counted, flags = _stored(app)
    assert len(uuids) == TOTAL and sorted(uuids) == sorted(queued)
    assert counted == TOTAL and flags == 0


def _record(name: str, seconds: float, artifacts) -> None:
    """Add a drain time to tests/artifacts/queue-drain.json."""
    path = artifacts / "queue-drain.json"
    figures = json.loads(path.read_text()) if path.exists() else {}
    figures[name] = round(seconds, 2)
    path.write_text(json.dumps(figures, indent=1))


@pytest.mark.config(INTEGRITY_REPEAT_SECONDS=0)
def test_a_day_offline_drains_in_order_in_batches_of_20_and_a_lost_reply_stores_nothing_twice(
    page, context, live_server, live_app, kiosk_world, artifacts
):
    queued = _day_offline(page, context, live_server, live_app, kiosk_world)
    expected = [queued[i:i + BATCH] for i in range(0, TOTAL, BATCH)]
    answered: list[tuple[list[str], list[int]]] = []  # (uuids, statuses) of every batch the kiosk heard
    lost: list[list[str]] = []

    def lose_the_tenth_reply(route):
        """Pass every batch to the server; cut the connection once, after it stored the tenth."""
        batch = _uuids(route.request)
        response = route.fetch()
        if not lost and batch == expected[9]:
            lost.append(batch)
            route.abort("connectionreset")  # the kiosk never hears back
            return
        answered.append((batch, [r["http_status"] for r in response.json()["results"]]))
        route.fulfill(response=response)

    page.route("**/api/v1/responses", lose_the_tenth_reply)
    started = time.monotonic()
    context.set_offline(False)
    while not lost:
        assert time.monotonic() - started < DRAIN_LIMIT
        page.wait_for_timeout(50)
    assert _stored_count(live_app) == 10 * BATCH
    page.reload()  # the kiosk restarts and resends the batch whose reply it never heard
    seconds = _wait_drained(page, live_app, started)
    _record("lost reply and reload", seconds, artifacts)
    _assert_exactly_once(live_app, queued)
    assert lost == [expected[9]]
    # In the order made, 20 at a time, one after the other; the tenth answered on its resend, as a replay.
    assert [batch for batch, _ in answered] == expected
    assert answered[9][1] == [200] * BATCH
    assert Counter(s for _, statuses in answered for s in statuses) == {201: TOTAL - BATCH, 200: BATCH}
    page.reload()
    page.wait_for_selector("#status[data-queue='0']", state="attached", timeout=SHORT)
    page.wait_for_timeout(1000)
    assert _stored_count(live_app) == TOTAL
    with session_scope(live_app) as session:  # the drain recorded the device's use
        used = session.scalar(select(Credential.last_used_at).where(Credential.kind == "kiosk_device"))
        assert used >= utcnow() - dt.timedelta(seconds=DRAIN_LIMIT)


@pytest.mark.config(INTEGRITY_REPEAT_SECONDS=0)
def test_a_day_offline_drains_once_with_the_server_stopped_and_restarted_mid_drain(
    page, context, live_server, live_app, kiosk_world, artifacts
):
    queued = _day_offline(page, context, live_server, live_app, kiosk_world)
    sends = Sends(page)
    started = time.monotonic()
    context.set_offline(False)
    while _stored_count(live_app) < 10 * BATCH:
        assert time.monotonic() - started < DRAIN_LIMIT
        page.wait_for_timeout(20)
    live_server.stop()
    stopped = _stored_count(live_app)
    sends.failed = 0  # only failures from now on
    while not sends.failed:  # the kiosk hits a closed port and backs off
        assert time.monotonic() - started < DRAIN_LIMIT
        page.wait_for_timeout(50)
    page.wait_for_timeout(500)
    assert _stored_count(live_app) == stopped < TOTAL
    assert not page.evaluate(QUEUE_EMPTY)
    live_server.start()
    restarted = time.monotonic()
    page.clock.fast_forward("06:20")  # the longest back-off, 5 min + 25 % jitter: the kiosk retries itself
    seconds = _wait_drained(page, live_app, started)
    _record("server stopped and restarted", seconds, artifacts)
    _record("server stopped and restarted: from the restart", time.monotonic() - restarted, artifacts)
    _assert_exactly_once(live_app, queued)
    assert sends.batches == [queued[i:i + BATCH] for i in range(0, TOTAL, BATCH)]
    assert sends.failed >= 1  # the batch the stopped server refused, sent again after the back-off
