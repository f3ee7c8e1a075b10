"""Every route of the application × every kind of caller, against a written allow/deny table.

A route missing from ROUTES fails test_every_route_has_an_entry, so a new route must say who may use
it. Staff callers are scoped to commune A (the administrator to everything) and every URL names
commune A's objects, so an allowed caller is never refused for scope here (test_access_scope.py does
that). Denied means 401 or 403, or for pages a redirect to the login page; allowed means anything else
below 500. Every request carries a valid CSRF token of the caller's session, so what is tested is the
access rule, not CSRF (test_csrf_forms.py does that).
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from access_world import BASE, copy_app, csrf_token, log_in, url_values, world_file  # noqa: F401 (fixture)

from survey.web.app import create_app

STAFF = ("admin", "unit_manager", "analyst", "supervisor", "enumerator")
TOKENS = ("kiosk", "tablet", "qr", "api_key")
PRINCIPALS = ("anonymous", *STAFF, *TOKENS)
EVERYONE = frozenset(PRINCIPALS)
NOBODY = frozenset()  # a one-time code is needed, which no caller here has: refused (4xx) for all
ADMIN = frozenset({"admin"})
MANAGERS = frozenset({"admin", "unit_manager"})
READERS = frozenset({"admin", "unit_manager", "analyst", "supervisor"})
CASE_READERS = frozenset({"admin", "unit_manager", "analyst"})
QR_STAFF = frozenset({"admin", "unit_manager", "supervisor"})
FIELD_STAFF = frozenset({"admin", "supervisor"})

# endpoint -> {method: principals allowed}
ROUTES = {
    "static": {"GET": EVERYONE},
    "health.healthz": {"GET": EVERYONE},
    "health.readyz": {"GET": EVERYONE},
    "catalogue.index": {"GET": EVERYONE},
    "catalogue.show": {"GET": EVERYONE},
    "public.results": {"GET": EVERYONE},
    "auth.login": {"GET": EVERYONE, "POST": EVERYONE},
    "auth.logout": {"POST": EVERYONE},
    "qr.citizen": {"GET": EVERYONE},
    "qr.citizen_upper": {"GET": EVERYONE},
    "kiosk.app_shell": {"GET": EVERYONE},
    "kiosk.service_worker": {"GET": EVERYONE},
    "kiosk.static": {"GET": EVERYONE},
    "interview.app_shell": {"GET": EVERYONE},
    "interview.service_worker": {"GET": EVERYONE},
    "api.questionnaire": {"GET": EVERYONE},
    "api.questionnaire_by_hash": {"GET": EVERYONE},
    # Device and integration APIs: the bearer token decides.
    "api.post_responses": {"POST": frozenset({"kiosk"})},  # a kiosk-channel rating for commune A
    "kiosk.pair": {"POST": NOBODY},
    "kiosk.config": {"GET": frozenset({"kiosk"})},
    "kiosk.next_transaction": {"POST": frozenset({"kiosk"})},
    "kiosk.push": {"POST": frozenset({"api_key"})},
    "interview.enrol": {"POST": NOBODY},
    "interview.assignments": {"GET": frozenset({"tablet"})},
    "interview.outcomes": {"POST": frozenset({"tablet"})},
    "interview.listings": {"POST": frozenset({"tablet"})},
    "qr.api_links": {"POST": frozenset({"api_key"})},
    "volumes_api.import_volumes": {"POST": frozenset({"api_key"})},
    # Staff pages.
    "admin.index": {"GET": MANAGERS},
    "admin.audit": {"GET": MANAGERS},
    "admin.units": {"GET": MANAGERS},
    "admin.unit_new": {"GET": MANAGERS, "POST": MANAGERS},
    "admin.unit_edit": {"GET": MANAGERS, "POST": MANAGERS},
    "admin.predecessor_add": {"POST": MANAGERS},
    "admin.predecessor_remove": {"POST": MANAGERS},
    "admin.services": {"GET": MANAGERS},
    "admin.service_new": {"GET": ADMIN, "POST": ADMIN},
    "admin.service_edit": {"GET": ADMIN, "POST": ADMIN},
    "admin.users": {"GET": MANAGERS},
    "admin.user_new": {"GET": MANAGERS, "POST": MANAGERS},
    "admin.user_edit": {"GET": MANAGERS, "POST": MANAGERS},
    "admin.user_password": {"POST": MANAGERS},
    "admin.api_keys": {"GET": MANAGERS},
    "admin.api_key_new": {"GET": MANAGERS, "POST": MANAGERS},
    "admin.api_key_revoke": {"POST": MANAGERS},
    "analyst.index": {"GET": READERS},
    "analyst.trends": {"GET": READERS},
    "analyst.league": {"GET": READERS},
    "analyst.heatmap": {"GET": READERS},
    "analyst.gap": {"GET": READERS},
    "analyst.chart": {"GET": READERS},
    "analyst.report": {"GET": READERS},
    "analyst.targets": {"GET": READERS},
    "analyst.target_set": {"POST": MANAGERS},
    "analyst.target_delete": {"POST": MANAGERS},
    "analyst.publish": {"POST": MANAGERS},
    "cases.index": {"GET": CASE_READERS},
    "cases.show": {"GET": CASE_READERS},
    "cases.act": {"POST": MANAGERS},
    "exports.index": {"GET": CASE_READERS},
    "exports.download": {"GET": CASE_READERS},
    "kiosk_admin.index": {"GET": MANAGERS},
    "kiosk_admin.new": {"GET": MANAGERS, "POST": MANAGERS},
    "kiosk_admin.edit": {"GET": MANAGERS, "POST": MANAGERS},
    "kiosk_admin.pairing_code": {"POST": MANAGERS},
    "kiosk_admin.revoke": {"POST": MANAGERS},
    "kiosk_admin.push": {"POST": MANAGERS},
    "qr.links": {"GET": QR_STAFF, "POST": QR_STAFF},
    "qr.posters": {"GET": QR_STAFF, "POST": QR_STAFF},
    "supervision.index": {"GET": FIELD_STAFF},
    "supervision.survey": {"GET": FIELD_STAFF},
    "supervision.assign": {"POST": FIELD_STAFF},
    "supervision.draw_backchecks": {"POST": FIELD_STAFF},
    "supervision.enrol": {"POST": FIELD_STAFF},
    "supervision.send_back": {"POST": FIELD_STAFF},
    "supervision.revoke_tablet": {"POST": FIELD_STAFF},
    "supervision.request_listings": {"POST": FIELD_STAFF},
}
CASES = [(endpoint, method, principal) for endpoint, methods in sorted(ROUTES.items())
         for method in sorted(methods) for principal in PRINCIPALS]


def _json_body(endpoint: str, world) -> dict | None:
    """Return the JSON body sent to an API endpoint (None: a form post)."""
    rating = {"uuid": str(uuid.uuid4()), "questionnaire": {"code": "kiosk", "version": "2026.1"},
              "channel": "kiosk", "unit": "MH-01",
              "submitted_at": dt.datetime.now(dt.timezone.utc).isoformat(), "answers": {"overall_rating": 4}}
    return {
        "api.post_responses": rating, "kiosk.pair": {"code": "ABCD-EFGH"}, "kiosk.next_transaction": {},
        "kiosk.push": {"kiosk": world.kiosks["a"], "transaction_ref": "HS-1"},
        "interview.enrol": {"code": "ABCDEFGH"}, "interview.outcomes": {"outcomes": []},
        "interview.listings": {},
        "qr.api_links": {"unit": "MH-01", "transaction_ref": "HS-a-2"},
        "volumes_api.import_volumes": {"rows": []},
    }.get(endpoint)


def _bearer(principal: str, world) -> dict[str, str]:
    """Return the Authorization header of a token principal."""
    token = {"kiosk": world.kiosk_tokens, "tablet": world.tablet_tokens, "qr": world.qr_tokens,
             "api_key": world.api_keys}.get(principal)
    return {"Authorization": f"Bearer {token['a']}"} if token else {}


def _client(app, principal: str, world):
    """Return a client acting as ``principal``, with a CSRF token of its session."""
    client = app.test_client()
    if principal in STAFF:
        log_in(client, "root" if principal == "admin" else f"{principal}_a")
    elif principal == "qr":
        client.get(f"/r/{world.qr_tokens['a']}", base_url=BASE)
    return client, {**_bearer(principal, world), "X-CSRFToken": csrf_token(client)}


@pytest.fixture(scope="module")
def shared(world_file):
    """Return one application on the world for the requests that change nothing, and its clients."""
    path, world = world_file
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "access-secret"})
    yield app, world, {}
    app.extensions["hailong.db"][0].dispose()


def _request(app, world, client, headers, endpoint: str, method: str):
    """Send ``method`` to the endpoint's URL for commune A; return the response."""
    with app.test_request_context(base_url=BASE):
        from flask import url_for

        url = url_for(endpoint, **url_values(world).get(endpoint, {}))
    body = _json_body(endpoint, world)
    return client.open(url, method=method, headers=headers, base_url=BASE,
                       **({"json": body} if body is not None else {"data": {}}))


