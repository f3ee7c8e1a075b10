"""Step 1 of a submission: read the payload into a Submission, refusing malformed ones (400)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid as uuid_module
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from survey.db.organisation import CHANNELS
from survey.services.submission_errors import SubmissionError

FIELDS = {
    "uuid", "questionnaire", "questionnaire_hash", "channel", "link_kind", "unit", "service",
    "transaction_ref", "started_at", "submitted_at", "answers", "supersedes", "paradata",
}
# Fields left out of the content hash: paradata describe the device and the sending (attempt counts,
# battery, app version) and may change from one retry of the same response to the next.
NOT_HASHED = ("paradata",)
LINK_KINDS = ("transaction", "poster")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_HASH = re.compile(r"[0-9a-f]{64}")
_CODE_MAX = {"unit": 32, "service": 32, "transaction_ref": 128}
# A device whose clock was reset reports 1970 (kept: the rating is real); earlier times are not
# plausible and leave no room for the time arithmetic of the integrity flags.
EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Submission:
    """A well-formed payload: what a response claims, not yet checked against the database."""

    uuid: str
    content_hash: str
    channel: str
    link_kind: str | None
    questionnaire_code: str | None
    questionnaire_version: str | None
    questionnaire_hash: str | None
    unit_code: str
    service_code: str | None
    transaction_ref: str | None
    started_at: dt.datetime | None
    submitted_at: dt.datetime
    answers: Mapping[str, Any]
    supersedes: str | None
    payload: Mapping[str, Any]


def payload_uuid(payload: Any) -> str | None:
    """Return the payload's uuid in canonical form (lower case), or None if it has no valid one."""
    if not isinstance(payload, dict):
        return None
    return _uuid_or_none(payload.get("uuid"))


def content_hash(payload: Mapping[str, Any]) -> str:
    """Return the sha256 of the canonical JSON of the payload without NOT_HASHED fields.

    Canonical JSON: keys sorted, no spaces, UTF-8, the uuid in lower case. Two sendings of one
    response hash alike; a change of any answer, time, unit, channel or reference changes the hash.
    """
    content = {key: value for key, value in payload.items() if key not in NOT_HASHED}
    if isinstance(content.get("uuid"), str):
        content["uuid"] = content["uuid"].lower()
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse(payload: Any) -> Submission:
    """Return the Submission of a payload or raise SubmissionError (HTTP 400) naming the field."""
    if not isinstance(payload, dict):
        raise SubmissionError("invalid_payload")
    _check_json(payload)
    unknown = sorted(set(payload) - FIELDS)
    if unknown:
        raise SubmissionError(
            "unknown_field", f"({', '.join(unknown)})", f"({', '.join(unknown)})", field=unknown[0]
        )
    uuid = _require(payload, "uuid")
    canonical_uuid = _uuid_or_none(uuid)
    if canonical_uuid is None:
        raise SubmissionError("invalid_uuid", field="uuid")
    channel = _choice(payload, "channel", CHANNELS)
    link_kind = _link_kind(payload, channel)
    code, version, digest = _questionnaire(payload)
    submitted_at = _timestamp(payload, "submitted_at", required=True)
    started_at = _timestamp(payload, "started_at", required=False)
    if started_at is not None and started_at > submitted_at:
        raise SubmissionError(
            "invalid_timestamp", "started_at sau submitted_at.", "started_at is after submitted_at.",
            field="started_at",
        )
    return Submission(
        uuid=canonical_uuid,
        content_hash=content_hash(payload),
        channel=channel,
        link_kind=link_kind,
        questionnaire_code=code,
        questionnaire_version=version,
        questionnaire_hash=digest,
        unit_code=_text(payload, "unit", required=True),
        service_code=_text(payload, "service", required=False),
        transaction_ref=_text(payload, "transaction_ref", required=False),
        started_at=started_at,
        submitted_at=submitted_at,
        answers=_answers(payload),
        supersedes=_supersedes(payload, channel),
        payload=payload,
    )


def _check_json(payload: dict) -> None:
    """Refuse what JSON or the databases cannot hold: NaN, non-JSON types, invalid Unicode."""
    try:
        json.dumps(payload, allow_nan=False, ensure_ascii=False).encode("utf-8")
    except (ValueError, TypeError, RecursionError) as error:
        reason = "invalid Unicode" if isinstance(error, UnicodeEncodeError) else "a value JSON cannot hold"
        raise SubmissionError(
            "invalid_payload", "Phiếu chứa giá trị không biểu diễn được bằng JSON.", f"It contains {reason}.",
        ) from None
    paradata = payload.get("paradata")
    if paradata is not None and not isinstance(paradata, dict):
        raise _invalid("paradata", "phải là một đối tượng JSON.", "must be a JSON object.")


