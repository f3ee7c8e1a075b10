"""Steps shared by the interview browser tests: enrol a tablet, answer the test form, read the server."""

from __future__ import annotations

import json
import time
from pathlib import Path

from sqlalchemy import select

from survey.db.fieldwork import RespondentDraw
from survey.db.interviews import DrawOutcome
from survey.db.responses import Response
from survey.services import fieldwork
from survey.web.database import session_scope

SHORT = 10_000  # ms


def enrol_tablet(page, server, app, username: str) -> None:
    """Open the interview app, enrol it with a fresh code and wait for the assignment list."""
    with session_scope(app) as session:
        code = fieldwork.new_enrolment(session, username, "Máy tính bảng").code
    page.goto(f"{server.url}/interview/")
    page.wait_for_selector("#enrol-code", timeout=SHORT)
    page.fill("#enrol-code", code)
    page.click("#enrol-form button[type=submit]")
    page.wait_for_selector(".card", timeout=SHORT)
    page.wait_for_selector("body[data-ready='1']", timeout=SHORT)


def wait_for_service_worker(page) -> None:
    """Wait until the service worker controls the page (it then serves the shell offline)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("Boolean(navigator.serviceWorker.controller)"):
        page.reload()
        page.wait_for_selector("body[data-ready='1']", timeout=SHORT)
    assert page.evaluate("Boolean(navigator.serviceWorker.controller)")


def card(page, draw_id: int) -> str:
    """Return the selector of a respondent's card."""
    return f".card[data-draw='{draw_id}']"


def answer_background(page, sex: str, age: int) -> None:
    """Answer the first section and go on."""
    page.check(f"input[name=sex][value={sex}]")
    page.fill("#item-age", str(age))
    page.click("#next")


def answer_participation(page, attended: str, meetings: int | None = None) -> None:
    """Answer the second section (skip logic: meetings only after a yes) and finish."""
    page.check(f"input[name=attended_village_meeting][value={attended}]")
    if meetings is not None:
        page.fill("#item-meetings", str(meetings))
    page.click("#finish")
    page.wait_for_selector(".card", timeout=SHORT)


def responses(app) -> list[dict]:
    """Return the stored responses with their answers and paradata."""
    with session_scope(app) as session:
        return [{"uuid": r.uuid, "supersedes": r.supersedes_uuid, **json.loads(r.raw_json)}
                for r in session.scalars(select(Response).order_by(Response.id))]


def draws(app) -> dict[int, tuple[str, str | None]]:
    """Return every draw's status and response UUID."""
    with session_scope(app) as session:
        return {d.id: (d.status, d.response_uuid) for d in session.scalars(select(RespondentDraw))}


def outcomes(app) -> list[tuple[int, str, str | None]]:
    """Return the visit outcomes the server recorded."""
    with session_scope(app) as session:
        return [(o.draw_id, o.status, o.reason) for o in session.scalars(select(DrawOutcome).order_by(DrawOutcome.id))]


def wait_until(condition, timeout: float = 20.0) -> None:
    """Poll ``condition`` until it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.2)


def shot(page, artifacts: Path, name: str) -> None:
    """Save a screenshot as a test artifact."""
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
