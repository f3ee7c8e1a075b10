"""Back-check and send-back-and-revise flows on tablets, checked on the supervisor's page."""

from __future__ import annotations

from interview_steps import (
    SHORT,
    answer_background,
    answer_participation,
    card,
    draws,
    enrol_tablet,
    responses,
    shot,
    wait_until,
)

from survey.services import fieldwork
from survey.services import fieldwork_backchecks as backchecks
from survey.web.database import session_scope
from tests.fieldwork.interview_world import PASSWORD, build


def _interview_two(page, app) -> list[int]:
    """Complete the first two respondents online and wait until both are synced; return their draw ids."""
    ids = [int(x) for x in page.eval_on_selector_all(".card[data-draw]", "cs => cs.map(c => c.dataset.draw)")][:2]
    for draw_id, age in zip(ids, (35, 52)):
        page.click(f"{card(page, draw_id)} button.start")
        answer_background(page, "female", age)
        answer_participation(page, "yes", 2)
    wait_until(lambda: [draws(app)[i][0] for i in ids] == ["completed", "completed"])
    return ids


def _login(page, server, username: str) -> None:
    """Log in on the staff pages."""
    page.goto(f"{server.url}/auth/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()


def test_backcheck_flow(browser, live_server, live_app, artifacts):
    world = build(live_app)
    with session_scope(live_app) as session:
        fieldwork.assign(session, world.survey, world.villages[:1], "enum1")
    enumerator = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    checker = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    supervisor = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    try:
        page = enumerator.new_page()
        enrol_tablet(page, live_server, live_app, "enum1")
        _interview_two(page, live_app)
        staff = supervisor.new_page()
        _login(staff, live_server, "sup")
        staff.goto(f"{live_server.url}/supervision/{world.survey}")
        staff.fill("input[name=checker]", "checker")
        staff.fill("input[name=seed]", "5")
        staff.click("form[action$='/backchecks'] button[type=submit]")
        staff.wait_for_selector("p.notice", timeout=SHORT)
        assert "Đã rút 1 phiếu phúc tra" in staff.inner_text("p.notice")

        tablet = checker.new_page()
        enrol_tablet(tablet, live_server, live_app, "checker")
        tablet.wait_for_selector(".card[data-backcheck] button.start", timeout=SHORT)
        shot(tablet, artifacts, "interview-05-backcheck-task")
        tablet.click(".card[data-backcheck] button.start")
        tablet.check("input[name=interviewed][value=yes]")
        tablet.check("input[name=duration][value=lt30]")
        tablet.click("#next")
        tablet.fill("#item-household_size", "0")
        tablet.click("#finish")
        assert tablet.inner_text("[data-error=household_size]") == "Hộ có ít nhất 1 người."
        tablet.fill("#item-household_size", "5")
        tablet.check("input[name=age_group][value=a60_70]")
        tablet.check("input[name=sex][value=female]")
        tablet.check("input[name=attended_village_meeting][value=yes]")
        tablet.click("#finish")
        tablet.wait_for_selector(".card[data-backcheck] .tag.completed", timeout=SHORT)

        def results():
            with session_scope(live_app) as session:
                return backchecks.backcheck_results(session, world.survey)

        wait_until(lambda: results()[0].mismatches is not None)
        [result] = results()
        # The interview took seconds (duration lt30 matches) and the age is 35 or 52, never 60-70.
        assert result.mismatches == ("age_group",) and result.enumerator == "enum1"
        staff.goto(f"{live_server.url}/supervision/{world.survey}")
        assert "age_group" in staff.inner_text("#mismatch-report") and "sai lệch" in staff.inner_text("#backchecks")
        shot(staff, artifacts, "interview-06-supervision-backcheck")
    finally:
        for context in (enumerator, checker, supervisor):
            context.close()


def test_send_back_and_revise(browser, live_server, live_app, artifacts):
    world = build(live_app)
    with session_scope(live_app) as session:
        fieldwork.assign(session, world.survey, world.villages[:1], "enum1")
    enumerator = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN",
                                     geolocation={"latitude": 21.03, "longitude": 105.85, "accuracy": 20},
                                     permissions=["geolocation"])
    supervisor = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    try:
        page = enumerator.new_page()
        enrol_tablet(page, live_server, live_app, "enum1")
        page.check("#allow-location")  # the enumerator allows the location: the interviews record it
        first, _ = _interview_two(page, live_app)
        original = draws(live_app)[first][1]
        location = responses(live_app)[0]["paradata"]["location"]
        assert (location["lat"], location["lon"]) == (21.03, 105.85)
        staff = supervisor.new_page()
        _login(staff, live_server, "sup")
        staff.goto(f"{live_server.url}/supervision/{world.survey}")
        row = staff.locator("#interviews tr", has_text=original)
        row.locator("input[name=comment]").fill("Tuổi chưa đúng, hỏi lại người trả lời.")
        row.locator("button[type=submit]").click()
        staff.wait_for_selector("p.notice", timeout=SHORT)

        page.click("#sync-now")
        page.wait_for_selector(".card.sendback button.start", timeout=SHORT)
        assert "Tuổi chưa đúng" in page.inner_text(".card.sendback")
        assert page.inner_text(".card.sendback strong").startswith("1. Nguyễn Văn")
        shot(page, artifacts, "interview-07-sent-back")
        page.click(".card.sendback button.start")
        assert page.input_value("#item-age") == "35" and page.is_checked("input[name=sex][value=female]")
        page.fill("#item-age", "38")
        page.click("#next")
        assert page.input_value("#item-meetings") == "2"
        page.click("#finish")
        page.wait_for_selector(".card.sendback .tag.completed", timeout=SHORT)
        wait_until(lambda: draws(live_app)[first][1] != original)
        stored = {r["uuid"]: r for r in responses(live_app)}
        assert len(stored) == 3
        [revision] = [r for r in stored.values() if r["supersedes"] == original]
        assert revision["answers"]["age"] == 38 and stored[original]["answers"]["age"] == 35
        assert draws(live_app)[first] == ("completed", revision["uuid"])
        staff.goto(f"{live_server.url}/supervision/{world.survey}")
        assert revision["uuid"] in staff.inner_text("#interviews") and original not in staff.inner_text("#interviews")
    finally:
        for context in (enumerator, supervisor):
            context.close()
