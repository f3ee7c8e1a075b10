"""The one submission service behind POST /api/v1/responses, for every channel (DESIGN.md section 5).

``submit`` runs the five steps in order: (1) parse the payload, (2) look up its uuid (a replay gets
its original receipt before any credential check), (3) authenticate the channel and check its unit
scope, (4) validate every answer against the frozen version, (5) store the response, its answers,
personal data apart, integrity flags, the feedback case a low rating with a comment or a call-back
request opens and its place in the daily rating counts. It commits nothing: the caller's transaction does, so a
response is stored whole or not at all. ``submit_one`` and ``submit_batch`` own their transactions.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.db.base import utcnow
from survey.db.cases import FeedbackCase
from survey.domain.answers import AnswersInvalid, CheckedAnswers, check_answers
from survey.domain.periods import local_date
from survey.services import submission_store
from survey.services.cases_rules import CasePolicy, default_policy, new_case
from survey.services.reporting import daily
from survey.services.submission_cache import SubmitCache, UnitLink
from survey.services.submission_channels import (
    Caller,
    ChannelAuth,
    Flag,
    authenticate,
    register_channel_authenticator,
)
from survey.services.submission_errors import SubmissionError
from survey.services.submission_flags import IntegrityRules, burst_flag, opening_hours_flag
from survey.services.submission_payload import Submission, parse
from survey.services.submission_store import StoredResponse

__all__ = [
    "BATCH_MAX",
    "CLOCK_SKEW",
    "Caller",
    "CasePolicy",
    "IntegrityRules",
    "Receipt",
    "SubmissionError",
    "SubmitCache",
    "register_channel_authenticator",
    "submit",
    "submit_batch",
    "submit_one",
]

BATCH_MAX = 500
_INSERT_CASE = FeedbackCase.__table__.insert()
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
    rules: IntegrityRules | None = None, cache: SubmitCache | None = None, cases: CasePolicy | None = None,
) -> Receipt:
    """Validate and store one response in the session's transaction, or raise SubmissionError.

    ``cache`` keeps unit chains, device credentials, versions and services across a run of
    submissions in one transaction (it forgets them in the next one). ``cases`` gives the deadlines of
    the feedback case the response may open (default: the bundled holidays, 1 and 6 working days).
    """
    now = now or utcnow()
    submission = parse(payload)
    # Objects the caller added through the ORM must be in the database before the SQL look-ups.
    session.flush()
    cache = cache or SubmitCache()
    connection = cache.bind(session)
    stored = submission_store.find(connection, submission.uuid)
    if stored is not None:
        return _replay(connection, stored, submission)
    chain = cache.unit_chain(session, submission.unit_code)
    auth = authenticate(session, submission, caller, chain, now, cache)
    if submission.submitted_at > now + CLOCK_SKEW:
        raise SubmissionError("clock_skew", field="submitted_at")
    version = cache.version(
        session, submission.questionnaire_code, submission.questionnaire_version,
        submission.questionnaire_hash,
    )
    try:
        checked = check_answers(version.questionnaire, submission.answers)
    except AnswersInvalid as invalid:
        raise SubmissionError.from_problems(invalid.problems) from None
    service_id = cache.service_id(session, submission.service_code)
    _check_supersedes(connection, submission.supersedes)
    public_answers = _public_answers(submission, checked)
    response = {
        "uuid": submission.uuid, "payload_hash": submission.content_hash,
        "questionnaire_version_id": version.id, "channel": submission.channel,
        "link_kind": submission.link_kind, "unit_id": chain[-1].id, "service_id": service_id,
        "transaction_ref": submission.transaction_ref, "credential_id": auth.credential_id,
        "user_id": auth.user_id, "supersedes_uuid": submission.supersedes,
        "started_at": submission.started_at, "submitted_at": submission.submitted_at, "received_at": now,
        "local_date": local_date(submission.submitted_at), "raw_json": _raw_json(submission, public_answers),
    }
    flags = _flags(connection, submission, auth, chain, public_answers, rules or IntegrityRules())
    case = new_case(version.cases, cases or default_policy(), checked.values, response)
    return _store(connection, submission, response, checked, auth, flags, case)


def submit_one(
    session_factory: Callable[[], Session], payload: Any, caller: Caller, *,
    now: dt.datetime | None = None, rules: IntegrityRules | None = None, cases: CasePolicy | None = None,
) -> Receipt:
    """Submit one response in its own transaction and commit it.

    A commit that loses a race on the unique uuid (or transaction) is rolled back and the response
    submitted once more, which then finds the winner: the loser gets the winner's receipt.
    """
    try:
        return _submit_and_commit(session_factory, payload, caller, now, rules, cases)
    except IntegrityError:
        return _submit_and_commit(session_factory, payload, caller, now, rules, cases)


def submit_batch(
    session_factory: Callable[[], Session], payloads: list, caller: Caller, *,
    now: dt.datetime | None = None, rules: IntegrityRules | None = None, cases: CasePolicy | None = None,
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
            results.append(submit_one(session_factory, payload, caller, now=now, rules=rules, cases=cases))
        except SubmissionError as refused:
            results.append(refused)
    return results


def _submit_and_commit(
    session_factory: Callable[[], Session], payload: Any, caller: Caller, now: dt.datetime | None,
    rules: IntegrityRules | None, cases: CasePolicy | None,
) -> Receipt:
    """Submit in a new session and commit; closing the session rolls back anything not committed."""
    with session_factory() as session:
        receipt = submit(session, payload, caller, now=now, rules=rules, cases=cases)
        session.commit()
        return receipt


def _replay(connection: Connection, stored: StoredResponse, submission: Submission) -> Receipt:
    """Return the original receipt for the same content, a conflict for different content."""
    if stored.payload_hash != submission.content_hash:
        raise SubmissionError("uuid_conflict", field="uuid")
    return Receipt(
        stored.uuid, "duplicate", 200, tuple(sorted(submission_store.flags_of(connection, stored.id))),
        stored.counted, stored.received_at,
    )


def _check_supersedes(connection: Connection, uuid: str | None) -> None:
    """Refuse a revision of an interview that is not stored."""
    if uuid is not None and submission_store.find(connection, uuid) is None:
        raise SubmissionError("unknown_supersedes", field="supersedes")


def _raw_json(submission: Submission, public_answers: dict[str, Any]) -> str:
    """Return the payload as received, with the answers to personal-data items removed."""
    raw = dict(submission.payload)
    raw["answers"] = public_answers
    return json.dumps(raw, ensure_ascii=False, separators=(",", ":"))


def _public_answers(submission: Submission, checked: CheckedAnswers) -> dict[str, Any]:
    """Return the answers as sent, without personal data."""
    return {code: value for code, value in submission.answers.items() if code not in checked.pii}


def _flags(
    connection: Connection, submission: Submission, auth: ChannelAuth, chain: tuple[UnitLink, ...],
    public_answers: dict[str, Any], rules: IntegrityRules,
) -> list[Flag]:
    """Return the flags of the channel check, the opening hours and the burst rules."""
    on_site = submission.channel == "kiosk" or submission.link_kind == "poster"
    # Rapid presses and bursts of identical ratings are a kiosk's failure modes; an enumerator's
    # tablet legitimately sends a day's interviews together after days offline.
    burst = (
        burst_flag(connection, auth.credential_id, submission.submitted_at, public_answers, rules)
        if submission.channel == "kiosk" else None
    )
    return [*auth.flags, *(flag for flag in (
        opening_hours_flag(chain, on_site, submission.submitted_at, rules), burst,
    ) if flag is not None)]


def _store(
    connection: Connection, submission: Submission, response: dict[str, Any], checked: CheckedAnswers,
    auth: ChannelAuth, flags: list[Flag], case: dict[str, Any] | None,
) -> Receipt:
    """Insert the response with its answers, flags and case; a lost uuid race returns the winner's receipt."""
    counted = not any(flag.uncounted for flag in flags)
    status = "flagged" if flags else "accepted"
    response_id = submission_store.insert_response(connection, {**response, "counted": counted, "status": status})
    if response_id is None:
        winner = submission_store.find(connection, submission.uuid)
        if winner is None:
            raise IntegrityError("INSERT INTO responses", None, LookupError("uuid taken, winner not visible"))
        return _replay(connection, winner, submission)
    if auth.credential_id is not None:
        submission_store.touch(connection, auth.credential_id)
    ref = submission.transaction_ref
    if ref is not None:
        claimed = counted and submission_store.claim_transaction(connection, response["unit_id"], ref, response_id)
        if not claimed and submission_store.transaction_counted(connection, ref):
            flags.append(Flag(
                "duplicate_transaction", "this transaction already has its counted rating", uncounted=True,
            ))
            counted, status = False, "flagged"
            submission_store.settle(connection, response_id, counted, status)
    submission_store.insert_details(
        connection, response_id, checked.rows, checked.pii, ((flag.name, flag.detail) for flag in flags),
    )
    if case is not None:
        # A new response has no case yet: a retry of its uuid was answered by _replay above.
        connection.execute(_INSERT_CASE, {**case, "response_id": response_id})
    if counted:
        daily.add(connection, response, checked.rows, flagged=status != "accepted")
    if submission.supersedes is not None:
        daily.retract_superseded(connection, submission.supersedes)
    return Receipt(
        submission.uuid, status, 201, tuple(sorted(f.name for f in flags)), counted, response["received_at"],
    )
