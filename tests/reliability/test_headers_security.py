"""Security headers on every kind of response, the session cookie's flags, HSTS, and no inline script.

The responses cover HTML pages, JSON, static files, error pages (404, 400 CSRF, 405 API, 500), a PDF
and an XLSX download, and the 429 of a locked login. The crawl renders every GET page as the
administrator and checks that no page relies on inline script, which the policy would block.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from access_world import BASE, app_config, copy_app, csrf_token, log_in, url_values, world_file  # noqa: F401
from flask import url_for

from survey.web.app import create_app

REQUIRED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def _directives(policy: str) -> dict[str, list[str]]:
    """Split a Content-Security-Policy into its directives."""
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def assert_secure_headers(response) -> None:
    """Check the headers every response must carry."""
    for name, value in REQUIRED.items():
        assert response.headers.get(name) == value, (response.request.path, name)
    csp = _directives(response.headers["Content-Security-Policy"])
    script = csp.get("script-src", csp["default-src"])
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script and "*" not in script
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"] and csp["form-action"] == ["'self'"]


@pytest.fixture(scope="module")
def world_app(world_file, tmp_path_factory):
    """Return an application on a private copy of the world and the world."""
    path, world = world_file
    app = copy_app(path, tmp_path_factory.mktemp("headers") / "world.db")
    yield app, world
    app.extensions["hailong.db"][0].dispose()


@pytest.fixture(scope="module")
def admin(world_app):
    """Return a client logged in as the administrator."""
    client = world_app[0].test_client()
    log_in(client, "root")
    return client


def _fetch(client, method: str, path: str, **kwargs):
    """Send a request, read the body and close the response."""
    response = client.open(path, method=method, base_url=BASE, **kwargs)
    response.get_data()
    response.close()
    return response


RESPONSES = [
    ("html page", "GET", "/", {}, 200, "text/html"),
    ("staff page", "GET", "/analyst/", {}, 200, "text/html"),
    ("json document", "GET", "/api/v1/questionnaires/kiosk/2026.1", {}, 200, "application/json"),
    ("json error", "POST", "/api/v1/responses", {"data": "{"}, 400, "application/json"),
    ("json 405", "PUT", "/api/v1/responses", {}, 405, "application/json"),
    ("static css", "GET", "/static/hailong.css", {}, 200, "text/css"),
    ("kiosk script", "GET", "/kiosk/static/js/kiosk.js", {}, 200, "text/javascript"),
    ("service worker", "GET", "/kiosk/sw.js", {}, 200, "text/javascript"),
    ("404 page", "GET", "/khong-co", {}, 404, "text/html"),
    ("csrf 400", "POST", "/auth/logout", {}, 400, "text/html"),
    ("pdf report", "GET", "/analyst/report.pdf?unit=MH-01", {}, 200, "application/pdf"),
    ("xlsx report", "GET", "/analyst/report.xlsx?unit=MH-01", {}, 200,
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("csv export", "GET", "/exports/download?code=kiosk&file_format=csv", {}, 200, "text/csv"),
    ("svg chart", "GET", "/analyst/chart/table.svg?unit=MH-01", {}, 200, "image/svg+xml"),
]


@pytest.mark.parametrize(("name", "method", "path", "kwargs", "status", "mimetype"), RESPONSES,
                         ids=[row[0] for row in RESPONSES])
def test_every_response_type_carries_the_headers(admin, name, method, path, kwargs, status, mimetype):
    response = _fetch(admin, method, path, **kwargs)
    assert (response.status_code, response.mimetype) == (status, mimetype)
    assert_secure_headers(response)


def test_staff_responses_are_not_stored_by_caches(world_app, admin):
    for path in ("/analyst/", f"/cases/{world_app[1].cases['a']}", "/admin/users", "/exports/download?code=kiosk"):
        assert _fetch(admin, "GET", path).headers["Cache-Control"] == "no-store", path
    assert _fetch(admin, "GET", "/analyst/chart/table.svg").headers["Cache-Control"] == "private, max-age=300"
    assert "no-store" not in _fetch(world_app[0].test_client(), "GET", "/").headers.get("Cache-Control", "")


def test_a_server_error_carries_the_headers(tmp_path):
    app = create_app({**app_config(f"sqlite:///{tmp_path / 'x.db'}"), "PROPAGATE_EXCEPTIONS": False})
    app.add_url_rule("/_boom", "boom", lambda: 1 / 0)
    response = _fetch(app.test_client(), "GET", "/_boom")
    assert response.status_code == 500
    assert_secure_headers(response)
    app.extensions["hailong.db"][0].dispose()


def test_the_session_cookie_is_secure_httponly_and_samesite(world_app):
    client = world_app[0].test_client()
    page = client.get("/auth/login", base_url=BASE)
    cookie = page.headers["Set-Cookie"]
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "; SameSite=Lax" in cookie
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
    data = {"csrf_token": token, "username": "root", "password": "mat-khau-thu-nghiem"}
    login = client.post("/auth/login", data=data, base_url=BASE)
    assert login.status_code == 302
    assert all("; Secure" in c and "; HttpOnly" in c and "; SameSite=Lax" in c
               for c in login.headers.getlist("Set-Cookie"))


def test_hsts_is_sent_over_https_when_configured(tmp_path):
    database = f"sqlite:///{tmp_path / 'x.db'}"
    configured = create_app({**app_config(database), "HSTS_SECONDS": 31536000}).test_client()
    assert configured.get("/healthz", base_url="https://localhost").headers[
        "Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in configured.get("/healthz", base_url="http://localhost").headers
    plain = create_app(app_config(database)).test_client()
    assert "Strict-Transport-Security" not in plain.get("/healthz", base_url="https://localhost").headers


class _InlineScript(HTMLParser):
    """Find inline script: <script> without src, on* event attributes, javascript: links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._inline = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self._inline = tag == "script" and not attributes.get("src") and attributes.get("type") not in (
            "application/json", "application/ld+json")
        self.found += [f"{tag} {name}" for name, _ in attrs if name.startswith("on")]
        self.found += [f"{tag} {name}" for name, value in attrs
                       if (value or "").strip().lower().startswith("javascript:")]

    def handle_data(self, data):
        if self._inline and data.strip():
            self.found.append(f"script {data.strip()[:40]}")

    def handle_endtag(self, tag):
        self._inline = False


def test_no_page_relies_on_inline_script(world_app, admin):
    app, world = world_app
    values, found, pages = url_values(world), {}, 0
    with app.test_request_context(base_url=BASE):
        urls = [url_for(rule.endpoint, **values.get(rule.endpoint, {})) for rule in app.url_map.iter_rules()
                if "GET" in rule.methods and "static" not in rule.endpoint]
    for url in sorted(set(urls)):
        response = admin.get(url, base_url=BASE)
        if response.mimetype == "text/html":
            pages += 1
            assert_secure_headers(response)
            parser = _InlineScript()
            parser.feed(response.get_data(as_text=True))
            if parser.found:
                found[url] = parser.found
        response.close()
    assert pages >= 35 and found == {}


def test_the_csrf_token_is_bound_to_the_session(world_app, admin):
    other = world_app[0].test_client()
    foreign = csrf_token(other)  # a token of another (anonymous) session
    response = admin.post("/auth/logout", data={"csrf_token": foreign}, base_url=BASE)
    assert response.status_code == 400
