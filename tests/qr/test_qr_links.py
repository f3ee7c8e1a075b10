"""QR links through the one submission service: issue without writing, spend once, refuse the rest."""

from __future__ import annotations

import datetime as dt

import pytest
from qr_world import KEYS, NOW, kiosk_payload
from sqlalchemy import func, select

from survey.db.models import Base
from survey.db.qr import SpentQrToken
from survey.db.responses import Response
from survey.services import credentials, qrlinks
from survey.services.submission import Caller, SubmissionError, submit_one
from survey.web.database import session_scope

ISSUED = NOW - dt.timedelta(hours=1)


def row_counts(app) -> dict[str, int]:
    """Return the number of rows of every table."""
    with session_scope(app) as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }


def keyring(current: str = "2026b", keys: dict | None = None) -> qrlinks.Keyring:
    """Return a keyring like the app's, signing with ``current``."""
    return qrlinks.Keyring.from_config({"QR_KEYS": keys or KEYS, "QR_CURRENT_KID": current})


def issue(app, *, ring=None, when=ISSUED, **changes) -> str:
    """Issue a receipt link for K01, transaction T-1, service 1.000894 and return its token."""
    values = {"unit_code": "K01", "transaction_ref": "T-1", "service_code": "1.000894"}
    values.update(changes)
    with session_scope(app) as session:
        return qrlinks.issue_transaction_link(
            session, ring or keyring(), qrlinks.LinkSettings(), now=when, **values,
        ).token


def poster(app, unit: str = "K01", **changes) -> str:
    """Issue a poster link for a counter and return its token."""
    with session_scope(app) as session:
        unit_id = session.scalar(select(Base.metadata.tables["units"].c.id).where(
            Base.metadata.tables["units"].c.code == unit))
        return qrlinks.issue_poster_link(
            session, keyring(), qrlinks.LinkSettings(), unit_id=unit_id, now=ISSUED, **changes,
        ).token


def submit(app, body: dict, token: str, now: dt.datetime = NOW):
    """Submit through the service as the API does, inside an application context."""
    with app.app_context():
        return submit_one(app.extensions["hailong.db"][1], body, Caller(token=token), now=now)


def refused(app, body: dict, token: str, now: dt.datetime = NOW) -> SubmissionError:
    """Return the refusal of a submission that must be refused."""
    with pytest.raises(SubmissionError) as error:
        submit(app, body, token, now)
    return error.value


def test_issuing_a_link_writes_nothing(app, world):
    before = row_counts(app)
    issue(app)
    poster(app)
    assert row_counts(app) == before


def test_a_link_rates_its_transaction_once(app, world):
    token = issue(app)
    body = kiosk_payload()
    receipt = submit(app, body, token)
    assert (receipt.http_status, receipt.status, receipt.counted) == (201, "accepted", True)
    with session_scope(app) as session:
        response = session.scalars(select(Response)).one()
        spent = session.scalars(select(SpentQrToken)).one()
        assert (response.channel, response.link_kind, response.transaction_ref) == ("qr", "transaction", "T-1")
        assert (spent.response_uuid, spent.key_id, spent.transaction_ref) == (body["uuid"], "2026b", "T-1")
    # The same response sent again (a lost reply) gets its receipt, not a refusal.
    assert submit(app, body, token).http_status == 200
    before = row_counts(app)
    second = refused(app, kiosk_payload(answers={"overall_rating": 1}), token)
    assert (second.code, second.http_status) == ("qr_link_used", 409)
    assert second.message_vi and second.message_en
    assert row_counts(app) == before


def test_a_refused_answer_does_not_spend_the_link(app, world):
    token = issue(app)
    invalid = refused(app, kiosk_payload(answers={"overall_rating": 9}), token)
    assert invalid.http_status == 422
    assert row_counts(app)["spent_qr_tokens"] == 0
    assert submit(app, kiosk_payload(), token).status == "accepted"


@pytest.mark.parametrize("alter", [
    lambda t: t[:10] + ("A" if t[10] != "A" else "B") + t[11:],
    lambda t: t[:-1],
    lambda t: t.lower(),
    lambda t: t + "AAAAAAAA",
])
def test_tampered_links_store_nothing(app, world, alter):
    token = issue(app)
    before = row_counts(app)
    error = refused(app, kiosk_payload(), alter(token))
    assert (error.code, error.http_status) == ("qr_link_tampered", 401)
    assert row_counts(app) == before


def test_expired_link(app, world):
    token = issue(app, when=NOW - dt.timedelta(days=14))
    error = refused(app, kiosk_payload(), token)
    assert (error.code, error.http_status) == ("qr_link_expired", 410)
    assert row_counts(app)["responses"] == 0
    token = issue(app, when=NOW - dt.timedelta(days=14) + dt.timedelta(seconds=1))
    assert submit(app, kiosk_payload(), token).status == "accepted"


def test_rotation_accepts_links_of_a_configured_older_key(app, world):
    old = issue(app, ring=keyring("2026a"))
    assert submit(app, kiosk_payload(), old).status == "accepted"
    gone = issue(app, ring=keyring("2025z", {"2025z": "a-retired-key-0123456789abcdef"}), transaction_ref="T-2")
    error = refused(app, kiosk_payload(transaction_ref="T-2"), gone)
    assert (error.code, error.http_status) == ("qr_link_unknown_key", 401)


