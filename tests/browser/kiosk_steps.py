"""Steps shared by the kiosk browser tests: pair, rate, and read what the server stored."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import select

from survey.db.responses import Response, ResponseFlag
from survey.web.database import session_scope

KIOSK_QUESTIONNAIRE = Path(__file__).resolve().parents[2] / "questionnaires" / "kiosk" / "2026.1.yaml"
SHORT = 10_000  # ms: the longest a kiosk step may take on a loaded 2-core machine


def open_kiosk(page, server, query: str = "") -> None:
    """Open the kiosk page and wait until its script has started."""
    page.goto(f"{server.url}/kiosk/{query}")
    page.wait_for_selector("#screen-loading", state="hidden", timeout=SHORT)


def pair(page, server, code: str) -> None:
    """Pair the kiosk with a one-time code and wait for the welcome screen."""
    open_kiosk(page, server)
    page.fill("#pair-code", code)
    page.click("#pair-form button[type=submit]")
    page.wait_for_selector("#screen-welcome", state="visible", timeout=SHORT)


def wait_for_service_worker(page) -> None:
    """Wait until the service worker controls the page (it then serves the shell offline).

    Go offline only after this: a worker still installing and claiming the page while Chromium's
    offline switch is on changes which path the page's requests take under the switch.
    """
    page.evaluate("navigator.serviceWorker.ready")
    if not page.evaluate("Boolean(navigator.serviceWorker.controller)"):
        page.reload()
        page.wait_for_selector("#screen-welcome", state="visible", timeout=SHORT)
    assert page.evaluate("Boolean(navigator.serviceWorker.controller)")


def shot(page, artifacts: Path, name: str) -> None:
    """Save a screenshot of the current screen as a test artifact."""
    page.screenshot(path=str(artifacts / f"{name}.png"))


def rate(page, value: int, *, service: str | None = None, problems=(), comment: str = "",
         callback: str = "no", phone: str = "") -> None:
    """Go through one rating from the welcome screen to the thank-you screen, screen by screen."""
    page.click("#start")
    page.wait_for_selector("#screen-service:not([hidden]), #screen-faces:not([hidden])", timeout=SHORT)
    if page.is_visible("#screen-service"):
        page.click(f"#service-list [data-value='{service}']" if service else "#service-skip")
        page.wait_for_selector("#screen-faces", state="visible", timeout=SHORT)
    page.click(f".face[data-value='{value}']")
    if value <= 3:
        page.wait_for_selector("#screen-problems", state="visible", timeout=SHORT)
        for problem in problems:
            page.click(f"#problem-list [data-value='{problem}']")
        if comment:
            page.fill("#comment", comment)
        page.click("#problems-next")
    page.wait_for_selector("#screen-callback", state="visible", timeout=SHORT)
    page.click(f"#callback-{callback}")
    if callback == "yes":
        page.wait_for_selector("#screen-phone", state="visible", timeout=SHORT)
        page.fill("#phone", phone)
        page.click("#phone-send")
    page.wait_for_selector("#screen-thanks", state="visible", timeout=SHORT)


def wait_synced(page, app, count: int) -> list[dict]:
    """Wait until the server holds ``count`` responses and the kiosk's outbox is empty; return them."""
    deadline = time.monotonic() + SHORT * 2 / 1000
    while len(rows := stored(app)) < count and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    wait_until(page, "HailongQueue.open('hailong-kiosk').then(q => q.count()).then(n => n === 0)")
    page.wait_for_selector("#status[data-queue='0']", state="attached", timeout=SHORT)
    assert len(rows) == count, rows
    return rows


def wait_until(page, expression: str) -> None:
    """Wait until a (possibly asynchronous) JavaScript expression is true in the page."""
    deadline = time.monotonic() + SHORT * 2 / 1000
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false: {expression}"
        page.wait_for_timeout(200)


def stored(app) -> list[dict]:
    """Return the stored responses with their answers, flags and counted state, oldest first."""
    with session_scope(app) as session:
        rows = session.scalars(select(Response).order_by(Response.id)).all()
        flags = session.execute(select(ResponseFlag.response_id, ResponseFlag.flag)).all()
        return [
            {"uuid": r.uuid, "channel": r.channel, "unit_id": r.unit_id, "service_id": r.service_id,
             "transaction_ref": r.transaction_ref, "counted": r.counted, "status": r.status,
             "raw": r.raw_json, "flags": sorted(f for rid, f in flags if rid == r.id)}
            for r in rows
        ]
