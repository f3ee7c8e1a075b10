"""Fuzz the QR link surfaces: the citizen's page /r/<token>, POST /api/v1/qr-links, qr submissions.

Tokens are genuine (receipt and poster, current and retired key), then tampered, truncated,
extended, lower-cased, expired, not yet valid, signed with an unknown key, naming a unit or
service that does not exist, spent, or replaced by junk path segments. Nothing a link does is a
5xx; the page writes nothing; the link API writes nothing and returns a token carrying exactly
what was asked; a qr submission is stored whole with its spent link or not at all.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from fuzz_oracle import OUTCOMES, assert_accounted, assert_error, assert_round_trip
from fuzz_payloads import JUNK, TEXT
from fuzz_world import QR_CONFIG, fuzzed, row_counts  # noqa: F401  (a fixture)
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from survey.db.qr import SpentQrToken
from survey.domain import qrtoken
from survey.web.database import session_scope

EXAMPLES = {"page": {"sqlite": 4000, "postgresql": 200}, "api": {"sqlite": 3000, "postgresql": 150},
            "submit": {"sqlite": 3000, "postgresql": 150}}
FUZZ = {"suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large], "deadline": None}
KEYS = {kid: secret.encode() for kid, secret in QR_CONFIG["QR_KEYS"].items()}
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
# At most 30 characters of at most 4 bytes: within a token's 128 bytes of reference.
REFERENCES = st.one_of(st.from_regex(r"[A-Z0-9.\-]{1,30}", fullmatch=True),
                       st.text(st.characters(codec="utf-8"), min_size=1, max_size=30))


@pytest.fixture
def qr(fuzzed):
    """Return (engine, app, world, client)."""
    engine, app, world = fuzzed
    return engine, app, world, app.test_client()


@st.composite
def claims(draw, world, now: dt.datetime) -> qrtoken.LinkClaims:
    """Draw what a link grants: mostly real units and services, sometimes ones that do not exist."""
    poster = draw(st.booleans())
    unit = draw(st.one_of(st.sampled_from(sorted(world.units.values())), st.integers(1, 2**32 - 1)))
    service = draw(st.one_of(st.none(), st.just(world.service_id), st.integers(1, 2**32 - 1)))
    issued = now.replace(microsecond=0) + dt.timedelta(seconds=draw(st.integers(-400 * 86400, 86400)))
    lifetime = dt.timedelta(seconds=draw(st.integers(1, 400 * 86400)))
    reference = None if poster else draw(REFERENCES)
    return qrtoken.LinkClaims(
        "poster" if poster else "transaction", draw(st.sampled_from(["2026a", "2026b", "gone"])), unit, service,
        reference, draw(st.sampled_from(["kiosk", "sipas"])), issued, issued + lifetime,
    )


def sign(claims: qrtoken.LinkClaims) -> str:
    """Sign claims with their key (key "gone" is not configured on the server)."""
    return qrtoken.encode(claims, KEYS.get(claims.key_id, b"a-key-this-server-does-not-have"))


def tamper(token: str, data) -> str:
    """Alter a token the ways a copy goes wrong: a character changed, cut, added, lower case, junk."""
    how = data.draw(st.sampled_from(["none", "none", "flip", "cut", "add", "lower", "junk"]))
    position = data.draw(st.integers(0, len(token) - 1))
    if how == "flip":
        return token[:position] + data.draw(st.sampled_from(B32.replace(token[position], ""))) + token[position + 1:]
    if how == "cut":
        return token[:position]
    if how == "add":
        return token[:position] + data.draw(st.text(B32 + "01890=-_ ", min_size=1, max_size=3)) + token[position:]
    if how == "lower":
        return token.lower()
    if how == "junk":
        return data.draw(st.one_of(st.text(B32, max_size=120), TEXT, st.sampled_from([
            "%00", "..%2f..%2fetc%2fpasswd", "a/b", "%ZZ", "A" * 5000, "﻿", "%F0%9F%98%80", "?x=1"])))
    return token


def test_fuzz_citizen_page(qr):
    engine, app, world, client = qr
    now = dt.datetime.now(dt.UTC)

    @settings(max_examples=EXAMPLES["page"][engine], **FUZZ)
    @given(claims(world, now), st.data(), st.sampled_from(["/r/", "/R/", "/r", "/r//", "/r/x/"]),
           st.sampled_from(["GET", "GET", "GET", "HEAD", "POST", "PUT"]))
    def run(granted, data, prefix, method):
        token = tamper(sign(granted), data)
        before = row_counts(app)
        response = client.open(prefix + token, method=method)
        OUTCOMES["qr page", engine, response.status_code] += 1
        assert response.status_code < 500 or _form_unavailable(app, world, granted, token, response), (
            response.status_code, token)
        assert response.status_code in (200, 301, 308, 400, 404, 405, 409, 410, 503)
        assert row_counts(app) == before

    run()


def _form_unavailable(app, world, granted: qrtoken.LinkClaims, token: str, response) -> bool:
    """Whether a 503 is the friendly page of a genuine link whose unit does not exist."""
    genuine = token == sign(granted) and granted.key_id != "gone"
    return response.status_code == 503 and genuine and granted.unit_id not in world.units.values()


LINK_BODIES = st.one_of(
    st.fixed_dictionaries({"unit": st.sampled_from(["K01", "K02", "S01", "C01", "K03", "P01"]),
                           "transaction_ref": st.from_regex(r"[A-Z0-9.\-]{1,40}", fullmatch=True)},
                          optional={"service": st.sampled_from(["1.000894", "9.9", ""]),
                                    "questionnaire": st.sampled_from(["kiosk", "sipas", "papi"])}),
    st.dictionaries(st.sampled_from(["unit", "transaction_ref", "service", "questionnaire"]),
                    st.one_of(TEXT, JUNK, st.sampled_from(["K01", "1.000894", "sipas"])), max_size=4),
    st.dictionaries(TEXT, JUNK, max_size=3),
    JUNK,
)


def test_fuzz_link_api(qr):
    engine, app, world, client = qr
    tokens = st.sampled_from([world.tokens["api_client"], world.tokens["api_client_other"], world.tokens["kiosk"],
                              "hla_nothing", None])

    @settings(max_examples=EXAMPLES["api"][engine], **FUZZ)
    @given(LINK_BODIES, tokens, st.booleans())
    @example({"unit": "K01\x00", "transaction_ref": "T-1"}, world.tokens["api_client"], False)
    @example({"unit": "K01", "transaction_ref": "T-1", "service": ["1.000894"]}, world.tokens["api_client"], False)
    @example({"unit": "K01", "transaction_ref": "T-1", "service": "1.0\x00"}, world.tokens["api_client"], False)
    def run(body, token, raw):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        data = json.dumps(body).encode("utf-8")
        if raw:
            data = data[: len(data) // 2]
        before = row_counts(app)
        response = client.post("/api/v1/qr-links", data=data, content_type="application/json", headers=headers)
        OUTCOMES["qr-links api", engine, response.status_code] += 1
        assert response.status_code < 500, response.get_data(as_text=True)
        after = row_counts(app)  # a valid key's request is counted for its rate limit, nothing else
        assert after["rate_limit_counters"] - before["rate_limit_counters"] in (0, 1)
        assert {**after, "rate_limit_counters": 0} == {**before, "rate_limit_counters": 0}
        if response.status_code != 201:
            assert response.status_code in (400, 401, 422)
            assert_error(response)
            return
        granted = qrtoken.decode(response.get_json()["token"], KEYS, dt.datetime.now(dt.UTC))
        assert granted.unit_id == world.units[body["unit"]] and granted.transaction_ref == body["transaction_ref"]
        assert granted.service_id == (world.service_id if body.get("service") else None)
        assert granted.questionnaire == body.get("questionnaire", "kiosk") and granted.kind == "transaction"

    run()


def test_fuzz_qr_submissions(qr):
    engine, app, world, client = qr
    now = dt.datetime.now(dt.UTC)

    @settings(max_examples=EXAMPLES["submit"][engine], **FUZZ)
    @given(claims(world, now), st.data(), st.booleans(), st.integers(1, 5))
    def run(granted, data, match, rating):
        token = tamper(sign(granted), data)
        code = {value: key for key, value in world.units.items()}.get(granted.unit_id, "K01")
        payload = {
            "uuid": str(uuid.uuid4()), "questionnaire": {"code": "kiosk", "version": "2026.1"},
            "channel": "qr", "link_kind": granted.kind, "unit": code if match else "K02",
            "submitted_at": (now - dt.timedelta(minutes=1)).isoformat(), "answers": {"overall_rating": rating},
        }
        if granted.service_id == world.service_id:
            payload["service"] = "1.000894"
        if granted.transaction_ref is not None:
            payload["transaction_ref"] = granted.transaction_ref
        if granted.questionnaire == "sipas":
            payload["questionnaire"] = {"code": "sipas", "version": "2026.1"}
        for attempt in range(2):  # the second sending is a new rating with the same link
            before = row_counts(app)
            response = client.post("/api/v1/responses", data=json.dumps(payload), content_type="application/json",
                                   headers={"Authorization": f"Bearer {token}".replace("\n", "").replace("\r", "")})
            OUTCOMES["qr submit", engine, response.status_code] += 1
            assert response.status_code < 500, response.get_data(as_text=True)
            if response.status_code == 201:
                assert_accounted(app, before, [payload["uuid"]])
                assert_round_trip(app, world, payload)
                assert attempt == 0 or granted.kind == "poster"
            else:
                assert_error(response)
                assert_accounted(app, before, [])
            payload = {**payload, "uuid": str(uuid.uuid4())}
        if granted.kind == "transaction" and token.isascii():
            with session_scope(app) as session:
                spent = select(func.count()).where(SpentQrToken.token_digest == qrtoken.digest(token))
                assert session.scalar(spent) in (0, 1)

    run()
