"""Weight and accessibility: the first load within 150 KB, large targets, labels, two screen sizes."""

from __future__ import annotations

import pytest
from kiosk_steps import SHORT, open_kiosk, pair, shot

BUDGET = 150 * 1024


class TransferCounter:
    """WSGI middleware adding up the bytes of every response: status line, headers and body."""

    def __init__(self, app) -> None:
        self.app = app
        self.total = 0
        self.paths: list[str] = []

    def __call__(self, environ, start_response):
        """Serve the request and count what goes back to the client."""
        self.paths.append(environ["PATH_INFO"])

        def counting_start(status, headers, exc_info=None):
            self.total += len(status) + 11 + sum(len(k) + len(v) + 4 for k, v in headers)
            return start_response(status, headers, exc_info)

        body = self.app(environ, counting_start)
        try:
            for chunk in body:
                self.total += len(chunk)
                yield chunk
        finally:
            if hasattr(body, "close"):
                body.close()


def _touch_targets_too_small(page) -> list[str]:
    """Return the visible buttons and inputs smaller than 64 x 64 CSS pixels."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('button, input, textarea'))
        .filter(el => el.offsetParent !== null)
        .filter(el => { const r = el.getBoundingClientRect(); return r.width < 64 || r.height < 64; })
        .map(el => el.id || el.textContent.trim())""")


def test_first_load_with_service_worker_precache_and_pairing_stays_within_150_kb(
    page, live_app, live_server, kiosk_world
):
    counter = TransferCounter(live_app.wsgi_app)
    live_app.wsgi_app = counter
    pair(page, live_server, kiosk_world.pairing_code)
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_load_state("networkidle")
    precached = {"/kiosk/static/fonts/NotoSans-Bold-vi.woff2", "/kiosk/sw.js", "/kiosk/api/config"}
    assert precached <= set(counter.paths)
    print(f"first load: {counter.total} bytes over {len(counter.paths)} requests")
    assert 40 * 1024 < counter.total <= BUDGET, counter.total


@pytest.mark.parametrize(("size", "name"), [((1280, 800), "tablet"), ((390, 844), "phone")])
def test_touch_targets_are_at_least_64_px_on_every_screen(browser, live_server, kiosk_world, artifacts,
                                                           size, name):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, has_touch=True)
    try:
        page = context.new_page()
        pair(page, live_server, kiosk_world.pairing_code)
        assert _touch_targets_too_small(page) == []
        shot(page, artifacts, f"20-{name}-welcome")
        page.click("#start")
        assert _touch_targets_too_small(page) == []
        shot(page, artifacts, f"21-{name}-service")
        page.click("#service-skip")
        assert _touch_targets_too_small(page) == []
        shot(page, artifacts, f"22-{name}-faces")
        page.click(".face[data-value='1']")
        assert _touch_targets_too_small(page) == []
        shot(page, artifacts, f"23-{name}-problems")
        page.click("#problems-next")
        page.click("#callback-yes")
        assert _touch_targets_too_small(page) == []
        shot(page, artifacts, f"24-{name}-phone")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()


def test_faces_have_words_and_labels_and_groups_are_named(page, live_server, kiosk_world):
    pair(page, live_server, kiosk_world.pairing_code)
    page.click("#start")
    page.click("#service-skip")
    labels = page.locator(".face").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert labels == ["Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"]
    assert page.get_attribute("#faces", "role") == "group"
    assert page.inner_text("#faces-label") == page.evaluate(
        "document.getElementById(document.getElementById('faces').getAttribute('aria-labelledby')).textContent"
    )
    assert page.evaluate("document.documentElement.lang") == "vi"
    page.click("#languages [data-lang='en']")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.get_attribute(".face[data-value='5']", "aria-label") == "Very satisfied"


def test_the_font_is_bundled_and_has_every_vietnamese_letter(page, live_server, kiosk_world):
    open_kiosk(page, live_server)
    page.evaluate("document.fonts.ready")
    letters = "ăâđêôơưĂÂĐÊÔƠƯàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
    assert page.evaluate("t => document.fonts.check('22px \"Noto Sans Kiosk\"', t)", letters)
    assert page.evaluate("t => document.fonts.check('bold 22px \"Noto Sans Kiosk\"', t)", letters + letters.upper())
    urls = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert all(url.startswith(live_server.url) for url in urls)


def test_leaving_full_screen_shows_the_staff_pin_overlay(page, live_server, kiosk_world, artifacts):
    pair(page, live_server, kiosk_world.pairing_code)
    page.click("#start")  # the citizen's tap enters full screen
    page.wait_for_function("() => document.fullscreenElement !== null", timeout=SHORT)
    page.evaluate("document.exitFullscreen()")
    page.wait_for_selector("#overlay", state="visible", timeout=SHORT)
    shot(page, artifacts, "12-staff-pin")
    page.fill("#pin", "1111")
    page.click("#pin-form button[type=submit]")
    page.wait_for_selector("#pin-error", state="visible", timeout=SHORT)
    page.fill("#pin", kiosk_world.pin)
    page.click("#pin-form button[type=submit]")
    page.wait_for_selector("#staff-panel", state="visible", timeout=SHORT)
    shot(page, artifacts, "13-staff-panel")
    page.click("#staff-resume")
    page.wait_for_function("() => document.fullscreenElement !== null", timeout=SHORT)
    assert page.is_hidden("#overlay")
