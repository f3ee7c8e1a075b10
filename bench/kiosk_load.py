"""First-load bytes and time to interactive of the kiosk page on loopback, in headless Chromium.

Run by hand (not a test)::

    .venv/bin/python bench/kiosk_load.py [--runs 7]

The script prepares a fresh SQLite database (migrated, the kiosk questionnaire published, one service
centre, two services), serves the application with werkzeug's threaded server on 127.0.0.1 behind a
WSGI middleware that counts every byte sent (status line, headers, body), and launches the Debian
Chromium (``/usr/bin/chromium``) headless and off the network. Each run uses a fresh browser context
(empty HTTP cache, no service worker) and a new kiosk with its own pairing code:

- cold: open ``/kiosk/?pair=CODE``; time to interactive is the ``kiosk-interactive`` performance mark
  (the first screen that takes input) after navigation start;
- first-load bytes: everything the server sent until the kiosk is paired, configured and idle on its
  welcome screen, the service worker's precache included;
- warm: reload once the service worker controls the page; time to the welcome screen, served from the
  service worker's cache, configuration fetched from the server.

It prints a Markdown table of medians and maxima.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from survey.db import migrate
from survey.domain.loader import load_file
from survey.services import kiosks, organisation, questionnaires
from survey.web.app import create_app
from survey.web.database import session_scope

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic",
]
INTERACTIVE = "performance.getEntriesByName('kiosk-interactive')[0].startTime"


class TransferCounter:
    """WSGI middleware adding up the bytes of every response: status line, headers and body."""

    def __init__(self, app) -> None:
        self.app = app
        self.total = 0

    def __call__(self, environ, start_response):
        """Serve the request and count what goes back to the client."""

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


def prepare(folder: Path):
    """Return an application on a migrated SQLite database with a centre and the kiosk form."""
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'bench.db'}", "SECRET_KEY": "bench",
                      "SESSION_COOKIE_SECURE": False})
    migrate.upgrade(app.extensions["hailong.db"][0])
    with session_scope(app) as session:
        province = organisation.create_unit(session, code="P01", kind="province", name_vi="Tỉnh Thử")
        commune = organisation.create_unit(session, code="C01", kind="commune", name_vi="Xã Hòa Bình",
                                           parent_id=province.id)
        centre = organisation.create_unit(session, code="S01", kind="service_centre", parent_id=commune.id,
                                          name_vi="Bộ phận Một cửa xã Hòa Bình", name_en="Hoa Binh centre")
        organisation.create_service(session, code="1.000894", field="ho_tich", name_vi="Đăng ký khai sinh",
                                    name_en="Birth registration")
        organisation.create_service(session, code="2.000815", field="chung_thuc",
                                    name_vi="Chứng thực bản sao từ bản chính", name_en="Certified copy")
        questionnaires.load(session, load_file(ROOT / "questionnaires" / "kiosk" / "2026.1.yaml"))
        questionnaires.publish(session, "kiosk", "2026.1")
        app.config["BENCH_UNIT"] = centre.id
    return app


def new_code(app) -> str:
    """Create a kiosk and return its pairing code."""
    with session_scope(app) as session:
        return kiosks.create(session, "Bench kiosk", app.config["BENCH_UNIT"], "2468").code


def one_run(browser, app, counter: TransferCounter, url: str) -> dict[str, float]:
    """Measure one cold load with pairing, then one warm reload, in a fresh context."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        code = new_code(app)
        counter.total = 0
        page.goto(f"{url}/kiosk/?pair={code}")
        page.wait_for_function("() => performance.getEntriesByName('kiosk-interactive').length > 0")
        cold = page.evaluate(INTERACTIVE)
        page.click("#pair-form button[type=submit]")
        page.wait_for_selector("#screen-welcome", state="visible")
        page.evaluate("navigator.serviceWorker.ready")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        first_bytes = counter.total
        page.reload()
        page.wait_for_selector("#screen-welcome", state="visible")
        if not page.evaluate("Boolean(navigator.serviceWorker.controller)"):
            page.reload()
            page.wait_for_selector("#screen-welcome", state="visible")
        page.reload()
        page.wait_for_selector("#screen-welcome", state="visible")
        warm = page.evaluate(INTERACTIVE)
        return {"cold_ms": cold, "warm_ms": warm, "bytes": first_bytes}
    finally:
        context.close()


def main() -> None:
    """Run the measurements and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = prepare(Path(folder))
        counter = TransferCounter(app.wsgi_app)
        app.wsgi_app = counter
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://localhost:{server.server_port}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            one_run(browser, app, counter, url)  # warm-up: imports, template compilation
            runs = [one_run(browser, app, counter, url) for _ in range(args.runs)]
            version = browser.version
            browser.close()
        server.shutdown()
        app.extensions["hailong.db"][0].dispose()
    print(f"Chromium {version} headless, {platform.processor() or platform.machine()}, "
          f"{args.runs} runs after one warm-up\n")
    print("| measure | median | max |\n|---|---|---|")
    for key, label in (("bytes", "first load incl. pairing, config, SW precache (bytes)"),
                       ("cold_ms", "time to interactive, cold (ms)"),
                       ("warm_ms", "time to interactive, warm from the SW cache (ms)")):
        values = [run[key] for run in runs]
        print(f"| {label} | {statistics.median(values):,.0f} | {max(values):,.0f} |")


if __name__ == "__main__":
    main()
