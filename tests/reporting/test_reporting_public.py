"""The public results page: only what a manager published, aggregates only, never a comment or phone."""

from __future__ import annotations

import datetime as dt

from reporting_pages import csrf_token
from reporting_reference import kiosk_shares, read_raw, select_responses, wilson

from survey.web.database import session_scope

Q1 = (dt.date(2026, 1, 1), dt.date(2026, 4, 1))
RATINGS = ("kiosk", "qr_transaction", "qr_poster")


def _publish(client, unit: str, index: str, period: str = "2026-Q1", action: str = "publish"):
    """Publish (or withdraw) through the form, with its CSRF token."""
    return client.post("/analyst/publish", data={
        "unit": unit, "index": index, "period": period, "action": action,
        "csrf_token": csrf_token(client, "/analyst/targets")})


def test_published_index_with_interval_and_rank(rapp, world, login):
    """A manager publishes C01's kiosk rating; anyone sees its value, interval and rank."""
    assert _publish(login("manager"), "C01", "kiosk").status_code == 302
    response = rapp.test_client().get("/cong-khai/C01/2026-Q1")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    with session_scope(rapp) as session:
        raw = read_raw(session)
    x, n = kiosk_shares(raw, select_responses(raw, "kiosk", *Q1, world.units["P01"], RATINGS))[
        world.units["C01"]]
    p, low, high = wilson(x, n)
    number = lambda v: f"{100 * v:.1f}".replace(".", ",")
    assert f"{number(p)} ({number(low)}–{number(high)})" in page
    assert "1 / 2" in page and "Nhóm trung bình cao" in page
    assert 'data-index="sipas"' not in page  # not published


def test_public_page_never_shows_a_comment_or_phone(rapp, world, login):
    """Search the public pages of every unit for every stored comment and phone number."""
    manager = login("admin")
    for unit in ("C01", "C02", "C03", "P01"):
        for index in ("kiosk", "sipas"):
            assert _publish(manager, unit, index).status_code == 302
    anonymous = rapp.test_client()
    for unit in ("C01", "C02", "C03", "P01", "C01-Q1"):
        page = anonymous.get(f"/cong-khai/{unit}/2026-Q1").get_data(as_text=True)
        assert world.comments and world.phones
        for secret in world.comments + world.phones:
            assert secret not in page
        assert "Góp ý bí mật" not in page


def test_unreliable_cells_are_suppressed(rapp, login):
    """C03 has too few ratings: its published result shows no number and no rank."""
    _publish(login("admin"), "C03", "kiosk")
    page = rapp.test_client().get("/cong-khai/C03/2026-Q1").get_data(as_text=True)
    assert "chưa đủ số liệu tin cậy" in page
    row = page.split('data-index="kiosk"')[1].split("</tr>")[0]
    assert "%" not in row and "/ 2" not in row


def test_withdrawn_and_unknown(rapp, login):
    """A withdrawn result disappears; unknown units and periods are 404."""
    manager = login("manager")
    _publish(manager, "C01", "kiosk", "2026-03")
    anonymous = rapp.test_client()
    assert 'data-index="kiosk"' in anonymous.get("/cong-khai/C01/2026-03").get_data(as_text=True)
    _publish(manager, "C01", "kiosk", "2026-03", action="withdraw")
    page = anonymous.get("/cong-khai/C01/2026-03").get_data(as_text=True)
    assert "chưa công khai" in page and 'data-index="kiosk"' not in page
    assert anonymous.get("/cong-khai/NOPE/2026-Q1").status_code == 404
    assert anonymous.get("/cong-khai/C01/2026-Q9").status_code == 404


def test_managers_publish_only_their_units(login):
    """A manager cannot publish another unit's results; analysts cannot publish at all."""
    assert _publish(login("manager"), "C02", "kiosk").status_code == 404
    assert _publish(login("analyst"), "C01", "kiosk").status_code == 403
