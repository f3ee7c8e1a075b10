"""The analyst pages follow the interface language: Vietnamese by default, English with ?lang=en."""

from __future__ import annotations

import pytest

PAGES = ["/analyst/", "/analyst/trends", "/analyst/league", "/analyst/heatmap", "/analyst/gap",
         "/analyst/targets"]
QUERY = "period=2026-Q1&unit=P01"
# (Vietnamese, English) of text every analyst page prints: tabs, filter labels, downloads.
EVERY_PAGE = [("Xu hướng", "Trends"), ("Lượt bị gắn cờ", "Flagged ratings"), ("Báo cáo PDF", "PDF report"),
              ("Kỳ: tháng 2026-03", "Period: month 2026-03")]


@pytest.mark.parametrize("path", PAGES)
def test_vietnamese_by_default_and_english_on_request(login, world, path):
    client = login("analyst")
    vietnamese = client.get(f"{path}?{QUERY}").get_data(as_text=True)
    english = client.get(f"{path}?{QUERY}&lang=en").get_data(as_text=True)
    for vi, en in EVERY_PAGE:
        assert vi in vietnamese and en not in vietnamese
        assert en in english and vi not in english
    # No page writes both languages side by side any more.
    assert 'lang="en"' not in vietnamese.split("<main", 1)[-1]
    # The choice is remembered until changed back.
    assert "Trends" in client.get(f"{path}?{QUERY}").get_data(as_text=True)
    assert "Xu hướng" in client.get(f"{path}?{QUERY}&lang=vi").get_data(as_text=True)


def test_page_specific_text_is_translated(login, world):
    client = login("analyst")
    league = client.get(f"/analyst/league?{QUERY}&index=kiosk").get_data(as_text=True)
    assert "Bảng xếp hạng" in league and "Kết luận" in league
    league_en = client.get(f"/analyst/league?{QUERY}&index=kiosk&lang=en").get_data(as_text=True)
    assert "League table" in league_en and "Verdict" in league_en and "Quý 1/2026" not in league_en
    trends_en = client.get(f"/analyst/trends?{QUERY}&lang=en").get_data(as_text=True)
    assert "Statistically clear?" in trends_en and "Change from the period before (CI 95 %)" in trends_en
    manager = login("manager")
    targets = manager.get("/analyst/targets?period=2026-Q1&unit=C01&lang=vi").get_data(as_text=True)
    assert "Đặt chỉ tiêu" in targets and "≥ 85 % hoặc top 10" in targets
    targets_en = manager.get("/analyst/targets?period=2026-Q1&unit=C01&lang=en").get_data(as_text=True)
    assert "Set a target" in targets_en and "≥ 85 % or top 10" in targets_en