@pytest.mark.parametrize("changes", [
    {"unit": "K02"}, {"transaction_ref": "T-2"}, {"transaction_ref": None}, {"service": None},
    {"questionnaire": {"code": "sipas", "version": "2026.1"}, "answers": {}},
    {"link_kind": "poster", "transaction_ref": None},
])
def test_a_response_must_match_its_link(app, world, changes):
    token = issue(app)
    before = row_counts(app)
    error = refused(app, kiosk_payload(**changes), token)
    assert (error.code, error.http_status) == ("qr_link_mismatch", 403)
    assert row_counts(app) == before


def test_missing_token_and_a_device_token_are_refused(app, world):
    assert refused(app, kiosk_payload(), "").code == "missing_credential"
    assert refused(app, kiosk_payload(), world.api_client).code == "qr_link_tampered"


def test_one_counted_rating_per_transaction_across_kiosk_and_qr(app, world):
    with session_scope(app) as session:
        kiosk = credentials.issue(session, "kiosk_device", "Kiosk", world.units["S01"]).token
    at_kiosk = kiosk_payload(channel="kiosk", link_kind=None, submitted_at=(NOW - dt.timedelta(minutes=30)).isoformat(),
                             started_at=None)
    assert submit(app, at_kiosk, kiosk).counted
    receipt = submit(app, kiosk_payload(), issue(app))
    assert (receipt.status, receipt.counted, receipt.flags) == ("flagged", False, ("duplicate_transaction",))


def test_poster_links_take_many_ratings_and_are_marked(app, world):
    token = poster(app)
    for minutes in (30, 20, 10):
        body = kiosk_payload(link_kind="poster", transaction_ref=None, service=None,
                             submitted_at=(NOW - dt.timedelta(minutes=minutes)).isoformat(), started_at=None)
        assert submit(app, body, token).status == "accepted"
    with session_scope(app) as session:
        kinds = session.scalars(select(Response.link_kind)).all()
    assert kinds == ["poster"] * 3
    assert row_counts(app)["spent_qr_tokens"] == 0


def test_poster_link_for_the_full_questionnaire(app, world):
    token = poster(app, questionnaire="sipas")
    with pytest.raises(SubmissionError) as error:
        submit(app, kiosk_payload(link_kind="poster", transaction_ref=None, service=None), token)
    assert error.value.code == "qr_link_mismatch"  # the link opens sipas, not the quick form


def test_links_are_issued_only_within_scope_and_with_valid_input(app, world):
    with session_scope(app) as session:
        ring, settings = keyring(), qrlinks.LinkSettings()
        for changes, field in (
            ({"unit_code": "C02"}, "unit"), ({"unit_code": "nope"}, "unit"),
            ({"service_code": "9.999"}, "service"), ({"transaction_ref": " T"}, "transaction_ref"),
            ({"transaction_ref": ""}, "transaction_ref"), ({"transaction_ref": "x" * 129}, "transaction_ref"),
            ({"transaction_ref": "T\n1"}, "transaction_ref"), ({"questionnaire": "papi"}, "questionnaire"),
        ):
            values = {"unit_code": "K01", "transaction_ref": "T-1", "scope_unit_id": world.units["C01"]}
            values.update(changes)
            with pytest.raises(qrlinks.LinkError) as error:
                qrlinks.issue_transaction_link(session, ring, settings, now=NOW, **values)
            assert error.value.field == field


def test_link_status_for_the_citizen_page(app, world):
    token = issue(app)
    with session_scope(app) as session:
        ring = keyring()
        assert qrlinks.link_status(session, ring, token, NOW).refusal is None
        assert qrlinks.link_status(session, ring, token, NOW + dt.timedelta(days=20)).refusal == "expired"
        assert qrlinks.link_status(session, ring, "ABC", NOW).refusal == "tampered"
        assert qrlinks.link_status(session, keyring("x", {"x": "z" * 20}), token, NOW).refusal == "unknown_key"
    submit(app, kiosk_payload(), token)
    with session_scope(app) as session:
        assert qrlinks.link_status(session, keyring(), token, NOW).refusal == "used"


def test_keyring_from_configuration():
    derived = qrlinks.Keyring.from_config({"SECRET_KEY": "s"})
    assert derived.current == "app" and len(derived.keys["app"]) == 32
    assert qrlinks.Keyring.from_config({"SECRET_KEY": "t"}).keys != derived.keys
    for bad in (
        {"QR_KEYS": {"k 1": "x" * 20}, "QR_CURRENT_KID": "k 1"},
        {"QR_KEYS": {"k1": "short"}, "QR_CURRENT_KID": "k1"},
        {"QR_KEYS": {"k1": "x" * 20}, "QR_CURRENT_KID": "k2"},
        {"QR_KEYS": ["k1"]},
    ):
        with pytest.raises((ValueError, TypeError)):
            qrlinks.Keyring.from_config(bad)
    # Flask's from_prefixed_env reads HAILONG_QR_CURRENT_KID=1 as the number 1.
    assert qrlinks.Keyring.from_config({"QR_KEYS": {"1": "x" * 20}, "QR_CURRENT_KID": 1}).current == "1"


def test_link_settings_from_configuration():
    settings = qrlinks.LinkSettings.from_config({"QR_TRANSACTION_DAYS": "7", "QR_POSTER_LIMIT": 3})
    assert (settings.transaction_days, settings.poster_days, settings.poster_limit) == (7, 366, 3)
