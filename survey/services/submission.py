"""The one submission service behind POST /api/v1/responses, for every channel (DESIGN.md section 5).

``submit`` runs the five steps in order: (1) parse the payload, (2) look up its uuid (a replay gets
its original receipt before any credential check), (3) authenticate the channel and check its unit
scope, (4) validate every answer against the frozen version, (5) store the response, its answers,
personal data apart and integrity flags. It commits nothing: the caller's transaction does, so a
response is stored whole or not at all. ``submit_one`` and ``submit_batch`` own their transactions.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.db.accounts import Credential
from survey.db.base import utcnow
from survey.db.organisation import Service, Unit
from survey.db.responses import Answer, PiiAnswer, Response, ResponseFlag
from survey.domain.answers import AnswersInvalid, CheckedAnswers, check_answers
from survey.domain.periods import local_date
from survey.services import credentials, units
from survey.services.submission_channels import (
    Caller,
    ChannelAuth,
    Flag,
    authenticate,
    register_channel_authenticator,
)
from survey.services.submission_errors import SubmissionError
from survey.services.submission_flags import (
    IntegrityRules,
    burst_flag,
    claim_transaction,
    opening_hours_flag,
    transaction_counted,
)
from survey.services.submission_payload import Submission, parse
from survey.services.submission_versions import published_row, questionnaire_of

__all__ = [
    "BATCH_MAX",
    "CLOCK_SKEW",
    "Caller",
    "IntegrityRules",
    "Receipt",
    "SubmissionError",
    "register_channel_authenticator",
    "submit",
    "submit_batch",
    "submit_one",
]

BATCH_MAX = 500
CLOCK_SKEW = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Receipt:
    """The final answer to a submission: the client removes the response from its queue."""

    uuid: str
    status: str  # "accepted" | "flagged" | "duplicate" (a replay of a stored response)
    http_status: int  # 201 stored now, 200 replay
    flags: tuple[str, ...]
    counted: bool
    received_at: dt.datetime

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON receipt."""
        return {
            "uuid": self.uuid, "status": self.status, "flags": list(self.flags),
            "counted": self.counted, "received_at": self.received_at.isoformat(),
        }


def submit(
    session: Session, payload: Any, caller: Caller, *, now: dt.datetime | None = None,
    rules: IntegrityRules | None = None,
) -> Receipt:
    """Validate and store one response in the session's transaction, or raise SubmissionError."""
    now = now or utcnow()
    submission = parse(payload)
    stored = _stored(session, submission.uuid)
    if stored is not None:
        return _replay(stored, submission)
    # The unit and its ancestors, from the root down; holding them keeps them in the session's
    # (weak) identity map for the scope check and the opening hours.
    chain = _unit_chain(session, submission.unit_code)
    unit_id = chain[-1].id
    auth = authenticate(session, submission, caller, chain, now)
    if submission.submitted_at > now + CLOCK_SKEW:
        raise SubmissionError("clock_skew", field="submitted_at")
    row = published_row(
        session, submission.questionnaire_code, submission.questionnaire_version,
        submission.questionnaire_hash,
    )
    try:
        checked = check_answers(questionnaire_of(session, row), submission.answers)
    except AnswersInvalid as invalid:
        raise SubmissionError.from_problems(invalid.problems) from None
    service_id = _service_id(session, submission.service_code)
    _check_supersedes(session, submission.supersedes)
    response = Response(
        uuid=submission.uuid, payload_hash=submission.content_hash, questionnaire_version_id=row.id,
        channel=submission.channel, link_kind=submission.link_kind, unit_id=unit_id,
        service_id=service_id, transaction_ref=submission.transaction_ref,
        credential_id=auth.credential_id, user_id=auth.user_id, supersedes_uuid=submission.supersedes,
        started_at=submission.started_at, submitted_at=submission.submitted_at, received_at=now,
        local_date=local_date(submission.submitted_at),
        raw_json=_raw_json(submission, checked),
    )
    return _store(session, submission, response, checked, auth, chain, rules or IntegrityRules())


def submit_one(
    session_factory: Callable[[], Session], payload: Any, caller: Caller, *,
    now: dt.datetime | None = None, rules: IntegrityRules | None = None,
) -> Receipt:
    """Submit one response in its own transaction and commit it.

    A commit that loses a race on the unique uuid (or transaction) is rolled back and the response
    submitted once more, which then finds the winner: the loser gets the winner's receipt.
    """
    try:
        return _submit_and_commit(session_factory, payload, caller, now, rules)
    except IntegrityError:
        return _submit_and_commit(session_factory, payload, caller, now, rules)


