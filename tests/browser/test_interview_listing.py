"""A household listing made offline on the tablet, sent when online, then the drawn households appear."""

from __future__ import annotations

from interview_steps import SHORT, enrol_tablet, shot, wait_for_service_worker, wait_until
from sqlalchemy import select

from survey.db.fieldwork import ListingMember, ListingPersonal, RespondentDraw
from survey.services import fieldwork
from survey.web.database import session_scope
from tests.fieldwork.interview_world import build, unlisted_villages

HOUSEHOLDS = [(f"Hà Văn {i}", f"Cạnh nhà văn hoá {i}", str(2 + i % 5), "0987 654 321" if i == 1 else "")
              for i in range(1, 12)]


def listed(app) -> list[tuple[str, str, int, str | None]]:
    """Return the tablet-listed households the server stored, in listing order."""
    with session_scope(app) as session:
        return [(p.name, m.source, m.household_size, p.phone) for m, p in session.execute(
            select(ListingMember, ListingPersonal).join(ListingPersonal, ListingPersonal.member_id == ListingMember.id)
            .where(ListingMember.source == "tablet").order_by(ListingMember.position)).all()]


def add(page, head: str, address: str, size: str, phone: str) -> None:
    """Enter one household on the listing screen."""
    page.fill("#listing-head", head)
    page.fill("#listing-address", address)
    page.fill("#listing-size", size)
    page.fill("#listing-phone", phone)
    page.click("#listing-add")
    page.wait_for_function("h => document.querySelector('#listing-households') && "
                           "document.querySelector('#listing-households').textContent.includes(h)", arg=head)


def test_offline_listing_then_online_submit_draws_the_households(page, context, live_server, live_app, artifacts):
    world = build(live_app)
    village = unlisted_villages(live_app, world)[0]
    with session_scope(live_app) as session:
        fieldwork.assign(session, world.survey, [village], "enum1")
    enrol_tablet(page, live_server, live_app, "enum1")
    wait_for_service_worker(page)
    listing_card = f".card.listing[data-village='{village}']"
    assert page.get_attribute(listing_card, "data-listing") == "open"
    assert page.locator(".card[data-draw]").count() == 0

    context.set_offline(True)
    page.click(f"{listing_card} button.start")
    page.fill("#listing-head", "Không Số")
    page.fill("#listing-size", "0")
    page.click("#listing-add")
    assert page.inner_text("#listing-error") == "Số nhân khẩu từ 1 đến 99."
    for household in HOUSEHOLDS[:6]:
        add(page, *household)
    page.click("#listing-exit")
    page.reload()  # offline: the draft listing survives in IndexedDB
    page.wait_for_selector(f"{listing_card} .tag", timeout=SHORT)
    assert page.inner_text(f"{listing_card} .tag").startswith("6 ")
    page.click(f"{listing_card} button.start")
    for household in HOUSEHOLDS[6:]:
        add(page, *household)
    add(page, "Ghi Nhầm", "", "3", "")
    page.click("#listing-households li:last-child button")
    page.wait_for_function("n => document.querySelectorAll('#listing-households li').length === n",
                           arg=len(HOUSEHOLDS), timeout=SHORT)
    shot(page, artifacts, "interview-listing-01-offline")
    page.click("#listing-submit")
    page.wait_for_selector(f"{listing_card}[data-listing=waiting]", timeout=SHORT)
    assert page.get_attribute("body", "data-queued") == "1"
    assert listed(live_app) == []

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until(lambda: page.locator(".card[data-draw]").count() == 8)
    assert page.get_attribute("body", "data-queued") == "0" and page.locator(listing_card).count() == 0
    stored = listed(live_app)
    assert [(name, source, size) for name, source, size, _ in stored] == [
        (head, "tablet", int(size)) for head, _, size, _ in HOUSEHOLDS]
    assert stored[0][3] == "0987 654 321" and stored[1][3] is None
    names = page.eval_on_selector_all(".card[data-draw] strong", "cs => cs.map(c => c.textContent)")
    assert all(name.split(". ", 1)[1] in {h[0] for h in HOUSEHOLDS} for name in names)
    with session_scope(live_app) as session:
        assert len(session.scalars(select(RespondentDraw)).all()) == 3 * 8 + 8
    shot(page, artifacts, "interview-listing-02-drawn")
