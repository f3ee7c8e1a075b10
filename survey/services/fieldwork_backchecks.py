"""Supervision: back-checks (phúc tra) of completed interviews, and sending interviews back.

Back-check draw: for each enumerator with completed interviews not yet drawn, take
max(1, round(share * n)) of them by simple random sampling without replacement, from a generator
seeded with the recorded seed and the enumerator's id (reproducible, independent of the order of
enumerators). The checker's own interviews are left out: nobody checks their own work.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db.accounts import User
from survey.db.fieldwork import RespondentDraw, SampleSelection
from survey.db.interviews import Backcheck, FieldAssignment, SendBack
from survey.db.responses import Response
from survey.services.fieldwork import FieldworkError, enumerator
from survey.services.fieldwork_scope import selection_visible, visible_selections, within
from survey.services.sampling import get_survey

DEFAULT_SHARE = 0.10
DURATION_BOUNDS = (("lt30", 0, 30), ("m30_60", 30, 60), ("m60_90", 60, 90), ("gt90", 90, float("inf")))
AGE_GROUPS = (("a18_29", 18, 30), ("a30_44", 30, 45), ("a45_59", 45, 60), ("a60_70", 60, float("inf")))
COMPARED_ELSEWHERE = {"interviewed", "duration", "age_group", "household_size"}


def draw_backchecks(session: Session, survey_code: str, checker: str, *, share: float = DEFAULT_SHARE,
                    seed: int | None = None, by: User | None = None) -> list[Backcheck]:
    """Draw back-checks of completed interviews, at least one per enumerator, for ``checker``."""
    if not 0 < share <= 1:
        raise FieldworkError("share", "tỉ lệ phúc tra phải trong khoảng (0, 1]", "the share must be in (0, 1]")
    survey = get_survey(session, survey_code)
    checker_user = enumerator(session, checker, scope_unit_id=by.unit_id if by else None)
    seed = secrets.randbits(62) if seed is None else int(seed)
    drawn = select(Backcheck.draw_id)
    rows = session.execute(
        select(RespondentDraw, FieldAssignment.enumerator_id)
        .join(SampleSelection, RespondentDraw.selection_id == SampleSelection.id)
        .join(FieldAssignment, FieldAssignment.selection_id == SampleSelection.id)
        .where(SampleSelection.survey_id == survey.id, RespondentDraw.status == "completed",
               RespondentDraw.id.not_in(drawn), FieldAssignment.enumerator_id != checker_user.id)
        .order_by(RespondentDraw.id)).all()
    visible = visible_selections(session, survey, by.unit_id if by else None)
    by_enumerator: dict[int, list[RespondentDraw]] = {}
    for draw, enumerator_id in rows:
        if not within(visible, draw.selection_id):
            continue
        by_enumerator.setdefault(enumerator_id, []).append(draw)
    checks = []
    for enumerator_id, draws in sorted(by_enumerator.items()):
        for index in choose(seed, enumerator_id, len(draws), share):
            draw = draws[index]
            checks.append(Backcheck(survey_id=survey.id, draw_id=draw.id, response_uuid=draw.response_uuid,
                                    enumerator_id=enumerator_id, checker_id=checker_user.id, seed=seed))
    session.add_all(checks)
    session.flush()
    return checks


def choose(seed: int, enumerator_id: int, n: int, share: float) -> list[int]:
    """Return the positions of max(1, round(share * n)) of n interviews, by simple random sampling.

    Every interview is drawn with probability k / n, k = max(1, round(share * n)) (Cochran, Sampling
    Techniques, 3rd ed., 1977, section 2.2); the generator is seeded with (seed, enumerator_id).
    """
    rng = np.random.default_rng([seed, enumerator_id])
    return sorted(int(i) for i in rng.choice(n, size=min(n, max(1, round(share * n))), replace=False))


def _answers(session: Session, uuid: str) -> tuple[dict, Response]:
    """Return a stored response's answers as sent, and the response."""
    response = session.scalars(select(Response).where(Response.uuid == uuid)).one()
    return json.loads(response.raw_json).get("answers", {}), response


def _band(value: float, bands) -> str | None:
    """Return the code of the band [low, high) containing ``value``."""
    return next((code for code, low, high in bands if low <= value < high), None)


