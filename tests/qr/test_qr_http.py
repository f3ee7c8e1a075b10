"""QR links over HTTP: the integration API, the citizen's page and its refusals, the staff pages."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET

import pytest
from PIL import Image
from qr_world import NOW, PASSWORD, kiosk_payload
from test_qr_links import issue, row_counts

from survey.services import credentials, qrlinks
from survey.web.database import session_scope

API = "/api/v1/qr-links"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def bearer(token: str) -> dict:
    """Return the Authorization header of a bearer token."""
    return {"Authorization": f"Bearer {token}"}


def ask(client, token: str, **body):
    """Ask the API for a link; the defaults are transaction T-9 at counter K01."""
    request = {"unit": "K01", "transaction_ref": "T-9", "service": "1.000894"}
    request.update(body)
    return client.post(API, json={k: v for k, v in request.items() if v is not None}, headers=bearer(token))


def decode_qr(png: bytes) -> str:
    """Read the QR code of an image back with ZXing (zxing-cpp from PyPI)."""
    import zxingcpp

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(found) == 1
    return found[0].text


def test_the_api_returns_url_png_and_svg_for_a_receipt(client, world):
    before = row_counts(client.application)
    response = ask(client, world.api_client)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert re.fullmatch(r"https://hailong\.example\.vn/r/[A-Z2-7]+", body["url"])
    assert body["token"] == body["url"].rsplit("/", 1)[1]
    issued, expires = (dt.datetime.fromisoformat(body[k]) for k in ("issued_at", "expires_at"))
    assert expires - issued == dt.timedelta(days=14)
    qr = body["qr"]
    assert qr["content"] == body["url"].upper()
    png = base64.b64decode(qr["png_base64"])
    image = Image.open(io.BytesIO(png))
    assert image.width == image.height <= 384  # 48 mm at 203 dpi: a 58 mm receipt
    assert image.width >= 384 - (qr["modules"] + 8) + 1  # the widest whole number of dots per module
    assert round(image.info["dpi"][0]) == 203
    assert decode_qr(png) == qr["content"]
    svg = ET.fromstring(qr["svg"])
    assert svg.get("width") == svg.get("height") and svg.get("width").endswith("mm")
    assert abs(float(svg.get("width")[:-2]) - qr["width_mm"]) < 1.5
    assert qr["modules"] == 37  # version 5: the alphanumeric URL fits
    after = row_counts(client.application)  # issuing writes nothing but the key's rate-limit count
    assert {**after, "rate_limit_counters": 0} == {**before, "rate_limit_counters": 0}


def test_the_api_refuses_bad_requests_with_json_errors(client, world):
    assert client.post(API, json={"unit": "K01"}).status_code == 401
    assert ask(client, "hla_not-a-key").status_code == 401
    with session_scope(client.application) as session:
        kiosk = credentials.issue(session, "kiosk_device", "Kiosk", world.units["S01"]).token
        revoked = credentials.issue(session, "api_client", "Cũ", world.units["C01"])
        credentials.revoke(session, revoked.credential.id)
    assert ask(client, kiosk).status_code == 401
    assert ask(client, revoked.token).status_code == 401
    cases = [
        ({"unit": "K01", "extra": 1}, 400, "unknown_field"),
        ({"transaction_ref": " T"}, 400, "invalid_field"),
        ({"questionnaire": "papi"}, 400, "invalid_field"),
        ({"service": "9.999"}, 422, "unknown_service"),
        ({"unit": "NOPE"}, 422, "unknown_unit"),
    ]
    for body, status, code in cases:
        response = ask(client, world.api_client, **body)
        assert (response.status_code, response.get_json()["error"]["code"]) == (status, code), body
        assert response.get_json()["error"]["message"]["vi"]
    # A key of another ward may not ask for links of this commune's counters.
    response = ask(client, world.api_client_other)
    assert (response.status_code, response.get_json()["error"]["code"]) == (422, "unknown_unit")
    response = client.post(API, data="not json", headers=bearer(world.api_client), content_type="application/json")
    assert response.get_json()["error"]["code"] == "malformed_json"


def test_a_receipt_link_from_the_api_to_the_citizen_and_back(client, world):
    body = ask(client, world.api_client, transaction_ref="T-1").get_json()
    path = "/r/" + body["token"]
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Đánh giá nhanh mức độ hài lòng" in html and "Quầy 1" in html and "Đăng ký khai sinh" in html
    assert page.headers["Cache-Control"] == "no-store"
    assert client.get("/R/" + body["token"]).status_code == 200  # the upper-case URL of the QR code
    assert "Quick satisfaction rating" in client.get(path + "?lang=en").get_data(as_text=True)
    submitted = kiosk_payload(submitted_at=dt.datetime.now(dt.UTC).isoformat(), started_at=None)
    response = client.post("/api/v1/responses", json=submitted, headers=bearer(body["token"]))
    assert response.status_code == 201, response.get_json()
    again = client.post("/api/v1/responses", json=kiosk_payload(), headers=bearer(body["token"]))
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "qr_link_used")
    used = client.get(path)
    assert used.status_code == 409 and 'data-refusal="used"' in used.get_data(as_text=True)


@pytest.mark.parametrize(("make", "status", "refusal"), [
    (lambda app: issue(app)[:-3] + "AAA", 400, "tampered"),
    (lambda app: "not-a-token", 400, "tampered"),
    (lambda app: issue(app, when=dt.datetime.now(dt.UTC) - dt.timedelta(days=15)), 410, "expired"),
    (lambda app: _foreign_key_token(app), 410, "unknown_key"),
])
def test_refusal_pages(client, world, make, status, refusal):
    before = row_counts(client.application)
    response = client.get("/r/" + make(client.application))
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert f'data-refusal="{refusal}"' in html and 'lang="vi"' in html
    english = client.get("/r/" + make(client.application) + "?lang=en").get_data(as_text=True)
    assert "Nothing has been stored" in english
    assert row_counts(client.application) == before


def test_posters_are_rate_limited_per_client_address(client, world):
    ring = client.application.extensions["hailong.qr"][0]
    settings = qrlinks.LinkSettings(poster_limit=2)
    client.application.extensions["hailong.qr"] = (ring, settings)
    with session_scope(client.application) as session:
        token = qrlinks.issue_poster_link(session, ring, settings, unit_id=world.units["K01"], now=NOW).token

    def rate(address: str, minutes: int):
        body = kiosk_payload(link_kind="poster", transaction_ref=None, service=None, started_at=None,
                             submitted_at=(NOW - dt.timedelta(minutes=minutes)).isoformat())
        return client.post("/api/v1/responses", json=body, headers=bearer(token),
                           environ_base={"REMOTE_ADDR": address})

    assert rate("10.0.0.1", 50).status_code == 201
    assert rate("10.0.0.1", 40).status_code == 201
    limited = rate("10.0.0.1", 30)
    assert (limited.status_code, limited.get_json()["error"]["code"]) == (429, "qr_rate_limited")
    assert 0 < int(limited.headers["Retry-After"]) <= 3600
    assert rate("10.0.0.2", 20).status_code == 201
    assert row_counts(client.application)["responses"] == 3


def log_in(client, username: str) -> None:
    """Log in through the real form."""
    token = CSRF.search(client.get("/auth/login").get_data(as_text=True)).group(1)
    response = client.post("/auth/login", data={"csrf_token": token, "username": username, "password": PASSWORD})
    assert response.status_code == 302


def test_staff_page_makes_a_link_for_a_transaction(client, world):
    assert client.get("/qr/links").status_code == 302  # to the login page
    log_in(client, "analyst")
    assert client.get("/qr/links").status_code == 403
    client.post("/auth/logout", data={"csrf_token": CSRF.search(client.get("/").get_data(as_text=True)).group(1)})
    log_in(client, "clerk")
    form = client.get("/qr/links").get_data(as_text=True)
    assert "K01" in form and "C02" not in form  # only units within the clerk's commune
    data = {"csrf_token": CSRF.search(form).group(1), "unit": "K01", "service": "1.000894",
            "transaction_ref": "T-77", "questionnaire": "sipas"}
    before = row_counts(client.application)
    response = client.post("/qr/links", data=data)
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    url = re.search(r"https://hailong\.example\.vn/r/[A-Z2-7]+", html).group(0)
    png = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', html).group(1))
    assert decode_qr(png) == url.upper()
    assert row_counts(client.application) == before
    assert "Phần 1" in client.get(url.split(".vn", 1)[1]).get_data(as_text=True)  # the full sipas form
    refused = client.post("/qr/links", data=dict(data, unit="C02"))
    assert refused.status_code == 200 and "T-77" in refused.get_data(as_text=True)
    assert client.post("/qr/links", data=dict(data, csrf_token="x")).status_code == 400


def _foreign_key_token(app) -> str:
    """Return a link signed with a key this server does not have."""
    from test_qr_links import keyring

    return issue(app, ring=keyring("old", {"old": "a-key-nobody-has-0123456789"}),
                 when=dt.datetime.now(dt.UTC))


def test_a_genuine_link_whose_form_is_not_published_gets_a_friendly_page(client):
    from survey.db.organisation import Unit

    with session_scope(client.application) as session:
        session.add(Unit(code="K09", kind="counter", name_vi="Quầy 9"))
        session.flush()
        ring, settings = client.application.extensions["hailong.qr"]
        path = qrlinks.issue_transaction_link(
            session, ring, settings, unit_code="K09", transaction_ref="T-9", now=dt.datetime.now(dt.UTC),
        ).path
    response = client.get(path)
    assert response.status_code == 503
    assert "Phiếu đánh giá chưa sẵn sàng" in response.get_data(as_text=True)
