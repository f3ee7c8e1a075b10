"""The analyst's journey in Chromium: filter, drill down, switch index, league, target, PDF download."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from reporting.reporting_world import PASSWORD, build

from survey.web.database import session_scope


@pytest.fixture
def reporting_world(live_app):
    """Build the reporting tests' province in the live application's database."""
    with session_scope(live_app) as session:
        return build(session)


def _log_in(page, base: str, username: str) -> None:
    """Log in through the form."""
    page.goto(f"{base}/auth/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")


def test_analyst_journey(page, live_server, reporting_world, artifacts):
    """Filter a quarter, drill into a commune, switch to SIPAS, read the league, download the PDF."""
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    base = live_server.url
    _log_in(page, base, "analyst")
    page.goto(f"{base}/analyst/")
    page.fill("input[name=period]", "2026-Q1")
    page.click("form.filters button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Tỷ lệ hài lòng tại quầy")
    expect(page.locator("tr.total")).to_contain_text("Tỉnh Thử Nghiệm")
    expect(page.locator("img[alt^='Biểu đồ thanh']")).to_have_js_property("complete", True)
    assert page.locator("img[alt^='Biểu đồ thanh']").evaluate("img => img.naturalWidth") > 300
    page.screenshot(path=str(artifacts / "analyst-province.png"), full_page=True)

    page.click("table.results a:text('Xã An Bình')")
    expect(page.locator("nav.breadcrumb strong")).to_have_text("Xã An Bình")
    expect(page.locator("tr.total")).to_contain_text("Xã An Bình")

    page.select_option("select[name=index]", "sipas")
    page.click("form.filters button[type=submit]")
    expect(page.locator("h1")).to_contain_text("SIPAS")
    expect(page.locator("section.notes")).to_contain_text("trọng số cuối cùng")

    page.click("nav.breadcrumb a:text('Tỉnh Thử Nghiệm')")
    page.click("nav.analyst-tabs a:has-text('Xếp hạng')")
    expect(page.locator("table.league tbody tr").first).to_have_attribute("data-unit", "C01")
    expect(page.locator("p.rule")).to_contain_text("tứ phân vị")
    page.screenshot(path=str(artifacts / "analyst-league.png"), full_page=True)

    with page.expect_download() as download:
        page.click("a:text('Báo cáo PDF')")
    path = download.value.path()
    assert Path(path).read_bytes()[:4] == b"%PDF"
    assert re.fullmatch(r"bao-cao-P01-2026-Q1-sipas\.pdf", download.value.suggested_filename)
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e]


def test_manager_sets_a_target_and_sees_the_verdict(page, live_server, reporting_world):
    """A unit manager sets '≥ 85 %' for the commune and the targets page judges it."""
    base = live_server.url
    _log_in(page, base, "manager")
    page.goto(f"{base}/analyst/targets?period=2026-Q1")
    form = page.locator("form.target-form")
    form.locator("select[name=unit]").select_option("C01")
    form.locator("select[name=index]").select_option("kiosk")
    form.locator("input[name=period]").fill("2026-Q1")
    form.locator("input[name=target]").fill("≥ 85 %")
    form.locator("button[type=submit]").click()
    expect(page.locator("p.flash")).to_contain_text("Đã lưu chỉ tiêu")
    row = page.locator("table.targets tbody tr").first
    expect(row).to_contain_text("≥ 85")
    expect(row.locator("td[data-status]")).to_have_attribute("data-status", re.compile("met|unclear"))
