"""Browser harness: the application served on 127.0.0.1 and one headless Debian Chromium per session.

Chromium is the Debian package (`/usr/bin/chromium`, installed by scripts/system-packages.sh), never a
browser downloaded by `playwright install`; its flags keep it off the network. Screenshots go to
tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from kiosk_steps import KIOSK_QUESTIONNAIRE
from werkzeug.serving import make_server

from survey.db import migrate
from survey.domain.loader import load_file
from survey.services import credentials, kiosks, organisation, questionnaires
from survey.web.app import create_app
from survey.web.database import session_scope

CHROMIUM = os.environ.get("HAILONG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def pytest_collection_modifyitems(items) -> None:
    """Mark every test of this folder as a browser test."""
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    """Launch one headless Chromium for the whole session."""
    if shutil.which(CHROMIUM) is None:
        pytest.skip(f"{CHROMIUM} is missing: run scripts/system-packages.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def artifacts() -> Path:
    """Return the folder that screenshots are saved to."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


class LiveServer:
    """The application served by a Werkzeug server thread on a free loopback port."""

    def __init__(self, app) -> None:
        self.app = app
        self.thread: threading.Thread | None = None
        self.server = None
        self.port = 0

    @property
    def url(self) -> str:
        """Return the base URL (localhost is a secure context, so service workers run)."""
        return f"http://localhost:{self.port}"

    def start(self) -> None:
        """Start serving, on the same port as before after a stop."""
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop serving: connections are refused until the next start."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture
def live_app(request, tmp_path):
    """Return an application on a fresh, migrated SQLite file; ``@pytest.mark.config(...)`` adds settings."""
    marker = request.node.get_closest_marker("config")
    application = create_app({
        "TESTING": True,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kiosk.db'}",
        "SECRET_KEY": "browser-test-secret",
        "SESSION_COOKIE_SECURE": False,
        "KIOSK_THANKS_SECONDS": 1.5,
        "KIOSK_POLL_SECONDS": 0.5,
        **(marker.kwargs if marker else {}),
    })
    migrate.upgrade(application.extensions["hailong.db"][0])
    yield application
    application.extensions["hailong.db"][0].dispose()


@pytest.fixture
def live_server(live_app):
    """Serve the application on 127.0.0.1 for the test's duration."""
    server = LiveServer(live_app)
    server.start()
    yield server
    if server.thread.is_alive():
        server.stop()


@pytest.fixture
def context(browser):
    """Return a fresh browser context (its own storage, service workers and offline switch)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """Return a page in a fresh context."""
    return context.new_page()


@dataclass(frozen=True)
class KioskWorld:
    """A centre with two counters, two services, the published kiosk questionnaire and one kiosk."""

    units: dict[str, int]
    kiosk_id: int
    pairing_code: str
    api_client: str
    pin: str = "2468"


@pytest.fixture
def kiosk_world(live_app) -> KioskWorld:
    """Create the units, services, an API key and a kiosk waiting to be paired."""
    with session_scope(live_app) as session:
        province = organisation.create_unit(session, code="P01", kind="province", name_vi="Tỉnh Thử",
                                            name_en="Test Province")
        commune = organisation.create_unit(session, code="C01", kind="commune", name_vi="Xã Hòa Bình",
                                           name_en="Hoa Binh Commune", parent_id=province.id)
        centre = organisation.create_unit(
            session, code="S01", kind="service_centre", name_vi="Bộ phận Một cửa xã Hòa Bình",
            name_en="Hoa Binh one-stop centre", parent_id=commune.id,
        )
        counters = [
            organisation.create_unit(session, code=f"K0{n}", kind="counter", name_vi=f"Quầy số {n}",
                                     name_en=f"Counter {n}", parent_id=centre.id)
            for n in (1, 2)
        ]
        organisation.create_service(session, code="1.000894", field="ho_tich", name_vi="Đăng ký khai sinh",
                                    name_en="Birth registration")
        organisation.create_service(session, code="2.000815", field="chung_thuc",
                                    name_vi="Chứng thực bản sao từ bản chính",
                                    name_en="Certified copy from the original")
        questionnaires.load(session, load_file(KIOSK_QUESTIONNAIRE))
        questionnaires.publish(session, "kiosk", "2026.1")
        code = kiosks.create(session, "Kiosk sảnh chính", centre.id, "2468")
        api_client = credentials.issue(session, "api_client", "Phần mềm một cửa", province.id).token
        units = {u.code: u.id for u in (province, commune, centre, *counters)}
        return KioskWorld(units, code.kiosk.id, code.code, api_client)
