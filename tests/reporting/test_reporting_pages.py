"""Analyst tables checked against values computed independently from the raw rows."""

from __future__ import annotations

import datetime as dt

import pytest
from reporting_pages import cells, rows
from reporting_reference import (
    Raw,
    kiosk_shares,
    read_raw,
    select_responses,
    sipas_estimates,
    wilson,
)
from scipy import stats

from survey.web.database import session_scope

Q1 = (dt.date(2026, 1, 1), dt.date(2026, 4, 1))
Q4 = (dt.date(2025, 10, 1), dt.date(2026, 1, 1))
ALL = ("kiosk", "qr_transaction", "qr_poster", "interview", "web")
RATINGS = ("kiosk", "qr_transaction", "qr_poster")


@pytest.fixture
def raw(rapp, world):
    """Return every stored row of the world."""
    with session_scope(rapp) as session:
        return read_raw(session)


def _check_kiosk(page: str, expected: dict, world) -> None:
    """Compare every kiosk cell of ``page`` with the closed-form Wilson values."""
    shown = cells(page, "kiosk")
    for key, (x, n) in expected.items():
        row = shown[str(key)]
        p, low, high = wilson(x, n)
        assert row["n"] == n
        if n < 30:
            assert row["value"] is None and row["text"] == "—"
            continue
        assert row["value"] == pytest.approx(100 * p, abs=1e-5)
        assert row["low"] == pytest.approx(100 * low, abs=1e-5)
        assert row["high"] == pytest.approx(100 * high, abs=1e-5)


def test_province_kiosk_table_matches_wilson(login, world, raw):
    """The province table: every commune's share satisfied, n and Wilson interval; C03 suppressed."""
    client = login("analyst")
    page = client.get("/analyst/?period=2026-Q1&unit=P01&index=kiosk").get_data(as_text=True)
    chosen = select_responses(raw, "kiosk", *Q1, world.units["P01"], ALL)
    expected = kiosk_shares(raw, chosen)
    _check_kiosk(page, expected, world)
    shown = cells(page, "kiosk")
    assert shown[str(world.units["C03"])]["text"] == "—"
    assert "Dữ liệu phi xác suất" in page and "Wilson" in page


@pytest.mark.parametrize("query, channels, flagged", [
    ("&channel=kiosk", ("kiosk",), True),
    ("&channel=qr_poster&channel=qr_transaction&flagged=exclude", ("qr_poster", "qr_transaction"), False),
])
def test_channel_and_flag_filters(login, world, raw, query, channels, flagged):
    """Choosing channels and leaving flagged ratings out changes exactly the rows counted."""
    client = login("analyst")
    page = client.get(f"/analyst/?period=2026-Q1&unit=P01{query}").get_data(as_text=True)
    chosen = select_responses(raw, "kiosk", *Q1, world.units["P01"], channels, flagged)
    expected = kiosk_shares(raw, chosen)
    _check_kiosk(page, expected, world)


def test_merged_predecessor_counts_before_its_merger(login, world, raw):
    """Ward C02 includes former commune X09's ratings from before 1 February 2026, not after."""
    client = login("analyst")
    page = client.get("/analyst/?period=2026-Q1&unit=C02").get_data(as_text=True)
    chosen = select_responses(raw, "kiosk", *Q1, world.units["C02"], ALL)
    assert any(response["unit_id"] == world.units["X09"] for response, _ in chosen)
    expected = kiosk_shares(raw, chosen)
    _check_kiosk(page, expected, world)
    assert cells(page, "kiosk")[str(world.units["C02"])]["n"] < expected["total"][1]


