"""CSRF on every form: every POST form on every page carries a token, and a POST without it changes nothing.

The pages are every GET route rendered as an administrator on the world with data; the forms are
parsed from the HTML. Routes exempt from CSRF are listed in EXEMPT with the reason; each is checked
not to accept the staff session cookie as its authentication.
"""

from __future__ import annotations

import hashlib
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from access_world import BASE, copy_app, log_in, url_values, world_file  # noqa: F401 (fixture)
from flask import url_for

# What reading pages may write: rate-limit counts and the audit log (exports are audited).
READ_LOGS = ("rate_limit_counters", "audit_entries")
# A prefixed form's token is named "<prefix>-csrf_token"; Flask-WTF accepts any field ending so.
# endpoint -> why a cookie-authenticated browser cannot be made to use it by another site.
EXEMPT = {
    "api.post_responses": "device/integration bearer token; a staff session counts only with an "
                          "X-CSRFToken header, which another site cannot set (survey/web/api.py)",
    "volumes_api.import_volumes": "API client key (bearer), no cookie authentication",
    "qr.api_links": "API client key (bearer), no cookie authentication",
    "kiosk.pair": "one-time pairing code in the JSON body, no cookie authentication",
    "kiosk.next_transaction": "kiosk device token (bearer)",
    "kiosk.push": "API client key (bearer)",
    "interview.enrol": "one-time enrolment code in the JSON body, no cookie authentication",
    "interview.outcomes": "enumerator tablet token (bearer)",
    "interview.listings": "enumerator tablet token (bearer)",
}


class _Forms(HTMLParser):
    """Collect the POST forms of a page: action, and the names and values of their fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            post = (attributes.get("method") or "get").lower() == "post"
            self._open = {"action": attributes.get("action") or "", "fields": {}} if post else None
            if post:
                self.forms.append(self._open)
        elif self._open is not None and tag in ("input", "select", "textarea", "button"):
            if attributes.get("name"):
                self._open["fields"].setdefault(attributes["name"], attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def _pages(app, world) -> list[str]:
    """Return the URL of every GET route that renders a page."""
    values, urls = url_values(world), []
    with app.test_request_context(base_url=BASE):
        for rule in app.url_map.iter_rules():
            if "GET" in rule.methods and not rule.rule.startswith(("/api/", "/static", "/kiosk/static")):
                urls.append(url_for(rule.endpoint, **values.get(rule.endpoint, {})))
    return sorted(set(urls))


def _fingerprint(app, skip: tuple[str, ...] = ("rate_limit_counters",)) -> str:
    """Return a hash of every row of the database but those of the tables ``skip``."""
    engine = app.extensions["hailong.db"][0]
    digest = hashlib.sha256()
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        for line in raw.iterdump():
            if not any(f'"{table}"' in line for table in skip):
                digest.update(line.encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def crawled(world_file, tmp_path_factory):
    """Render every page as the administrator; return the app, client, pages and their POST forms."""
    path, world = world_file
    app = copy_app(path, tmp_path_factory.mktemp("csrf") / "world.db")
    client = app.test_client()
    log_in(client, "root")
    forms, rendered, before = {}, 0, _fingerprint(app, READ_LOGS)
    for url in _pages(app, world):
        response = client.get(url, base_url=BASE)
        if response.mimetype == "text/html":
            rendered += 1
            parser = _Forms()
            parser.feed(response.get_data(as_text=True))
            for form in parser.forms:
                forms.setdefault((url, form["action"] or url), form)
        response.close()
    changed = _fingerprint(app, READ_LOGS) != before
    yield app, client, forms, rendered, changed
    app.extensions["hailong.db"][0].dispose()


def test_rendering_every_page_changes_no_data(crawled):
    assert crawled[4] is False  # no GET route changes data, so no GET needs a CSRF token


def test_every_post_form_carries_a_csrf_token(crawled):
    _, _, forms, rendered, _ = crawled
    assert rendered >= 35 and len(forms) >= 30  # the crawl reached the staff pages with their forms
    missing = [key for key, form in forms.items() if not any(
        name.endswith("csrf_token") and value for name, value in form["fields"].items())]
    assert missing == []


def test_a_post_without_the_token_is_refused_and_changes_nothing(crawled):
    app, client, forms, _, _ = crawled
    before = _fingerprint(app)
    statuses = {}
    for (_, action), form in sorted(forms.items()):
        data = {name: value for name, value in form["fields"].items() if not name.endswith("csrf_token")}
        response = client.post(urlsplit(action).path, data=data, base_url=BASE)
        statuses[action] = response.status_code
        response.close()
    assert {a: s for a, s in statuses.items() if s != 400} == {}
    assert _fingerprint(app) == before
    assert client.get("/admin/", base_url=BASE).status_code == 200  # still logged in: the token was the reason


def test_only_token_authenticated_routes_are_exempt(crawled):
    """Every POST route answers 400 without the token, unless exempt; exempt ones ignore the session."""
    app, client, _, _, _ = crawled
    world_values = {}
    with app.test_request_context(base_url=BASE):
        exempt, protected = set(), set()
        for rule in app.url_map.iter_rules():
            if "POST" not in rule.methods:
                continue
            url = url_for(rule.endpoint, **_dummy_values(rule, world_values))
            response = client.post(url, data={}, base_url=BASE)
            (protected if response.status_code == 400 and b"CSRF" in response.get_data() else exempt).add(
                rule.endpoint)
            if rule.endpoint in EXEMPT:  # the admin's cookie alone does not authenticate
                assert response.status_code in (400, 401, 403, 404, 415), (rule.endpoint, response.status_code)
            response.close()
    assert exempt == set(EXEMPT)
    assert "auth.logout" in protected and "admin.user_password" in protected


def _dummy_values(rule, cache: dict) -> dict:
    """Return URL variables for a rule: 1 for numbers, 'x' for text."""
    return {name: 1 if rule._converters[name].__class__.__name__ == "IntegerConverter" else "x"
            for name in rule.arguments}
