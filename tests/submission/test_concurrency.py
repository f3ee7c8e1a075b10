"""Concurrent duplicates from threads and from processes store exactly one row; the loser gets a receipt."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
from collections import Counter

from sqlalchemy import func, select
from submission_world import NOW, payload, row_counts

from survey.db.responses import CountedTransaction, Response
from survey.services import submission
from survey.services.submission import Caller, submit_one
from survey.web.database import session_scope

WORKER = """
import datetime as dt, json, sys
from survey.db.engine import make_engine, make_session_factory
from survey.services.submission import Caller, SubmissionError, submit_one

url, token = sys.argv[1], sys.argv[2]
payloads = json.loads(sys.stdin.readline())
factory = make_session_factory(make_engine(url))
now = dt.datetime.fromisoformat(sys.argv[3])
print("ready", flush=True)
sys.stdin.readline()
for body in payloads:
    try:
        receipt = submit_one(factory, body, Caller(token=token), now=now)
        print(json.dumps({"uuid": receipt.uuid, "http": receipt.http_status, "status": receipt.status,
                          "counted": receipt.counted, "flags": list(receipt.flags)}), flush=True)
    except SubmissionError as error:
        print(json.dumps({"uuid": body["uuid"], "error": error.code}), flush=True)
"""


def spaced(count: int, **changes) -> list[dict]:
    """Return ``count`` payloads submitted three minutes apart (no burst, repeat or hours flags)."""
    return [
        payload(started_at=..., submitted_at=(NOW - dt.timedelta(minutes=3 * (k + 1))).isoformat(),
                **{key: value.format(k) for key, value in changes.items()})
        for k in range(count)
    ]


def run_processes(app, jobs: list[tuple[str, list[dict]]]) -> list[list[dict]]:
    """Start one process per (token, payloads), release them together, return their results."""
    url = app.config["DATABASE_URL"]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, url, token, NOW.isoformat()],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        for token, _ in jobs
    ]
    for process, (_, bodies) in zip(processes, jobs):
        process.stdin.write(json.dumps(bodies) + "\n")
        process.stdin.flush()
    for process in processes:
        assert process.stdout.readline().strip() == "ready"
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    results = []
    for process in processes:
        out, _ = process.communicate(timeout=120)
        assert process.returncode == 0
        results.append([json.loads(line) for line in out.splitlines()])
    return results


def test_two_processes_sending_the_same_responses_store_each_once(app, world):
    bodies = spaced(20)
    first, second = run_processes(app, [(world.kiosk, bodies), (world.kiosk, bodies)])
    for body, a, b in zip(bodies, first, second):
        assert a["uuid"] == b["uuid"] == body["uuid"]
        assert sorted([a["http"], b["http"]]) == [200, 201]
        assert {a["status"], b["status"]} == {"accepted", "duplicate"}
    with session_scope(app) as session:
        assert session.scalar(select(func.count()).select_from(Response)) == 20
    assert row_counts(app)["answers"] == 20 * 5


def test_two_processes_rating_the_same_transactions_count_each_once(app, world):
    a_bodies = spaced(15, transaction_ref="T-{}")
    b_bodies = spaced(15, transaction_ref="T-{}", unit="K02")
    results = run_processes(app, [(world.kiosk, a_bodies), (world.kiosk_other, b_bodies)])
    for a, b in zip(*results):
        assert a["http"] == b["http"] == 201
        assert sorted([a["counted"], b["counted"]]) == [False, True]
        loser = a if not a["counted"] else b
        assert loser["flags"] == ["duplicate_transaction"] and loser["status"] == "flagged"
    with session_scope(app) as session:
        assert session.scalar(select(func.count()).select_from(Response)) == 30
        refs = Counter(session.scalars(select(CountedTransaction.transaction_ref)))
        assert refs == Counter({f"T-{k}": 1 for k in range(15)})
        counted = Counter(session.scalars(select(Response.transaction_ref).where(Response.counted)))
        assert counted == refs


def test_two_threads_sending_the_same_response_store_it_once(app, world, monkeypatch):
    factory = app.extensions["hailong.db"][1]
    if app.config["DATABASE_URL"].startswith("postgresql"):
        # Force the race: both threads pass the uuid look-up before either inserts. (SQLite's
        # BEGIN IMMEDIATE makes the second thread wait at its look-up, so no forcing is possible.)
        barrier = threading.Barrier(2, timeout=30)
        authenticate = submission.authenticate

        def authenticate_together(*args):
            barrier.wait()
            return authenticate(*args)

        monkeypatch.setattr(submission, "authenticate", authenticate_together)
    for body in spaced(5):
        receipts = [None, None]

        def send(index: int, body: dict, receipts: list) -> None:
            receipts[index] = submit_one(factory, body, Caller(token=world.kiosk), now=NOW)

        threads = [threading.Thread(target=send, args=(i, body, receipts)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert sorted(r.http_status for r in receipts) == [200, 201]
        assert receipts[0].received_at == receipts[1].received_at
    assert row_counts(app)["responses"] == 5


def test_two_threads_with_different_content_for_one_uuid(app, world, monkeypatch):
    factory = app.extensions["hailong.db"][1]
    body = payload()
    changed = {**body, "answers": {**body["answers"], "overall": 3}}
    outcomes = []

    def send(candidate) -> None:
        try:
            outcomes.append(submit_one(factory, candidate, Caller(token=world.kiosk), now=NOW).http_status)
        except submission.SubmissionError as error:
            outcomes.append(error.code)

    threads = [threading.Thread(target=send, args=(b,)) for b in (body, changed)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(map(str, outcomes)) == ["201", "uuid_conflict"]
    assert row_counts(app)["responses"] == 1


def test_a_commit_that_loses_a_race_is_retried_and_finds_the_winner(app, world, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    factory = app.extensions["hailong.db"][1]
    body = payload()
    real_submit = submission.submit
    calls = []

    def lose_once(session, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:  # another worker stores the same response first
            winner = submit_one(factory, body, Caller(token=world.kiosk), now=NOW)
            assert winner.http_status == 201
            raise IntegrityError("INSERT", {}, Exception("unique uuid"))
        return real_submit(session, *args, **kwargs)

    monkeypatch.setattr(submission, "submit", lose_once)
    receipt = submit_one(factory, body, Caller(token=world.kiosk), now=NOW)
    assert (receipt.http_status, receipt.status) == (200, "duplicate")
    assert row_counts(app)["responses"] == 1
