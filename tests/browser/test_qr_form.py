"""The citizen's QR form on a phone (390 x 844): happy paths, skip logic, a lost connection, refusals.

Screenshots of every page land in tests/artifacts/qr-*.png.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from survey.db.organisation import Service, Unit
from survey.db.qr import SpentQrToken
from survey.db.responses import PiiAnswer, Response
from survey.domain.loader import load_file
from survey.resources import bundled_questionnaire_files
from survey.services import qrlinks, questionnaires
from survey.web.database import session_scope

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def qr_world(live_app) -> dict:
    """Create a counter and a service, publish the quick and the full forms; return unit ids."""
    with session_scope(live_app) as session:
        province = Unit(code="P01", kind="province", name_vi="Tỉnh Thử", name_en="Test Province")
        centre = Unit(code="S01", kind="service_centre", name_vi="Trung tâm Một", parent=province)
        counter = Unit(code="K01", kind="counter", name_vi="Quầy 1", name_en="Counter 1", parent=centre)
        session.add_all([province, centre, counter,
                         Service(code="1.000894", field="ho_tich", name_vi="Đăng ký khai sinh",
                                 name_en="Birth registration")])
        session.flush()
        for path in bundled_questionnaire_files():
            if path.parent.name in ("kiosk", "sipas"):
                questionnaires.load(session, load_file(path))
                questionnaires.publish(session, path.parent.name, path.stem)
        return {"K01": counter.id}


@pytest.fixture
def phone(browser):
    """Return a page in a fresh phone-sized context."""
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def link(app, *, questionnaire="kiosk", ref="T-1", when=None, ring=None) -> str:
    """Issue a receipt link for counter K01 and return its path."""
    when = when or dt.datetime.now(dt.UTC)
    with session_scope(app) as session:
        issued = qrlinks.issue_transaction_link(
            session, ring or app.extensions["hailong.qr"][0], qrlinks.LinkSettings(), unit_code="K01",
            transaction_ref=ref, service_code="1.000894", questionnaire=questionnaire, now=when,
        )
    return issued.path


def stored(app) -> list[Response]:
    """Return the stored responses with their answers loaded."""
    with session_scope(app) as session:
        responses = list(session.scalars(select(Response)))
        for response in responses:
            _ = response.answers, response.flags
        session.expunge_all()
        return responses


def test_quick_form_with_skip_logic_on_a_phone(live_server, qr_world, phone, artifacts):
    path = link(live_server.app)
    phone.goto(live_server.url + path)
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Đánh giá nhanh")
    expect(phone.locator("#item-problem_elements")).to_be_hidden()
    phone.screenshot(path=str(artifacts / "qr-form-open.png"), full_page=True)
    phone.get_by_text("Rất không hài lòng").click()  # skip logic: what went wrong appears
    expect(phone.locator("#item-problem_elements")).to_be_visible()
    expect(phone.locator("#item-comment")).to_be_visible()
    phone.get_by_text("Công chức tiếp nhận").click()
    phone.locator("textarea[name=comment]").fill("Phải chờ lâu.")
    phone.locator("#item-callback_consent").get_by_text("Có", exact=True).click()
    phone.locator("input[name=phone]").fill("12345")
    phone.get_by_role("button", name="Gửi đánh giá").click()
    expect(phone.locator("#item-phone .error")).to_have_text("Số điện thoại phải gồm 10 chữ số và bắt đầu bằng số 0.")
    phone.screenshot(path=str(artifacts / "qr-form-constraint.png"), full_page=True)
    phone.locator("input[name=phone]").fill("0912345678")
    phone.get_by_role("button", name="Gửi đánh giá").click()
    expect(phone.locator("#qr-thanks")).to_be_visible()
    phone.screenshot(path=str(artifacts / "qr-form-thanks.png"), full_page=True)
    [response] = stored(live_server.app)
    assert (response.channel, response.link_kind, response.transaction_ref) == ("qr", "transaction", "T-1")
    values = {(a.item_code, a.value_int or a.value_text) for a in response.answers}
    assert values == {("overall_rating", 1), ("problem_elements", "staff"), ("comment", "Phải chờ lâu."),
                      ("callback_consent", "yes")}
    with session_scope(live_server.app) as session:
        assert session.scalars(select(PiiAnswer.value_text)).all() == ["0912345678"]
    phone.reload()  # the link is spent
    expect(phone.locator("[data-refusal=used]")).to_be_visible()
    phone.screenshot(path=str(artifacts / "qr-refused-used.png"), full_page=True)


def test_hidden_answers_are_not_sent_and_the_language_switch_keeps_answers(live_server, qr_world, phone):
    phone.goto(live_server.url + link(live_server.app))
    phone.get_by_text("Rất không hài lòng").click()
    phone.get_by_text("Kết quả giải quyết").click()
    phone.get_by_role("link", name="English").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Quick satisfaction rating")
    expect(phone.get_by_label("Very dissatisfied")).to_be_checked()  # kept across the reload
    phone.get_by_text("Very satisfied", exact=True).click()  # the follow-up questions go away
    expect(phone.locator("#item-problem_elements")).to_be_hidden()
    phone.get_by_role("button", name="Send my rating").click()
    expect(phone.locator("#qr-thanks")).to_contain_text("Thank you")
    [response] = stored(live_server.app)
    assert {a.item_code for a in response.answers} == {"overall_rating"}  # not the hidden answer


def test_a_lost_connection_keeps_the_rating_and_sends_it_once(live_server, qr_world, phone, artifacts):
    phone.goto(live_server.url + link(live_server.app))
    phone.get_by_text("Hài lòng", exact=True).click()
    phone.context.set_offline(True)
    phone.get_by_role("button", name="Gửi đánh giá").click()
    expect(phone.locator("#qr-status")).to_contain_text("kết nối")
    phone.screenshot(path=str(artifacts / "qr-form-offline.png"), full_page=True)
    assert stored(live_server.app) == []
    phone.context.set_offline(False)
    expect(phone.locator("#qr-thanks")).to_be_visible(timeout=20000)
    [response] = stored(live_server.app)
    assert response.answers[0].value_int == 4


def test_server_down_then_back(live_server, qr_world, phone):
    phone.goto(live_server.url + link(live_server.app))
    phone.get_by_text("Bình thường", exact=True).click()
    live_server.stop()
    phone.get_by_role("button", name="Gửi đánh giá").click()
    expect(phone.locator("#qr-status")).to_contain_text("kết nối")
    live_server.start()
    expect(phone.locator("#qr-thanks")).to_be_visible(timeout=30000)
    assert len(stored(live_server.app)) == 1


def test_the_full_sipas_form_when_the_link_says_so(live_server, qr_world, phone, artifacts):
    phone.goto(live_server.url + link(live_server.app, questionnaire="sipas"))
    expect(phone.locator("h2").first).to_contain_text("Phần 1")
    phone.get_by_role("button", name="Gửi đánh giá").click()
    expect(phone.locator("#qr-status")).to_contain_text("cần xem lại")
    expect(phone.locator("#item-access_satisfaction")).to_be_in_viewport()  # the first unanswered question
    expect(phone.locator("#item-access_satisfaction .error")).to_have_text("Xin trả lời câu hỏi này.")
    phone.screenshot(path=str(artifacts / "qr-sipas-required.png"))
    for _ in range(3):  # answering one item may reveal the next (skip logic)
        for fieldset in phone.locator("fieldset.item:visible").all():
            option = fieldset.locator("input[type=radio], input[type=checkbox]").first
            if option.count() and not fieldset.locator("input:checked").count():
                option.check()
    phone.get_by_role("button", name="Gửi đánh giá").click()
    expect(phone.locator("#qr-thanks")).to_be_visible()
    [response] = stored(live_server.app)
    assert len(response.answers) > 30


@pytest.mark.parametrize(("name", "make", "heading"), [
    ("tampered", lambda app: link(app)[:-4] + "AAAA", "Liên kết này không hợp lệ"),
    ("expired", lambda app: link(app, when=dt.datetime.now(dt.UTC) - dt.timedelta(days=30)),
     "Liên kết này đã hết hạn"),
    ("unknown-key", lambda app: link(app, ring=qrlinks.Keyring({"gone": b"g" * 32}, "gone")),
     "Liên kết này không còn hiệu lực"),
])
def test_refusal_pages_on_a_phone(live_server, qr_world, phone, artifacts, name, make, heading):
    path = make(live_server.app)
    response = phone.goto(live_server.url + path)
    assert response.status in (400, 410)
    expect(phone.get_by_role("heading", level=1)).to_have_text(heading)
    phone.screenshot(path=str(artifacts / f"qr-refused-{name}.png"), full_page=True)
    phone.get_by_role("link", name="English").click()
    expect(phone.locator(".notice")).to_contain_text("Nothing has been stored")
    with session_scope(live_server.app) as session:
        assert session.scalars(select(SpentQrToken)).all() == []
    assert stored(live_server.app) == []


def test_no_horizontal_scrolling_on_a_small_phone(live_server, qr_world, browser):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(live_server.url + link(live_server.app, questionnaire="sipas"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    height = page.locator("label.option").first.bounding_box()["height"]
    assert height >= 44  # a comfortable touch target
    context.close()
    assert re.fullmatch(r"/r/[A-Z2-7]+", link(live_server.app))


def test_the_form_loads_and_sends_on_a_slow_mobile_connection(live_server, qr_world, phone):
    cdp = phone.context.new_cdp_session(phone)
    # Chrome DevTools' "Slow 3G": 400 ms round trips, 50 kB/s down, 50 kB/s up.
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 400, "downloadThroughput": 50 * 1024, "uploadThroughput": 50 * 1024,
    })
    phone.goto(live_server.url + link(live_server.app), wait_until="load")
    timing = phone.evaluate("performance.getEntriesByType('navigation')[0].duration")
    assert timing < 5000  # milliseconds until the form works, every file included
    phone.get_by_text("Rất hài lòng", exact=True).click()
    phone.get_by_role("button", name="Gửi đánh giá").click()
    expect(phone.locator("#qr-thanks")).to_be_visible(timeout=10000)
    assert len(stored(live_server.app)) == 1
