"""Targets: set by unit managers within their scope (CSRF), judged against the confidence interval."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from reporting_pages import csrf_token, rows
from reporting_reference import kiosk_shares, read_raw, select_responses, wilson

from analysis.estimate import Estimate
from analysis.ranking import rank_groups
from survey.db.targets import Target
from survey.services.reporting.cells import Cell
from survey.services.reporting.targets import TargetError, parse, verdict
from survey.web.database import session_scope

Q1 = (dt.date(2026, 1, 1), dt.date(2026, 4, 1))
RATINGS = ("kiosk", "qr_transaction", "qr_poster")


def _post(client, data: dict, path: str = "/analyst/targets/set"):
    """Post a form with a valid CSRF token."""
    return client.post(path, data={**data, "csrf_token": csrf_token(client, "/analyst/targets")})


def _shares(rapp, world, unit: str):
    """Return (x, n) of the unit's kiosk and QR ratings in 2026-Q1."""
    with session_scope(rapp) as session:
        raw = read_raw(session)
    return kiosk_shares(raw, select_responses(raw, "kiosk", *Q1, world.units["P01"], RATINGS))[
        world.units[unit]]


def _status(page: str, code: str) -> str:
    """Return the verdict status printed in the league row of ``code``."""
    return rows(page, f"//tr[@data-unit='{code}']/td[@data-status]")[0].get("data-status")


def test_manager_sets_a_value_target_judged_on_the_interval(rapp, world, login):
    """C01's manager sets '≥ 85 %'; the league judges it as the Wilson interval says."""
    client = login("manager")
    assert _post(client, {"unit": "C01", "index": "kiosk", "period": "2026-Q1",
                          "target": "≥ 85 %"}).status_code == 302
    x, n = _shares(rapp, world, "C01")
    _, low, high = wilson(x, n)
    expected = "met" if low >= 0.85 else "not_met" if high < 0.85 else "unclear"
    admin = login("admin")
    page = admin.get("/analyst/league?period=2026-Q1&unit=P01&channel=kiosk&channel=qr_transaction"
                     "&channel=qr_poster").get_data(as_text=True)
    assert _status(page, "C01") == expected
    targets_page = admin.get("/analyst/targets?period=2026-Q1").get_data(as_text=True)
    assert "≥ 85" in targets_page and f'data-status="{expected}"' in targets_page


def test_rank_target_for_the_year_applies_to_its_quarters(rapp, world, login):
    """A yearly 'top 1' for C02 is judged in Q1 against the cut between ranks 1 and 2."""
    client = login("admin")
    assert _post(client, {"unit": "C02", "index": "kiosk", "period": "2026",
                          "target": "top 1"}).status_code == 302
    (x1, n1), (x2, n2) = _shares(rapp, world, "C01"), _shares(rapp, world, "C02")
    cut = (x1 / n1 + x2 / n2) / 2
    _, low, high = wilson(x2, n2)
    expected = "met" if low > cut else "not_met" if high < cut else "unclear"
    page = client.get("/analyst/league?period=2026-Q1&unit=P01&channel=kiosk&channel=qr_transaction"
                      "&channel=qr_poster").get_data(as_text=True)
    assert _status(page, "C02") == expected


@pytest.mark.parametrize("user, unit, status", [
    ("manager", "C02", 404),  # outside the manager's subtree
    ("analyst", "C01", 403),  # analysts read, managers set
])
def test_only_managers_set_targets_in_their_scope(login, user, unit, status):
    """Targets outside the scope are refused; analysts cannot set them."""
    client = login(user)
    response = _post(client, {"unit": unit, "index": "kiosk", "period": "2026-Q1", "target": "80"})
    assert response.status_code == status


def test_a_target_form_without_csrf_token_is_refused(login):
    """The forms are CSRF-protected."""
    response = login("manager").post("/analyst/targets/set", data={
        "unit": "C01", "index": "kiosk", "period": "2026-Q1", "target": "80"})
    assert response.status_code == 400