def compare(original: dict, original_minutes: float | None, check: dict) -> list[str]:
    """Return the back-check items whose answers contradict the original interview."""
    if check.get("interviewed") == "no":
        return ["interviewed"]
    mismatches = []
    if check.get("duration") and original_minutes is not None and \
            check["duration"] != _band(original_minutes, DURATION_BOUNDS):
        mismatches.append("duration")
    age = original.get("age")
    if check.get("age_group") and isinstance(age, int) and check["age_group"] != _band(age, AGE_GROUPS):
        mismatches.append("age_group")
    mismatches += [code for code, value in check.items()
                   if code not in COMPARED_ELSEWHERE and code in original and original[code] != value]
    return mismatches


def _minutes(response: Response) -> float | None:
    """Return the interview's length from its device times."""
    if response.started_at is None:
        return None
    return (response.submitted_at - response.started_at) / dt.timedelta(minutes=1)


@dataclass(frozen=True)
class BackcheckResult:
    """One back-check: the interview, its enumerator, and the mismatching items (None: not done)."""

    backcheck_id: int
    response_uuid: str
    enumerator: str
    mismatches: tuple[str, ...] | None


def backcheck_results(session: Session, survey_code: str, scope_unit_id: int | None = None) -> list[BackcheckResult]:
    """Return every back-check of a survey's villages within the scope, with its mismatches."""
    survey = get_survey(session, survey_code)
    visible = visible_selections(session, survey, scope_unit_id)
    results = []
    for check, username, selection_id in session.execute(
            select(Backcheck, User.username, RespondentDraw.selection_id)
            .join(RespondentDraw, Backcheck.draw_id == RespondentDraw.id)
            .outerjoin(User, Backcheck.enumerator_id == User.id)
            .where(Backcheck.survey_id == survey.id).order_by(Backcheck.id)).all():
        if not within(visible, selection_id):
            continue
        mismatches = None
        if check.backcheck_uuid is not None:
            original, response = _answers(session, check.response_uuid)
            answers, _ = _answers(session, check.backcheck_uuid)
            mismatches = tuple(compare(original, _minutes(response), answers))
        results.append(BackcheckResult(check.id, check.response_uuid, username or "", mismatches))
    return results


def mismatch_report(results: list[BackcheckResult]) -> list[dict]:
    """Return per enumerator: back-checks drawn, done, with a mismatch, and mismatches per item."""
    report: dict[str, dict] = {}
    for result in results:
        row = report.setdefault(result.enumerator, {"enumerator": result.enumerator, "drawn": 0, "done": 0,
                                                    "with_mismatch": 0, "items": {}})
        row["drawn"] += 1
        if result.mismatches is not None:
            row["done"] += 1
            row["with_mismatch"] += bool(result.mismatches)
            for item in result.mismatches:
                row["items"][item] = row["items"].get(item, 0) + 1
    return [report[name] for name in sorted(report)]


def send_back(session: Session, response_uuid: str, comment: str, *, by: User | None = None) -> SendBack:
    """Send a completed interview back to its enumerator with a comment; nothing is changed yet."""
    draw = session.scalars(select(RespondentDraw).where(RespondentDraw.response_uuid == response_uuid)).first()
    if draw is None or not selection_visible(session, draw.selection_id, by.unit_id if by else None):
        raise FieldworkError("unknown_interview", "không có phỏng vấn hoàn thành với mã này",
                             "no completed interview has this uuid", 404)
    if not (comment or "").strip():
        raise FieldworkError("comment_required", "cần ghi lý do trả lại phiếu",
                             "say why the interview is sent back")
    open_sendback = session.scalars(select(SendBack).where(SendBack.response_uuid == response_uuid,
                                                           SendBack.revision_uuid.is_(None))).first()
    if open_sendback is not None:
        raise FieldworkError("already_sent_back", "phiếu này đã được trả lại, đang chờ sửa",
                             "this interview was already sent back and awaits its revision", 409)
    sendback = SendBack(draw_id=draw.id, response_uuid=response_uuid, comment=comment.strip(),
                        sent_by=by.id if by else None)
    session.add(sendback)
    session.flush()
    return sendback