def test_counter_drills_down_to_services(login, world, raw):
    """At a counter the rows are services."""
    client = login("analyst")
    page = client.get("/analyst/?period=2026-Q1&unit=C01-Q1").get_data(as_text=True)
    chosen = select_responses(raw, "kiosk", *Q1, world.units["C01-Q1"], ALL)
    by_service = {}
    for response, _ in chosen:
        rating = raw.answers[response["id"]]["overall_rating"]["int"]
        x, n = by_service.get(response["service_id"], (0, 0))
        by_service[response["service_id"]] = (x + (rating >= 4), n + 1)
    assert set(by_service) == {world.services["KS"], world.services["CT"]}
    _check_kiosk(page, by_service, world)


def test_sipas_table_matches_the_engine(login, world, raw):
    """Every node of the SIPAS index, for the province and each commune, equals estimate_index."""
    client = login("analyst")
    page = client.get("/analyst/?period=2026-Q1&unit=P01&index=sipas").get_data(as_text=True)
    expected = sipas_estimates(raw, select_responses(raw, "sipas", *Q1, world.units["P01"], ALL))
    for node in ("sipas", "access", "procedures", "staff", "result", "feedback"):
        shown = cells(page, node)
        for key, result in expected.items():
            row = shown[str(key)]
            estimate = result.nodes[node]
            assert row["n"] == result.overall.n
            assert row["value"] == pytest.approx(estimate.estimate, abs=1e-5)
            assert row["low"] == pytest.approx(estimate.ci_low, abs=1e-5)
            assert row["high"] == pytest.approx(estimate.ci_high, abs=1e-5)
    assert "trọng số bằng nhau" in page and "70 / 130" in page
    assert "Dữ liệu phi xác suất" not in page  # interviews only, although kiosk channels are ticked


def test_weighted_interviews_use_the_survey_design(login, world, raw):
    """C01's interviews all carry weights, strata and PSUs: its SIPAS is design-based."""
    client = login("analyst")
    page = client.get("/analyst/?period=2026-Q1&unit=C01&index=sipas").get_data(as_text=True)
    chosen = select_responses(raw, "sipas", *Q1, world.units["C01"], ALL)
    assert chosen and all(response["id"] in raw.weights for response, _ in chosen)
    expected = sipas_estimates(raw, chosen)["total"]
    assert expected.overall.df == 4  # 6 PSUs in 2 strata
    for node in ("sipas", "access", "feedback"):
        row = cells(page, node)["total"]
        estimate = expected.nodes[node]
        assert row["value"] == pytest.approx(estimate.estimate, abs=1e-5)
        assert (row["low"], row["high"]) == pytest.approx((estimate.ci_low, estimate.ci_high), abs=1e-5)
    assert "trọng số cuối cùng" in page
    plain = Raw(**{**raw.__dict__, "weights": {}})
    unweighted = sipas_estimates(plain, chosen)["total"].overall
    assert abs(unweighted.estimate - expected.overall.estimate) > 0.05


def test_heatmap_cells_are_the_index_nodes(login, world, raw):
    """The heatmap shows each element of each commune, as the engine estimates it."""
    client = login("analyst")
    page = client.get("/analyst/heatmap?period=2026-Q1&unit=P01&index=sipas").get_data(as_text=True)
    expected = sipas_estimates(raw, select_responses(raw, "sipas", *Q1, world.units["P01"], ALL))
    values = [float(td.get("data-value")) for td in rows(page, "//table[contains(@class,'heatmap')]//td[@data-value]")]
    wanted = [expected[world.units[c]].nodes[node].estimate
              for node in ("access", "procedures", "staff", "result", "feedback") for c in ("C02", "C01")]
    assert values == pytest.approx(wanted, abs=1e-5)