def test_an_unreadable_target_is_explained_and_not_stored(rapp, login):
    """A target that cannot be read comes back with a message and nothing is stored."""
    client = login("manager")
    response = _post(client, {"unit": "C01", "index": "kiosk", "period": "2026-Q2",
                              "target": "rất cao"})
    assert response.status_code == 302
    assert "Không đọc được chỉ tiêu" in client.get("/analyst/targets").get_data(as_text=True)
    with session_scope(rapp) as session:
        assert session.query(Target).filter_by(period="2026-Q2").count() == 0


def test_deleting_a_target(rapp, world, login):
    """A manager deletes a target of their unit; another unit's target is out of reach."""
    client = login("manager")
    _post(client, {"unit": "C01", "index": "sipas", "period": "2026-H1", "target": "≥ 60"})
    with session_scope(rapp) as session:
        mine = session.query(Target).filter_by(period="2026-H1", unit_id=world.units["C01"]).one().id
        other = Target(index_code="sipas", unit_id=world.units["C02"], period="2026-H1", kind="value",
                       operator=">=", threshold=60.0)
        session.add(other)
        session.flush()
        other_id = other.id
    token = csrf_token(client, "/analyst/targets")
    assert client.post(f"/analyst/targets/{other_id}/delete",
                       data={"csrf_token": token}).status_code == 404
    assert client.post(f"/analyst/targets/{mine}/delete", data={"csrf_token": token}).status_code == 302
    with session_scope(rapp) as session:
        assert session.get(Target, mine) is None and session.get(Target, other_id) is not None


def _estimate(p: float, low: float, high: float, n: int = 500) -> Estimate:
    return Estimate("proportion", "x", None, p, 0.01, low, high, math.inf, n, float(n), 1.0,
                    method="wilson")


@pytest.mark.parametrize("low, high, expected", [
    (0.86, 0.90, "met"), (0.80, 0.84, "not_met"), (0.83, 0.88, "unclear")])
def test_value_verdicts(low, high, expected):
    """'≥ 85' on a share: met only when the whole interval is at or above 0.85."""
    target = Target(kind="value", operator=">=", threshold=85.0)
    assert verdict(target, Cell(_estimate((low + high) / 2, low, high), 100.0)).status == expected


def test_rank_verdict_uses_the_cut_between_places():
    """'top 1': clear when the interval lies beyond the midpoint between ranks 1 and 2."""
    units = [("A", _estimate(0.9, 0.88, 0.92)), ("B", _estimate(0.8, 0.78, 0.82)),
             ("C", _estimate(0.84, 0.80, 0.88))]
    ranking = rank_groups(units)
    target = Target(kind="rank", rank_limit=1)
    assert verdict(target, Cell(units[0][1], 100.0), ranking, "A").status == "met"
    assert verdict(target, Cell(units[1][1], 100.0), ranking, "B").status == "not_met"
    target_two = Target(kind="rank", rank_limit=2)
    assert verdict(target_two, Cell(units[2][1], 100.0), ranking, "C").status == "unclear"


def test_suppressed_estimates_are_never_judged():
    """A cell hidden by the reliability rule leaves every target unclear."""
    small = Estimate("proportion", "x", None, 1.0, 0.0, 0.8, 1.0, math.inf, 12, 12.0, 1.0,
                     method="wilson", flags=("n_eff<30",))
    assert verdict(Target(kind="value", operator=">=", threshold=50.0), Cell(small, 100.0)).status == \
        "unclear"


@pytest.mark.parametrize("text, kind, value", [
    ("≥ 85 %", "value", 85.0), (">= 85,5", "value", 85.5), ("85", "value", 85.0),
    ("top 10", "rank", 10), ("Tốp 3", "rank", 3)])
def test_parse_targets(text, kind, value):
    """Targets are written as a value or a rank."""
    parsed = parse(text)
    assert parsed["kind"] == kind
    assert (parsed["threshold"] if kind == "value" else parsed["rank_limit"]) == value


def test_parse_refuses_nonsense():
    """Unreadable targets raise a bilingual error."""
    with pytest.raises(TargetError, match="cannot read the target"):
        parse("cao")
