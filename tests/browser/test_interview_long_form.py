"""The bundled PAPI questionnaire (143 items in 8 sections, skip logic) filled on the tablet app.

Every visible question is answered with its first choice (the integer item with its smallest allowed
value) section by section, so skip logic opens and closes items as a person's answers would; the
server then validates the whole response against the frozen version and stores it.
"""

from __future__ import annotations

from interview_steps import SHORT, card, draws, enrol_tablet, responses, wait_until

from survey.domain.loader import load_file
from survey.services import fieldwork
from survey.web.database import session_scope
from tests.fieldwork.interview_world import ROOT, build

PAPI = ROOT / "questionnaires" / "papi" / "2026.1.yaml"

FILL_SECTION = """() => {
  let changed = true, answered = 0;
  while (changed) {                       // answering may reveal further items (skip logic)
    changed = false;
    for (const set of document.querySelectorAll('#interview fieldset[data-item]')) {
      if (set.hidden) continue;
      const radios = set.querySelectorAll('input[type=radio]');
      if (radios.length && ![...radios].some(r => r.checked)) {
        radios[0].click(); changed = true; answered++;
      }
      const number = set.querySelector('input[type=number]');
      if (number && number.value === '') {
        number.value = '18'; number.dispatchEvent(new Event('input')); changed = true; answered++;
      }
    }
  }
  return answered;
}"""


def test_the_papi_questionnaire_is_filled_section_by_section_and_stored(page, live_server, live_app, artifacts):
    world = build(live_app, PAPI)
    with session_scope(live_app) as session:
        fieldwork.assign(session, world.survey, world.villages[:1], "enum1")
    enrol_tablet(page, live_server, live_app, "enum1")
    first = int(page.eval_on_selector_all(".card[data-draw]", "cs => cs.map(c => c.dataset.draw)")[0])
    papi = load_file(PAPI)
    page.click(f"{card(page, first)} button.start")
    seen, answered = [], 0
    for _ in range(len(papi.sections)):
        page.wait_for_selector("#interview", timeout=SHORT)
        seen.append(page.get_attribute("#interview", "data-section"))
        answered += page.evaluate(FILL_SECTION)
        if page.locator("#finish").count():
            page.click("#finish")
            break
        page.click("#next")
        page.wait_for_function("s => document.querySelector('#interview') === null || "
                               "document.querySelector('#interview').dataset.section !== s",
                               arg=seen[-1], timeout=SHORT)
    page.screenshot(path=str(artifacts / "interview-papi-finished.png"), full_page=True)
    assert seen == [section.code for section in papi.sections]
    page.wait_for_selector(f"{card(page, first)}[data-status=completed]", timeout=SHORT)
    wait_until(lambda: draws(live_app)[first][0] == "completed")  # on the server, not only the tablet
    wait_until(lambda: page.get_attribute("body", "data-queued") == "0")
    stored = responses(live_app)
    assert len(stored) == 1
    answers = stored[0]["answers"]
    assert len(answers) == answered > 60  # every answered item reached the server, nothing else
    assert answers["age"] == 18 and draws(live_app)[first] == ("completed", stored[0]["uuid"])
    assert set(stored[0]["paradata"]["section_seconds"]) == set(seen)
