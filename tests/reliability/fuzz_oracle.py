"""What every fuzzed answer must satisfy: no 5xx, a clear JSON error or a stored response that round-trips.

A refusal leaves the row count of every table unchanged. An accepted response adds exactly its own
rows (the response, its answers, personal data, flags, counted transaction, spent link) and what is
stored equals what was sent: the raw JSON (personal data removed) and one typed row per answer.
"""

from __future__ import annotations

import atexit
import datetime as dt
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

from fuzz_payloads import FORMS
from fuzz_world import row_counts
from sqlalchemy import select

from survey.db.cases import FeedbackCase
from survey.db.qr import SpentQrToken
from survey.db.questionnaires import QuestionnaireVersion
from survey.db.responses import Answer, CountedTransaction, PiiAnswer, Response, ResponseFlag
from survey.web.database import session_scope

OUTCOMES: Counter = Counter()  # (surface, engine, HTTP status or outcome) -> count, for the report
# HAILONG_FUZZ_OUTCOMES=<file>: write the counts there as JSON when the test run ends.
if os.environ.get("HAILONG_FUZZ_OUTCOMES"):
    atexit.register(lambda: Path(os.environ["HAILONG_FUZZ_OUTCOMES"]).write_text(json.dumps(
        [[*key, count] for key, count in sorted(OUTCOMES.items(), key=str)], indent=0)))
OWNED = {"answers": Answer, "pii_answers": PiiAnswer, "response_flags": ResponseFlag,
         "counted_transactions": CountedTransaction, "feedback_cases": FeedbackCase}


def assert_error(response) -> dict:
    """Check a refusal's JSON error: a stable code and messages in Vietnamese and English."""
    error = response.get_json()["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert error["message"]["vi"].strip() and error["message"]["en"].strip()
    return error


def assert_accounted(app, before: dict[str, int], stored: list[str]) -> None:
    """Check that the database grew by exactly the rows of the responses ``stored`` (uuids) now."""
    after = row_counts(app)
    expected = dict(before)
    with session_scope(app) as session:
        ids = session.scalars(select(Response.id).where(Response.uuid.in_(stored))).all() if stored else []
        assert len(ids) == len(stored), stored
        expected["responses"] += len(ids)
        for table, model in OWNED.items():
            expected[table] += len(session.scalars(select(model.response_id).where(model.response_id.in_(ids))).all())
        expected["spent_qr_tokens"] += len(session.scalars(
            select(SpentQrToken.id).where(SpentQrToken.response_uuid.in_(stored))).all())
    # A stored poster rating may start the rate-limit window of its client address.
    limit_rows = after["rate_limit_counters"] - before["rate_limit_counters"]
    assert limit_rows in ((0, 1) if stored else (0,)), limit_rows
    expected["rate_limit_counters"] += limit_rows
    # The daily counts gain at most one row per stored whole-number answer (an upsert).
    daily_rows = after.get("daily_rating_counts", 0) - before.get("daily_rating_counts", 0)
    assert 0 <= daily_rows <= expected["answers"] - before["answers"], daily_rows
    if "daily_rating_counts" in expected:
        expected["daily_rating_counts"] += daily_rows
    assert after == expected, {table: (before[table], after[table]) for table in after if after[table] != expected[table]}


def assert_round_trip(app, world, payload: dict[str, Any]) -> None:
    """Check that the stored response equals the payload, modulo the documented normalisation."""
    uuid = payload["uuid"].lower()
    with session_scope(app) as session:
        row = session.scalars(select(Response).where(Response.uuid == uuid)).one()
        code = session.scalar(select(QuestionnaireVersion.code).where(
            QuestionnaireVersion.id == row.questionnaire_version_id))
        form = FORMS[code]
        answers = session.scalars(select(Answer).where(Answer.response_id == row.id)).all()
        pii = {p.item_code: p.value_text for p in session.scalars(select(PiiAnswer).where(PiiAnswer.response_id == row.id))}
        assert row.channel == payload["channel"] and row.link_kind == payload.get("link_kind")
        assert row.unit_id == world.units[payload["unit"]]
        assert row.service_id == (world.service_id if payload.get("service") else None)
        assert row.transaction_ref == payload.get("transaction_ref")
        assert row.submitted_at == dt.datetime.fromisoformat(payload["submitted_at"])
        if payload.get("started_at") is not None:
            assert row.started_at == dt.datetime.fromisoformat(payload["started_at"])
        sent = {key: value for key, value in payload["answers"].items() if value not in (None, "", [])}
        private = {item.code for item in form.items if item.pii}
        public = {key: value for key, value in payload["answers"].items() if key not in private or key not in sent}
        assert json.loads(row.raw_json) == {**payload, "answers": public}
        assert pii == {key: value for key, value in sent.items() if key in private}
        stored: dict[str, Any] = {}
        for answer in answers:
            stored.setdefault(answer.item_code, []).append(_value(form, answer))
        expected = {key: _expected(form, key, value) for key, value in sent.items() if key not in private}
        assert stored == expected


def _value(form, answer: Answer) -> Any:
    """Return the value an answer row holds for its item's type."""
    kind = form.item(answer.item_code).type
    if kind in ("likert5", "integer"):
        return answer.value_int
    if kind == "decimal":
        return answer.value_num
    if kind == "date":
        return answer.value_date.isoformat()
    return answer.value_text


def _expected(form, code: str, value: Any) -> list[Any]:
    """Return the rows' values a sent answer must give (one per option of a multiple choice)."""
    kind = form.item(code).type
    if kind == "multi_choice":
        order = form.item(code).choice_values()
        return sorted(value, key=order.index)
    return [float(value) if kind == "decimal" else value]