def _uuid_or_none(value: Any) -> str | None:
    """Return an RFC 4122 uuid written 8-4-4-4-12 in lower case, or None."""
    if not isinstance(value, str) or not _UUID.fullmatch(value):
        return None
    parsed = uuid_module.UUID(value)
    return str(parsed) if parsed.variant == uuid_module.RFC_4122 else None


def _require(payload: Mapping[str, Any], field: str) -> Any:
    """Return a field that must be present and not null."""
    if payload.get(field) is None:
        raise SubmissionError("missing_field", f"({field})", f"({field})", field=field)
    return payload[field]


def _invalid(field: str, vi: str, en: str) -> SubmissionError:
    """Return the refusal of one field's value."""
    return SubmissionError("invalid_field", f"{field}: {vi}", f"{field}: {en}", field=field)


def _choice(payload: Mapping[str, Any], field: str, allowed: tuple[str, ...]) -> str:
    """Return a required field that must be one of ``allowed``."""
    value = _require(payload, field)
    if value not in allowed:
        listed = ", ".join(allowed)
        raise _invalid(field, f"phải là một trong {listed}.", f"must be one of {listed}.")
    return value


def _link_kind(payload: Mapping[str, Any], channel: str) -> str | None:
    """Return the QR link kind: required for the qr channel, absent for the others."""
    if channel == "qr":
        return _choice(payload, "link_kind", LINK_KINDS)
    if payload.get("link_kind") is not None:
        raise _invalid("link_kind", "chỉ dùng cho kênh qr.", "is only allowed with channel qr.")
    return None


def _questionnaire(payload: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
    """Return (code, version, hash): either {"code", "version"} or "questionnaire_hash", not both."""
    ref, digest = payload.get("questionnaire"), payload.get("questionnaire_hash")
    if (ref is None) == (digest is None):
        raise SubmissionError(
            "missing_field", "(questionnaire hoặc questionnaire_hash, chỉ một trong hai)",
            "(questionnaire or questionnaire_hash, exactly one of them)", field="questionnaire",
        )
    if digest is not None:
        if not isinstance(digest, str) or not _HASH.fullmatch(digest):
            raise _invalid("questionnaire_hash", "phải là 64 ký tự hex thường.", "must be 64 lower-case hex digits.")
        return None, None, digest
    if (
        not isinstance(ref, dict) or set(ref) != {"code", "version"}
        or not all(isinstance(ref[key], str) and 0 < len(ref[key]) <= 64 for key in ref)
    ):
        raise _invalid(
            "questionnaire", 'phải có dạng {"code": "...", "version": "..."}.',
            'must be {"code": "...", "version": "..."}.',
        )
    return ref["code"], ref["version"], None


def _timestamp(payload: Mapping[str, Any], field: str, *, required: bool) -> dt.datetime | None:
    """Return an aware timestamp read from ISO 8601 text with a UTC offset (or Z)."""
    value = _require(payload, field) if required else payload.get(field)
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) and "T" in value else None
        # Year 1 or 9999 with an offset has no UTC time within the datetime range (OverflowError).
        utc = moment.astimezone(dt.UTC) if moment is not None and moment.utcoffset() is not None else None
    except (ValueError, OverflowError):
        utc = None
    if utc is None:
        raise SubmissionError("invalid_timestamp", f"({field})", f"({field})", field=field)
    if utc < EARLIEST:
        raise SubmissionError(
            "invalid_timestamp", f"({field}: trước năm 1970)", f"({field}: before 1970)", field=field,
        )
    return utc


def _text(payload: Mapping[str, Any], field: str, *, required: bool) -> str | None:
    """Return a short non-empty code or reference."""
    value = _require(payload, field) if required else payload.get(field)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > _CODE_MAX[field] or value != value.strip():
        raise _invalid(
            field, f"phải là chuỗi không rỗng, không có khoảng trắng đầu/cuối, tối đa {_CODE_MAX[field]} ký tự.",
            f"must be non-empty text without surrounding spaces, at most {_CODE_MAX[field]} characters.",
        )
    if any(ord(char) < 32 for char in value):
        raise _invalid(field, "chứa ký tự điều khiển.", "contains control characters.")
    return value


def _answers(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    """Return the answers object (item code -> answer)."""
    answers = _require(payload, "answers")
    if not isinstance(answers, dict):
        raise _invalid("answers", "phải là một đối tượng {mã câu: câu trả lời}.", "must be an object {item code: answer}.")
    return answers


def _supersedes(payload: Mapping[str, Any], channel: str) -> str | None:
    """Return the uuid of the interview this one revises (interviews only)."""
    value = payload.get("supersedes")
    if value is None:
        return None
    if channel != "interview":
        raise _invalid("supersedes", "chỉ dùng cho kênh interview.", "is only allowed with channel interview.")
    canonical = _uuid_or_none(value)
    if canonical is None:
        raise SubmissionError("invalid_uuid", field="supersedes")
    return canonical