def submit_batch(
    session_factory: Callable[[], Session], payloads: list, caller: Caller, *,
    now: dt.datetime | None = None, rules: IntegrityRules | None = None,
) -> list[Receipt | SubmissionError]:
    """Submit up to BATCH_MAX responses, each in its own transaction; return a result per response."""
    if not isinstance(payloads, list) or not payloads:
        raise SubmissionError(
            "invalid_payload", '"responses" phải là một danh sách không rỗng.',
            '"responses" must be a non-empty list.', field="responses",
        )
    if len(payloads) > BATCH_MAX:
        raise SubmissionError("batch_too_large", f"(tối đa {BATCH_MAX})", f"(at most {BATCH_MAX})")
    results: list[Receipt | SubmissionError] = []
    for payload in payloads:
        try:
            results.append(submit_one(session_factory, payload, caller, now=now, rules=rules))
        except SubmissionError as refused:
            results.append(refused)
    return results


def _submit_and_commit(
    session_factory: Callable[[], Session], payload: Any, caller: Caller, now: dt.datetime | None,
    rules: IntegrityRules | None,
) -> Receipt:
    """Submit in a new session and commit; closing the session rolls back anything not committed."""
    with session_factory() as session:
        receipt = submit(session, payload, caller, now=now, rules=rules)
        session.commit()
        return receipt


def _stored(session: Session, uuid: str) -> Response | None:
    """Return the stored response with ``uuid``, if any."""
    return session.scalars(select(Response).where(Response.uuid == uuid)).first()


def _replay(stored: Response, submission: Submission) -> Receipt:
    """Return the original receipt for the same content, a conflict for different content."""
    if stored.payload_hash != submission.content_hash:
        raise SubmissionError("uuid_conflict", field="uuid")
    return Receipt(
        stored.uuid, "duplicate", 200, tuple(sorted(f.flag for f in stored.flags)), stored.counted,
        stored.received_at,
    )


def _unit_chain(session: Session, code: str) -> list[Unit]:
    """Return the unit with ``code`` and its ancestors, root first (422 unknown_unit)."""
    unit = units.by_code(session, code)
    if unit is None:
        raise SubmissionError("unknown_unit", f"({code})", f"({code})", field="unit")
    return units.ancestors(session, unit.id)


def _service_id(session: Session, code: str | None) -> int | None:
    """Return the id of the service with ``code`` (422 unknown_service), None without a code."""
    if code is None:
        return None
    service_id = session.scalar(select(Service.id).where(Service.code == code))
    if service_id is None:
        raise SubmissionError("unknown_service", f"({code})", f"({code})", field="service")
    return service_id


def _check_supersedes(session: Session, uuid: str | None) -> None:
    """Refuse a revision of an interview that is not stored."""
    if uuid is not None and _stored(session, uuid) is None:
        raise SubmissionError("unknown_supersedes", field="supersedes")


def _raw_json(submission: Submission, checked: CheckedAnswers) -> str:
    """Return the payload as received, with the answers to personal-data items removed."""
    raw = dict(submission.payload)
    raw["answers"] = _public_answers(submission, checked)
    return json.dumps(raw, ensure_ascii=False, separators=(",", ":"))


def _public_answers(submission: Submission, checked: CheckedAnswers) -> dict[str, Any]:
    """Return the answers as sent, without personal data."""
    return {code: value for code, value in submission.answers.items() if code not in checked.pii}


def _store(
    session: Session, submission: Submission, response: Response, checked: CheckedAnswers,
    auth: ChannelAuth, chain: list[Unit], rules: IntegrityRules,
) -> Receipt:
    """Insert the response with its answers and flags; a lost uuid race returns the winner's receipt."""
    on_site = submission.channel == "kiosk" or submission.link_kind == "poster"
    flags = [*auth.flags, *(flag for flag in (
        opening_hours_flag(chain, on_site, submission.submitted_at, rules),
        burst_flag(
            session, auth.credential_id, submission.submitted_at,
            _public_answers(submission, checked), rules,
        ),
    ) if flag is not None)]
    response.counted = not any(flag.uncounted for flag in flags)
    try:
        with session.begin_nested():
            session.add(response)
    except IntegrityError:
        winner = _stored(session, submission.uuid)
        if winner is None:
            raise
        return _replay(winner, submission)
    if auth.credential_id is not None:
        credentials.touch(session.get(Credential, auth.credential_id))
    if submission.transaction_ref is not None:
        claimed = response.counted and claim_transaction(session, response)
        if not claimed and transaction_counted(session, submission.transaction_ref):
            flags.append(Flag(
                "duplicate_transaction", "this transaction already has its counted rating", uncounted=True,
            ))
    response.counted = not any(flag.uncounted for flag in flags)
    response.status = "flagged" if flags else "accepted"
    session.add_all([
        Answer(
            response_id=response.id, item_code=row.item_code, seq=row.seq, value_int=row.value_int,
            value_num=row.value_num, value_text=row.value_text, value_date=row.value_date,
            score=row.score,
        )
        for row in checked.rows
    ])
    session.add_all([
        PiiAnswer(response_id=response.id, item_code=code, value_text=text)
        for code, text in checked.pii.items()
    ])
    session.add_all([ResponseFlag(response_id=response.id, flag=f.name, detail=f.detail) for f in flags])
    session.flush()
    return Receipt(
        response.uuid, response.status, 201, tuple(sorted(f.name for f in flags)), response.counted,
        response.received_at,
    )