def test_trend_change_is_a_two_sample_test(login, world, raw):
    """The Q4 -> Q1 change and its p-value equal the two-proportion z test on the raw counts."""
    client = login("analyst")
    page = client.get("/analyst/trends?period=2026-Q1&unit=C01&channel=kiosk&channel=qr_transaction"
                      "&channel=qr_poster").get_data(as_text=True)
    (x1, n1), (x2, n2) = (kiosk_shares(raw, select_responses(raw, "kiosk", *q, world.units["C01"],
                                                             RATINGS))["total"] for q in (Q4, Q1))
    p1, p2 = x1 / n1, x2 / n2
    z = (p2 - p1) / ((p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2) ** 0.5)
    row = rows(page, "//tr[@data-period='2026-Q1']/td[@data-change]")[0]
    assert float(row.get("data-change")) == pytest.approx(100 * (p2 - p1), abs=1e-5)
    assert float(row.get("data-p")) == pytest.approx(2 * stats.norm.sf(abs(z)), abs=1e-5)
    clear = rows(page, "//tr[@data-period='2026-Q1']/td[@data-clear]")[0].get("data-clear")
    assert clear == str(2 * stats.norm.sf(abs(z)) < 0.05)


def test_league_ranks_and_groups(login, world, raw):
    """Communes are ranked by share satisfied; the one below the reliability rule is not ranked."""
    client = login("analyst")
    page = client.get("/analyst/league?period=2026-Q1&unit=P01").get_data(as_text=True)
    expected = kiosk_shares(raw, select_responses(raw, "kiosk", *Q1, world.units["P01"], ALL))
    ranked = sorted((code for code in ("C01", "C02") if expected[world.units[code]][1] >= 30),
                    key=lambda c: -expected[world.units[c]][0] / expected[world.units[c]][1])
    shown = [tr.get("data-unit") for tr in rows(page, "//table[contains(@class,'league')]/tbody/tr")]
    assert shown == [*ranked, "C03"]
    groups = [tr.get("data-group") for tr in rows(page, "//table[contains(@class,'league')]/tbody/tr")]
    assert groups == ["high_average", "low_average", ""]
    assert "phần dư khi không chia hết cho 4" in page


def test_gap_compares_kiosk_and_household(login, world, raw):
    """Kiosk share satisfied next to the household share satisfied on the overall item."""
    client = login("analyst")
    page = client.get("/analyst/gap?period=2026-Q1&unit=P01").get_data(as_text=True)
    kiosk = kiosk_shares(raw, select_responses(raw, "kiosk", *Q1, world.units["P01"], RATINGS))
    household = select_responses(raw, "sipas", *Q1, world.units["P01"], ("interview",))
    scores = [raw.answers[r["id"]]["overall_satisfaction"]["score"] for r, child in household
              if child == world.units["C02"] and "overall_satisfaction" in raw.answers[r["id"]]]
    x, n = kiosk[world.units["C02"]]
    row = rows(page, "//tr[@data-unit='C02']")[0].text_content()
    assert f"{100 * x / n:.1f}".replace(".", ",") in row
    assert f"{100 * sum(scores) / len(scores):.1f}".replace(".", ",") in row


@pytest.mark.parametrize("user, path, status", [
    ("analyst2", "/analyst/?unit=P01", 404),
    ("analyst2", "/analyst/league?unit=C01", 404),
    ("analyst2", "/analyst/chart/table.png?unit=C01", 404),
    ("analyst2", "/analyst/report.xlsx?unit=P01", 404),
    ("enum", "/analyst/", 403),
])
def test_scope_and_roles(login, user, path, status):
    """Staff see only their own subtree; roles without analysis get 403."""
    assert login(user).get(path).status_code == status


def test_default_unit_is_the_users_scope(login, world):
    """An analyst of a ward starts at the ward."""
    page = login("analyst2").get("/analyst/?period=2026-Q1").get_data(as_text=True)
    assert str(world.units["C02"]) in {tr.get("data-key") for tr in rows(page, "//tr[@data-key]")}
    assert "Tỉnh Thử Nghiệm" not in page


