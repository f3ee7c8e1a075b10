"""Replacements on the tablet: none can be started until someone before them could not be interviewed."""

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
from survey.web.database import session_scope
from tests.fieldwork.interview_world import build


def test_a_refusal_releases_exactly_the_next_replacement(page, live_server, live_app, artifacts):
    world = build(live_app)
    with session_scope(live_app) as session:
        fieldwork.assign(session, world.survey, world.villages[:1], "enum1")
    enrol_tablet(page, live_server, live_app, "enum1")
    ids = [int(x) for x in page.eval_on_selector_all(".card[data-draw]", "cs => cs.map(c => c.dataset.draw)")]
    mains, spares = ids[:6], ids[6:]
    assert len(spares) == 2
    for spare in spares:  # waiting: a note, no button to start or to record an outcome
        assert page.get_attribute(card(page, spare), "data-waiting") == "yes"
        assert page.locator(f"{card(page, spare)} button").count() == 0
        assert "từ chối" in page.inner_text(f"{card(page, spare)} .waiting")
    assert page.locator(f"{card(page, mains[5])} button.start").count() == 1
    shot(page, artifacts, "interview-replacements-01-waiting")

    page.click(f"{card(page, mains[3])} button.not-done")
    page.select_option(f"{card(page, mains[3])} select[name=status]", "noncontact")
    page.fill(f"{card(page, mains[3])} input[name=reason]", "Đi làm ăn xa")
    page.click(f"{card(page, mains[3])} form.outcome button[type=submit]")
    page.wait_for_selector(f"{card(page, mains[3])}[data-status=noncontact]", timeout=SHORT)
    assert page.get_attribute(card(page, spares[0]), "data-waiting") == "no"
    assert page.get_attribute(card(page, spares[1]), "data-waiting") == "yes"
    shot(page, artifacts, "interview-replacements-02-released")

    page.click(f"{card(page, spares[0])} button.start")
    answer_background(page, "male", 52)
    answer_participation(page, "no")
    # data-queued was already 0 before the finish: wait for the server to link the interview instead.
    wait_until(lambda: draws(live_app)[spares[0]][0] == "completed")
    wait_until(lambda: page.get_attribute("body", "data-queued") == "0")
    stored = responses(live_app)
    assert len(stored) == 1
    paradata = stored[0]["paradata"]
    assert paradata["respondent"] == {"draw_id": spares[0], "role": "replacement", "order": 7}
    assert paradata["replacements_used"] == [{"order": 4, "status": "noncontact", "reason": "Đi làm ăn xa"}]
    now = draws(live_app)
    assert now[spares[0]] == ("completed", stored[0]["uuid"]) and now[mains[3]] == ("noncontact", None)
    assert now[spares[1]] == ("pending", None)