def denied(response) -> bool:
    """Whether the answer refuses access: 401, 403, or a redirect to the login page."""
    location = response.headers.get("Location", "")
    return response.status_code in (401, 403) or (
        response.status_code in (302, 303) and "/auth/login" in location)


def test_every_route_has_an_entry(shared):
    app = shared[0]
    rules = {}
    for rule in app.url_map.iter_rules():
        rules.setdefault(rule.endpoint, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    assert rules == {endpoint: set(methods) for endpoint, methods in ROUTES.items()}


@pytest.mark.parametrize(("endpoint", "method", "principal"), CASES)
def test_access(shared, tmp_path, endpoint, method, principal):
    app, world, clients = shared
    allowed = principal in ROUTES[endpoint][method]
    if method != "GET" and allowed:  # it may change data: on a private copy of the world
        copy = copy_app(app.config["DATABASE_URL"].removeprefix("sqlite:///"), tmp_path / "copy.db")
        try:
            response = _request(copy, world, *_client(copy, principal, world), endpoint, method)
        finally:
            copy.extensions["hailong.db"][0].dispose()
    else:
        if principal not in clients:
            clients[principal] = _client(app, principal, world)
        response = _request(app, world, *clients[principal], endpoint, method)
    body = response.get_data()[:300].decode("utf-8", "replace")
    response.close()
    assert response.status_code < 500, body
    if not ROUTES[endpoint][method]:
        assert 400 <= response.status_code < 500, body
    else:
        assert denied(response) != allowed, (response.status_code, response.headers.get("Location"), body)


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_other_methods_are_405(shared, endpoint):
    app, world, _ = shared
    response = _request(app, world, app.test_client(), {}, endpoint, "DELETE")
    response.close()
    assert response.status_code == 405