def test_anonymous_visitors_go_to_the_login_page(rclient):
    """The analyst pages need a login."""
    response = rclient.get("/analyst/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_coverage_is_ratings_over_transactions(login, world, raw):
    """The province's coverage counts every counted kiosk/QR rating and every transaction."""
    page = login("analyst").get("/analyst/?period=2026-Q1&unit=P01").get_data(as_text=True)
    ratings = len(select_responses(raw, "kiosk", *Q1, world.units["P01"], RATINGS))
    total_row = rows(page, "//tr[@data-key='total']")[0].text_content()
    assert f"({ratings} / {3 * 90 * 7})" in total_row


def test_custom_range_and_bad_period(login, world, raw):
    """A custom date range is inclusive of its last day; a bad period falls back with a message."""
    client = login("analyst")
    page = client.get("/analyst/?period=2026-01-01..2026-01-31&unit=P01").get_data(as_text=True)
    chosen = select_responses(raw, "kiosk", dt.date(2026, 1, 1), dt.date(2026, 2, 1),
                              world.units["P01"], ALL)
    assert cells(page, "kiosk")["total"]["n"] == len(chosen)
    page = client.get("/analyst/?period=2026-Q7").get_data(as_text=True)
    assert "Kỳ báo cáo không hợp lệ" in page


def test_coverage_per_row_equals_the_volumes_service(rapp, login, world):
    """Each commune's ratings and transactions equal survey.services.volumes.coverage on its subtree."""
    from survey.services.units import subtree_ids
    from survey.services.volumes import coverage

    page = login("analyst").get("/analyst/?period=2026-Q1&unit=P01").get_data(as_text=True)
    with session_scope(rapp) as session:
        for code in ("C01", "C03"):
            expected = coverage(session, subtree_ids(session, world.units[code]), *Q1)
            row = rows(page, f"//tr[@data-key='{world.units[code]}']")[0].text_content()
            assert f"({expected.ratings} / {expected.transactions})" in row


def test_rows_at_a_unit_level(login, world, raw):
    """Grouping a province by counters gives one row per counter, as counted from the raw rows."""
    client = login("analyst")
    page = client.get("/analyst/?period=2026-Q1&unit=P01&level=counter").get_data(as_text=True)
    chosen = select_responses(raw, "kiosk", *Q1, world.units["P01"], ALL)
    counters = {world.units[f"{c}-Q{q}"] for c in ("C01", "C02", "C03") for q in (1, 2)}
    by_counter = {}
    for response, _ in chosen:
        if response["unit_id"] in counters:
            rating = raw.answers[response["id"]]["overall_rating"]["int"]
            x, n = by_counter.get(response["unit_id"], (0, 0))
            by_counter[response["unit_id"]] = (x + (rating >= 4), n + 1)
    assert len(by_counter) == 6
    _check_kiosk(page, by_counter, world)
    assert "Quầy 1 · Trung tâm Xã An Bình" in page
    league_page = client.get("/analyst/league?period=2026-Q1&unit=P01&level=counter").get_data(as_text=True)
    ranked = [tr.get("data-unit") for tr in rows(league_page, "//table[contains(@class,'league')]/tbody/tr")
              if tr.get("data-group")]
    expected = sorted((code for code, unit in world.units.items() if unit in by_counter
                       and by_counter[unit][1] >= 30),
                      key=lambda code: -by_counter[world.units[code]][0] / by_counter[world.units[code]][1])
    assert ranked == expected and len(ranked) == 4


def test_units_of_the_period_shown(rapp, login, world):
    """A commune abolished at the end of 2025 is a row in 2025-Q4 but not in 2026-Q1."""
    from survey.db.organisation import Unit

    with session_scope(rapp) as session:
        session.add(Unit(code="C99", kind="commune", name_vi="Xã Đã Giải Thể", parent_id=world.units["P01"],
                         valid_to=dt.date(2025, 12, 31)))
    client = login("analyst")
    assert "Xã Đã Giải Thể" in client.get("/analyst/?period=2025-Q4&unit=P01").get_data(as_text=True)
    for path in ("/analyst/?period=2026-Q1&unit=P01", "/analyst/league?period=2026-Q1&unit=P01"):
        assert "Xã Đã Giải Thể" not in client.get(path).get_data(as_text=True)
