"""Two uses of one receipt link at the same moment: exactly one rating is stored, on both engines."""

from __future__ import annotations

import threading

from qr_world import NOW, kiosk_payload
from sqlalchemy import func, select
from test_qr_links import issue

from survey.db.qr import SpentQrToken
from survey.db.responses import Response
from survey.services.submission import Caller, Receipt, SubmissionError, submit_one
from survey.web.database import session_scope

ROUNDS = 5


def race(app, token: str, bodies: list[dict]) -> list[Receipt | SubmissionError]:
    """Submit ``bodies`` from one thread each, released together; return each thread's outcome."""
    factory = app.extensions["hailong.db"][1]
    barrier = threading.Barrier(len(bodies))
    results: list = [None] * len(bodies)

    def run(index: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results[index] = submit_one(factory, bodies[index], Caller(token=token), now=NOW)
            except SubmissionError as error:
                results[index] = error

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def counts(app, ref: str) -> tuple[int, int]:
    """Return the responses and spent tokens stored for transaction ``ref``."""
    with session_scope(app) as session:
        return (
            session.scalar(select(func.count()).select_from(Response).where(Response.transaction_ref == ref)),
            session.scalar(select(func.count()).select_from(SpentQrToken).where(SpentQrToken.transaction_ref == ref)),
        )


def test_two_different_responses_with_one_link_exactly_one_wins(app, world):
    for round_ in range(ROUNDS):
        ref = f"T-race-{round_}"
        token = issue(app, transaction_ref=ref)
        bodies = [kiosk_payload(transaction_ref=ref, answers={"overall_rating": k}) for k in (2, 5)]
        results = race(app, token, bodies)
        receipts = [r for r in results if isinstance(r, Receipt)]
        refusals = [r for r in results if isinstance(r, SubmissionError)]
        assert len(receipts) == 1 and receipts[0].http_status == 201
        assert [(e.code, e.http_status) for e in refusals] == [("qr_link_used", 409)]
        assert counts(app, ref) == (1, 1)


def test_the_same_response_sent_twice_at_once_gets_one_row_and_two_receipts(app, world):
    for round_ in range(ROUNDS):
        ref = f"T-twice-{round_}"
        token = issue(app, transaction_ref=ref)
        body = kiosk_payload(transaction_ref=ref)
        results = race(app, token, [body, dict(body)])
        assert all(isinstance(r, Receipt) for r in results), results
        assert sorted(r.http_status for r in results) == [200, 201]
        assert {r.uuid for r in results} == {body["uuid"]}
        assert counts(app, ref) == (1, 1)
