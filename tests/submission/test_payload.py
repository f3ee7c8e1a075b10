"""Step 1: malformed payloads are refused with the field and a stable code; the content hash."""

from __future__ import annotations

import hashlib
import json

import pytest
from submission_world import payload

from survey.services.submission_errors import SubmissionError
from survey.services.submission_payload import content_hash, parse, payload_uuid


def refusal(body) -> tuple[str, str | None, int]:
    """Return (code, field, http status) of the refusal of ``body``."""
    with pytest.raises(SubmissionError) as caught:
        parse(body)
    return caught.value.code, caught.value.field, caught.value.http_status


def test_a_valid_payload_is_read():
    body = payload(uuid="0E0B9C6A-1F6B-4C3E-9D2A-7A1B2C3D4E5F", transaction_ref="H01.22-260302-0001")
    submission = parse(body)
    assert submission.uuid == "0e0b9c6a-1f6b-4c3e-9d2a-7a1b2c3d4e5f"
    assert submission.channel == "kiosk" and submission.link_kind is None
    assert (submission.questionnaire_code, submission.questionnaire_version) == ("mini", "2026.1")
    assert submission.submitted_at.tzinfo is not None and submission.submitted_at.utcoffset().total_seconds() == 0
    assert submission.transaction_ref == "H01.22-260302-0001"


@pytest.mark.parametrize("body", [[], "x", 3, None])
def test_not_an_object(body):
    assert refusal(body) == ("invalid_payload", None, 400)


@pytest.mark.parametrize("field", ["uuid", "channel", "unit", "submitted_at", "answers"])
def test_missing_required_field(field):
    assert refusal(payload(**{field: ...})) == ("missing_field", field, 400)


def test_unknown_field():
    assert refusal(payload(rating=5)) == ("unknown_field", "rating", 400)


@pytest.mark.parametrize("value", [
    "not-a-uuid", "{0e0b9c6a-1f6b-4c3e-9d2a-7a1b2c3d4e5f}", "0e0b9c6a1f6b4c3e9d2a7a1b2c3d4e5f",
    "0e0b9c6a-1f6b-4c3e-cd2a-7a1b2c3d4e5f",  # variant bits 110: Microsoft, not RFC 4122
    12345, " 0e0b9c6a-1f6b-4c3e-9d2a-7a1b2c3d4e5f",
])
def test_invalid_uuid(value):
    assert refusal(payload(uuid=value)) == ("invalid_uuid", "uuid", 400)


@pytest.mark.parametrize("value", [
    "2026-03-02T10:00:00", "2026-03-02", "2026-03-02 10:00:00+07:00", "yesterday", 1772420400,
    "2026-02-30T10:00:00+07:00",
])
def test_timestamps_need_iso_8601_with_offset(value):
    assert refusal(payload(submitted_at=value)) == ("invalid_timestamp", "submitted_at", 400)


def test_z_and_offsets_are_read_as_utc():
    a = parse(payload(submitted_at="2026-03-02T10:00:00+07:00")).submitted_at
    b = parse(payload(submitted_at="2026-03-02T03:00:00Z")).submitted_at
    assert a == b and a.hour == 3


def test_started_after_submitted_is_refused():
    body = payload(started_at="2026-03-02T10:05:00+07:00", submitted_at="2026-03-02T10:00:00+07:00")
    assert refusal(body) == ("invalid_timestamp", "started_at", 400)


@pytest.mark.parametrize("value", ["sms", "", None, 1])
def test_channel_must_be_known(value):
    code, field, status = refusal(payload(channel=value))
    assert field == "channel" and status == 400 and code in ("invalid_field", "missing_field")


def test_link_kind_only_and_always_with_qr():
    assert refusal(payload(channel="qr")) == ("missing_field", "link_kind", 400)
    assert refusal(payload(channel="qr", link_kind="sticker")) == ("invalid_field", "link_kind", 400)
    assert refusal(payload(link_kind="poster")) == ("invalid_field", "link_kind", 400)
    assert parse(payload(channel="qr", link_kind="poster")).link_kind == "poster"


@pytest.mark.parametrize("changes", [
    {"questionnaire": ...},
    {"questionnaire_hash": "a" * 64},
])
def test_exactly_one_questionnaire_reference(changes):
    assert refusal(payload(**changes)) == ("missing_field", "questionnaire", 400)


@pytest.mark.parametrize("value", [{"code": "mini"}, "mini", {"code": "mini", "version": 2026.1},
                                   {"code": "mini", "version": "2026.1", "x": 1}])
def test_questionnaire_reference_shape(value):
    assert refusal(payload(questionnaire=value)) == ("invalid_field", "questionnaire", 400)


def test_questionnaire_hash_shape():
    body = payload(questionnaire=..., questionnaire_hash="A" * 64)
    assert refusal(body) == ("invalid_field", "questionnaire_hash", 400)
    assert parse(payload(questionnaire=..., questionnaire_hash="a" * 64)).questionnaire_hash == "a" * 64


@pytest.mark.parametrize(("field", "value"), [
    ("unit", ""), ("unit", " K01"), ("unit", 7), ("unit", "K" * 33), ("service", ["x"]),
    ("transaction_ref", "x" * 129), ("transaction_ref", "a\nb"), ("answers", [1, 2]),
    ("answers", "5"), ("paradata", "offline"),
])
def test_field_values(field, value):
    assert refusal(payload(**{field: value})) == ("invalid_field", field, 400)


def test_supersedes_only_for_interviews_and_must_be_a_uuid():
    assert refusal(payload(supersedes=payload()["uuid"])) == ("invalid_field", "supersedes", 400)
    assert refusal(payload(channel="interview", supersedes="x")) == ("invalid_uuid", "supersedes", 400)


@pytest.mark.parametrize("changes", [
    {"paradata": {"battery": float("nan")}}, {"paradata": {"note": "\ud800"}}, {"paradata": {"t": object()}},
])
def test_values_json_or_the_databases_cannot_hold(changes):
    assert refusal(payload(**changes)) == ("invalid_payload", None, 400)


def test_content_hash_is_sha256_of_canonical_json_without_paradata():
    body = payload(paradata={"attempt": 1})
    expected = hashlib.sha256(json.dumps(
        {k: v for k, v in body.items() if k != "paradata"}, sort_keys=True, separators=(",", ":"),
        ensure_ascii=False,
    ).encode()).hexdigest()
    assert content_hash(body) == expected
    assert content_hash({**body, "paradata": {"attempt": 7}}) == expected
    assert content_hash({**body, "uuid": body["uuid"].upper()}) == expected
    assert content_hash(dict(reversed(list(body.items())))) == expected
    assert content_hash({**body, "answers": {**body["answers"], "age": 41}}) != expected
    assert content_hash({**body, "unit": "K02"}) != expected


def test_payload_uuid():
    body = payload()
    assert payload_uuid(body) == body["uuid"]
    assert payload_uuid({"uuid": "x"}) is None and payload_uuid([]) is None
